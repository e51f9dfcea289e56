package rpm

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver the vulnerability database uses

	"github.com/pysbom/pysbom/internal/rootfs"
)

// Where rpm keeps its database in a root file system. Fedora 36+ and
// openSUSE moved it to /usr/lib/sysimage/rpm (/var/lib/rpm may link there).
var (
	sqliteDBs = []string{"usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite"}
	otherDBs  = []struct{ name, format string }{
		{"usr/lib/sysimage/rpm/Packages.db", "NDB"}, {"var/lib/rpm/Packages.db", "NDB"},
		{"usr/lib/sysimage/rpm/Packages", "Berkeley DB"}, {"var/lib/rpm/Packages", "Berkeley DB"},
	}
	// TrackedDBs are the databases read (SQLite with its write-ahead log,
	// and Berkeley DB), whose every layer's version an image reader keeps.
	TrackedDBs = append(slices.Clone(sqliteDBs), "usr/lib/sysimage/rpm/rpmdb.sqlite-wal", "var/lib/rpm/rpmdb.sqlite-wal",
		"usr/lib/sysimage/rpm/Packages", "var/lib/rpm/Packages")
)

// MaxDB bounds the database read.
const MaxDB = 1 << 30

// Find names the rpm database of a root and its format ("sqlite", "NDB",
// "Berkeley DB"); "" when the root has none.
func Find(t fs.StatFS) (name, format string) {
	for _, n := range sqliteDBs {
		if fi, err := t.Stat(n); err == nil && fi.Mode().IsRegular() {
			return n, "sqlite"
		}
	}
	for _, d := range otherDBs {
		if fi, err := t.Stat(d.name); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			return d.name, d.format
		}
	}
	return "", ""
}

// ReadSQLite reads the packages of the rpmdb.sqlite name in t, with its
// write-ahead log when there is one.
func ReadSQLite(ctx context.Context, t rootfs.Tree, name string) (pkgs []Package, problems []error, err error) {
	db, err := t.ReadFile(name, MaxDB)
	if err != nil {
		return nil, nil, err
	}
	wal, _ := t.ReadFile(name+"-wal", MaxDB) // none: all is in the database
	return ParseSQLite(ctx, db, wal)
}

// ParseSQLite reads the packages of an rpmdb.sqlite held in memory (and
// of its write-ahead log, nil for none). SQLite reads files, not memory:
// both are written into a private temporary directory, removed before it
// returns. A package whose header cannot be parsed is a problem; the
// others are still returned.
func ParseSQLite(ctx context.Context, data, wal []byte) (pkgs []Package, problems []error, err error) {
	tmp, err := os.MkdirTemp("", "pysbom-rpmdb-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	db := filepath.Join(tmp, "rpmdb.sqlite")
	if err := os.WriteFile(db, data, 0o600); err != nil {
		return nil, nil, err
	}
	if len(wal) > 0 {
		if err := os.WriteFile(db+"-wal", wal, 0o600); err != nil {
			return nil, nil, err
		}
	}
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT hnum, blob FROM Packages ORDER BY hnum`)
	if err != nil {
		return nil, nil, notRPMDB(err)
	}
	defer rows.Close()
	for rows.Next() {
		var hnum int64
		var blob []byte
		if err := rows.Scan(&hnum, &blob); err != nil {
			return nil, nil, notRPMDB(err)
		}
		p, err := ParseHeader(blob)
		if err != nil {
			problems = append(problems, fmt.Errorf("package %d: %v", hnum, err))
			if p.Name == "" {
				continue
			}
		}
		pkgs = append(pkgs, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, notRPMDB(err)
	}
	return pkgs, problems, nil
}

// sqliteCode is the result code SQLite's messages end with.
var sqliteCode = regexp.MustCompile(` \(\d+\)$`)

// notRPMDB says a file is no rpm database, in SQLite's words without its
// result code.
func notRPMDB(err error) error {
	return fmt.Errorf("not an rpm database: %s", sqliteCode.ReplaceAllString(err.Error(), ""))
}
