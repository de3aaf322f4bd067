package state

// The schema histories, one per backend. Migration N is element N-1; a
// database records the number it has reached and gets the rest when opened.
// An applied migration is never edited: a change to the tables is a new
// migration at the end of each history (state/migrate.go applies them).

// sqliteMigrations is the SQLite history.
var sqliteMigrations = []string{
	// 1: the tables of the builds before versioning. They are written with IF
	// NOT EXISTS, so a file those builds made (version 0, tables present)
	// takes this migration unharmed.
	checkpointsSchema + inboxSchema,
	// 2: leases, and the inbox's claims, so that several workers can share
	// one inbox without two working on the same event.
	`
CREATE TABLE leases (
	name        TEXT    PRIMARY KEY,
	holder      TEXT    NOT NULL,
	token       TEXT    NOT NULL,
	acquired_at INTEGER NOT NULL,
	renewed_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
);
ALTER TABLE inbox ADD COLUMN claimed_by  TEXT    NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;`,
	// 3: the import journal (imports.go).
	importsSchemaSQLite,
	// 4: the content hashes of streams read whole (hashes.go).
	hashesSchema,
	// 5: the deletions webhooks report (deletions.go).
	deletionsSchema,
}

// postgresMigrations is the PostgreSQL history. The tables are those of the
// SQLite history (the state code's queries serve both); times the code
// compares are Unix milliseconds in BIGINT columns, as in SQLite.
var postgresMigrations = []string{
	// 1: checkpoints, the ledger, the inbox and leases.
	`
CREATE TABLE sync_checkpoints (
	connection  TEXT NOT NULL,
	stream      TEXT NOT NULL,
	destination TEXT NOT NULL,
	cursor      TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (connection, stream, destination)
);
CREATE TABLE output_commits (
	output         TEXT PRIMARY KEY,
	committed_size BIGINT NOT NULL,
	tail_hash      TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE TABLE emitted (
	output        TEXT   NOT NULL,
	stream        TEXT   NOT NULL,
	id            BIGINT NOT NULL,
	date_modified BIGINT NOT NULL,
	PRIMARY KEY (output, stream, id, date_modified)
);
CREATE TABLE inbox (
	seq             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	connection      TEXT    NOT NULL,
	dedupe_key      TEXT    NOT NULL,
	scope           TEXT    NOT NULL,
	stream          TEXT    NOT NULL DEFAULT '',
	resource_id     BIGINT  NOT NULL DEFAULT 0,
	payload         BYTEA   NOT NULL,
	status          TEXT    NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT  NOT NULL,
	last_error      TEXT    NOT NULL DEFAULT '',
	received_at     BIGINT  NOT NULL,
	finished_at     BIGINT,
	claimed_by      TEXT    NOT NULL DEFAULT '',
	claim_until     BIGINT  NOT NULL DEFAULT 0,
	UNIQUE (connection, dedupe_key)
);
CREATE INDEX inbox_due ON inbox (connection, status, next_attempt_at);
CREATE INDEX inbox_resource ON inbox (connection, stream, resource_id, status);
CREATE TABLE leases (
	name        TEXT   PRIMARY KEY,
	holder      TEXT   NOT NULL,
	token       TEXT   NOT NULL,
	acquired_at BIGINT NOT NULL,
	renewed_at  BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL
);`,
	// 2: the import journal (imports.go).
	importsSchemaPostgres,
	// 3: the content hashes of streams read whole (hashes.go).
	hashesSchema,
	// 4: the deletions webhooks report (deletions.go).
	deletionsSchema,
}
