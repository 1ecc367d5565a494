// Package migrations holds herald's SQL migrations, embedded in the binary.
//
// Files are named <version>_<name>.tx.up.sql / .tx.down.sql: bun's migrate
// package runs each in its own transaction. Add a migration by adding a pair.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed *.sql
var files embed.FS

// Files returns the migration files.
func Files() fs.FS { return files }
