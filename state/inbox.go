package state

const inboxSchema = `
CREATE TABLE IF NOT EXISTS inbox (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	connection  TEXT NOT NULL,
	dedupe_key  TEXT NOT NULL,
	scope       TEXT NOT NULL,
	payload     BLOB NOT NULL,
	status      TEXT NOT NULL DEFAULT 'pending',
	received_at TEXT NOT NULL,
	UNIQUE (connection, dedupe_key)
);`
