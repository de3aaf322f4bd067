// peers.cjs exports one stream from the sandbox with one of the npm clients,
// the way each client's README leads a user to: page after page, one request
// at a time, and for orders the sub-resources each order links to (line items,
// shipping addresses, and coupons when the order has a coupon discount, so
// that it reads what bigc reads). Records go to a file as JSON lines.
//
// Run by `go run ./bench -npm`, which installs the clients into a temporary
// directory and passes it in NODE_PATH:
//
//   node peers.cjs CLIENT STREAM OUT    (env BENCH_URL, BENCH_STORE_HASH, BENCH_TOKEN)
//
// It prints {"records":N,"ms":M,"cpu_ms":C} on stdout: M is the export's own
// time, from the first request to the file closed, and C the CPU time node
// used meanwhile (node's start-up and the clients' loading left out).
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');

const [client, stream, out] = process.argv.slice(2);
const base = new URL(process.env.BENCH_URL);
const storeHash = process.env.BENCH_STORE_HASH;
const accessToken = process.env.BENCH_TOKEN;

// Loaded before the clock starts, as a long-running program would have them.
redirectHTTPS();
const BigCommerce = require('node-bigcommerce');
const { BigCommerceApiClient } = require('bigcommerce-api-client');

const isZero = (amount) => Number(amount) === 0;

// node-bigcommerce always calls https.request on api.bigcommerce.com:443.
// The sandbox speaks plain HTTP on loopback, so its https.request is
// redirected there (same path and headers, node's keep-alive agent).
function redirectHTTPS() {
  https.request = (options, callback) => http.request(Object.assign({}, options, {
    protocol: 'http:', hostname: base.hostname, port: base.port, agent: undefined,
  }), callback);
}

async function nodeBigcommerce(lines) {
  const config = { clientId: 'bench', accessToken, storeHash, responseType: 'json' };
  const v2 = new BigCommerce(Object.assign({ apiVersion: 'v2' }, config));
  const v3 = new BigCommerce(Object.assign({ apiVersion: 'v3' }, config));
  if (stream === 'orders') {
    for (let page = 1; ; page++) {
      const orders = await v2.get(`/orders?page=${page}&limit=250`);
      if (!Array.isArray(orders) || orders.length === 0) return; // 204: ''
      for (const o of orders) {
        o.products = await v2.get(`/orders/${o.id}/products?limit=250`) || [];
        o.shipping_addresses = await v2.get(`/orders/${o.id}/shipping_addresses?limit=250`) || [];
        o.coupons = isZero(o.coupon_discount) ? [] : (await v2.get(`/orders/${o.id}/coupons?limit=250`) || []);
        lines(o);
      }
    }
  }
  const path = stream === 'products'
    ? '/catalog/products?include=variants,images,custom_fields'
    : '/customers?include=addresses,attributes';
  for (let page = 1; ; page++) {
    const res = await v3.get(`${path}&limit=250&page=${page}`);
    res.data.forEach(lines);
    if (page >= res.meta.pagination.total_pages || res.data.length === 0) return;
  }
}

// bigcommerce-api-client's Limit.ALL is how its README lists everything, but
// in 0.7.19 it stops after the first page (the limit left, -1 - page * 250,
// is below zero at once), so the pages are asked for one by one.
async function bigcommerceApiClient(lines) {
  const c = new BigCommerceApiClient({ storeHash, accessToken });
  // Its base URL is https://api.bigcommerce.com/stores/{hash}; the sandbox
  // serves the same paths under its own URL.
  c.apiClient.axiosInstance.defaults.baseURL = `${base.origin}/stores/${storeHash}`;
  if (stream === 'orders') {
    for (let page = 1; ; page++) {
      const orders = await c.orders.getAllOrders({}, page, 250);
      if (!Array.isArray(orders) || orders.length === 0) return; // 204: ''
      for (const o of orders) {
        o.products = await c.orders.orderProducts.listOrderProducts(o.id) || [];
        o.shipping_addresses = await c.orders.orderShippingAddresses.getOrderShippingAddresses(o.id) || [];
        o.coupons = isZero(o.coupon_discount) ? [] : (await c.orders.orderCoupons.listOrderCoupons(o.id) || []);
        lines(o);
      }
    }
  }
  for (let page = 1; ; page++) {
    const res = stream === 'products'
      ? await c.catalog.products.getAllProducts({ include: 'variants,images,custom_fields' }, page, 250)
      : await c.customersV3.getAllCustomers({ include: 'addresses,attributes' }, page, 250);
    res.data.forEach(lines);
    if (page >= res.meta.pagination.total_pages || res.data.length === 0) return;
  }
}

async function main() {
  const peers = { 'node-bigcommerce': nodeBigcommerce, 'bigcommerce-api-client': bigcommerceApiClient };
  if (!peers[client]) throw new Error(`client ${client}: want one of ${Object.keys(peers).join(', ')}`);
  if (!['orders', 'products', 'customers'].includes(stream)) throw new Error(`stream ${stream}: want orders, products or customers`);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const fd = fs.openSync(out, 'w');
  let records = 0;
  let buf = [];
  const flush = () => { if (buf.length) { fs.writeSync(fd, buf.join('')); buf = []; } };
  await peers[client]((r) => {
    buf.push(JSON.stringify(r) + '\n');
    records++;
    if (buf.length >= 250) flush();
  });
  flush();
  fs.closeSync(fd);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(JSON.stringify({ records, ms, cpu_ms: (cpu.user + cpu.system) / 1e3 }) + '\n');
}

main().catch((err) => { console.error(String(err && err.stack || err)); process.exit(1); });
