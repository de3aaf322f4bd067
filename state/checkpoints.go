package state

const checkpointsSchema = `
CREATE TABLE IF NOT EXISTS checkpoints (
	connection TEXT NOT NULL,
	stream     TEXT NOT NULL,
	cursor     TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (connection, stream)
);`
