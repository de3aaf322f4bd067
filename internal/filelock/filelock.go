// Package filelock takes exclusive advisory locks on open files (flock), the
// one way bigc keeps two processes from doing the same thing at once: a
// second receiver for one connection, two writers appending to one output.
// A lock belongs to the open file: closing the file releases it. Where flock
// is not available the locks always succeed, and running one process at a
// time is up to the operator.
package filelock
