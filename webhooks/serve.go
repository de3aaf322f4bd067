package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeConfig configures Serve: one connection's receiver and worker, and how
// the endpoint is served.
type ServeConfig struct {
	// Receiver configures the endpoint; its Notify is set to wake the worker.
	Receiver ReceiverConfig
	// Worker configures what turns stored events into records.
	Worker WorkerConfig
	// TLSCert and TLSKey, when both set, are the certificate and key files
	// (PEM) to serve https with.
	TLSCert, TLSKey string
	// Ready, when set, is called once callbacks are being accepted on the
	// listener's address. An error from it stops Serve, which returns it.
	Ready func(ctx context.Context, addr net.Addr) error
	// ShutdownTimeout bounds how long callbacks in flight may take to be
	// committed when Serve stops; default 10s.
	ShutdownTimeout time.Duration
}

// Serve receives the connection's callbacks on ln and turns them into records
// until ctx is done, then stops: it stops taking callbacks, lets those in
// flight be committed, and only then stops the worker, whose pass in progress
// finishes within its Grace. Whatever is not yet emitted stays in the inbox
// for the next run. Serve closes ln; it returns nil on a normal stop.
func Serve(ctx context.Context, ln net.Listener, cfg ServeConfig) error {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		ln.Close()
		return errors.New("webhooks: a TLS certificate needs its key, and a key its certificate")
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	worker, err := NewWorker(cfg.Worker)
	if err != nil {
		ln.Close()
		return err
	}
	cfg.Receiver.Notify = worker.Notify
	receiver, err := NewReceiver(cfg.Receiver)
	if err != nil {
		ln.Close()
		return err
	}
	logger := cfg.Receiver.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           receiver,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// The worker outlives ctx until the server has drained, so that the
	// callbacks committed last are still picked up in this run.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan error, 1)
	go func() { workDone <- worker.Run(workCtx) }()
	serveDone := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			serveDone <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			serveDone <- srv.Serve(ln)
		}
	}()

	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && cfg.TLSCert == "" {
		logger.Warn("webhooks: listening without TLS on an address other machines can reach; secrets travel in clear unless a TLS proxy is in front",
			"addr", ln.Addr().String())
	}
	var readyErr, serveErr error
	if cfg.Ready != nil {
		readyErr = cfg.Ready(ctx, ln.Addr())
	}
	if readyErr == nil {
		select {
		case <-ctx.Done():
		case serveErr = <-serveDone:
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	// Serve may not have started when Ready failed at once: waiting for it
	// means the listener is closed before Serve returns, either way.
	if serveErr == nil {
		serveErr = <-serveDone
	}
	receiver.Close()
	stopWork()
	<-workDone
	if readyErr != nil {
		return readyErr
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("webhooks: serving: %w", serveErr)
	}
	return nil
}
