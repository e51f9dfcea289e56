// Package vulndb is pysbom's local vulnerability database: OSV records in
// an SQLite file (through a pure-Go driver), indexed by ecosystem and
// normalised package name.
//
// # Atomicity
//
// An import never changes the database in place: it copies the current
// file, applies the records to the copy in one transaction, syncs it and
// renames it over the original. A crash or a kill at any point leaves the
// previous database as it was, and readers that opened it keep reading a
// whole database.
package vulndb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// SchemaVersion is the version of the database layout this pysbom writes.
// Layout 2 stores records in osv's compact binary form; layout 1 stored
// JSON, which this pysbom still reads.
const SchemaVersion = 2

// ErrNoDatabase is returned when the database file does not exist.
var ErrNoDatabase = errors.New("no vulnerability database")

// DefaultPath is the database under the user's cache directory.
func DefaultPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "pysbom", "vulns.db")
}

const layout = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY, modified TEXT NOT NULL, withdrawn TEXT NOT NULL, source TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_name ON affected (ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_id ON affected (id);
CREATE INDEX IF NOT EXISTS records_withdrawn ON records (withdrawn);
CREATE INDEX IF NOT EXISTS records_modified ON records (modified);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, imported TEXT NOT NULL, records INTEGER NOT NULL);
`

// DB is an open database, for reading.
type DB struct {
	path string
	db   *sql.DB
}

// Open opens the database at path for reading.
func Open(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s: %w (create it with: pysbom db update, which downloads osv.dev's exports, or pysbom db import PATH)", path, ErrNoDatabase)
		}
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	d := &DB{path: path, db: db}
	if err := d.checkVersion(); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) checkVersion() error {
	var v string
	err := d.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
	if err != nil {
		return fmt.Errorf("%s: not a pysbom vulnerability database, or it is damaged: %v", d.path, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > SchemaVersion {
		return fmt.Errorf("%s: database layout %s is newer than this pysbom reads (%d); update pysbom or re-import", d.path, v, SchemaVersion)
	}
	return nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Lookup returns the records that name a package of ecosystem (its base
// name, "PyPI") and name (PEP 503 normalised for PyPI).
func (d *DB) Lookup(ctx context.Context, ecosystem, name string) ([]*osv.Record, error) {
	key := name
	if ecosystem == "PyPI" {
		key = pep503.Normalize(name)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT r.id, r.data FROM affected a JOIN records r ON r.id = a.id
		WHERE a.ecosystem = ? AND a.name = ? GROUP BY r.id ORDER BY r.id`, ecosystem, key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	defer rows.Close()
	var out []*osv.Record
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		r, err := decode(data, id)
		if err != nil {
			return nil, fmt.Errorf("%s: stored record %s: %w", d.path, id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Records returns the stored records of the given IDs, whatever package
// they name (an alias's record: a GHSA or an NVD CVE with the severity a
// PYSEC record lacks).
func (d *DB) Records(ctx context.Context, ids []string) (map[string]*osv.Record, error) {
	out := map[string]*osv.Record{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := d.db.QueryContext(ctx, `SELECT id, data FROM records WHERE id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.path, err)
		}
		for rows.Next() {
			var id, data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, err
			}
			r, err := decode(data, id)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s: stored record %s: %w", d.path, id, err)
			}
			out[id] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LookupAll returns the records of every named package of ecosystem
// (names normalised as Lookup does), keyed by the normalised name, in one
// pass over the database, each record decoded once however many of the
// packages it names (in parallel): for a scan of many packages this is much
// cheaper than a Lookup per name.
func (d *DB) LookupAll(ctx context.Context, ecosystem string, names []string) (map[string][]*osv.Record, error) {
	want := map[string]bool{}
	for _, n := range names {
		if ecosystem == "PyPI" {
			n = pep503.Normalize(n)
		}
		want[n] = true
	}
	rows, err := d.db.QueryContext(ctx, `SELECT a.name, r.id, r.data FROM affected a JOIN records r ON r.id = a.id
		WHERE a.ecosystem = ?`, ecosystem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	defer rows.Close()
	type row struct {
		name, id string
		data     string // set in a record's first row only
	}
	var todo []row
	index := map[string]int{} // record id -> position of its first row
	for rows.Next() {
		var r row
		var data sql.RawBytes // copied only for a wanted record's first row (into the string its fields share)
		if err := rows.Scan(&r.name, &r.id, &data); err != nil {
			return nil, err
		}
		if !want[r.name] {
			continue
		}
		if _, ok := index[r.id]; !ok {
			index[r.id] = len(todo)
			r.data = string(data)
		}
		todo = append(todo, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	recs := make([]*osv.Record, len(todo))
	errs := make([]error, len(todo))
	parallel.For(ctx, len(todo), 0, func(i int) {
		if todo[i].data != "" { // a record's first row; the others share it
			recs[i], errs[i] = decode(todo[i].data, todo[i].id)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Rows come in the database's order; each name's records are returned
	// sorted by ID, as Lookup returns them.
	sort.Slice(todo, func(i, j int) bool {
		if todo[i].name != todo[j].name {
			return todo[i].name < todo[j].name
		}
		return todo[i].id < todo[j].id
	})
	out := map[string][]*osv.Record{}
	for _, r := range todo {
		j := index[r.id]
		if errs[j] != nil {
			return nil, fmt.Errorf("%s: stored record %s: %w", d.path, r.id, errs[j])
		}
		if k := len(out[r.name]); k == 0 || out[r.name][k-1].ID != r.id {
			out[r.name] = append(out[r.name], recs[j])
		}
	}
	return out, nil
}

// decode reads a stored record: the compact form, or JSON (layout 1).
func decode(data string, id string) (*osv.Record, error) {
	if osv.IsBinary(data) {
		return osv.DecodeBinary(data)
	}
	return osv.Parse([]byte(data), id)
}

// Names returns the (normalised) package names of ecosystem that any
// record names, so that a scan asks only about those.
func (d *DB) Names(ctx context.Context, ecosystem string) (map[string]bool, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT DISTINCT name FROM affected WHERE ecosystem = ?`, ecosystem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

// Status describes the database.
type Status struct {
	Path      string   `json:"path"`
	Records   int      `json:"records"`
	Withdrawn int      `json:"withdrawn"`
	Packages  int      `json:"packages"`
	Repos     int      `json:"repositories"` // upstream repositories of GIT ranges
	Sources   []Source `json:"sources"`
	Newest    string   `json:"newest"` // the latest "modified" of any record
}

// Source is one import source.
type Source struct {
	Name     string    `json:"name"`
	Imported time.Time `json:"imported"`
	Records  int       `json:"records"`
	// Newest is the latest "modified" of the source's records: how old
	// its data is (zero when the database does not tell).
	Newest time.Time `json:"newest"`
}

// Status reads what the database holds.
func (d *DB) Status(ctx context.Context) (*Status, error) {
	s := &Status{Path: d.path}
	q := func(query string, dst any) error { return d.db.QueryRowContext(ctx, query).Scan(dst) }
	if err := q(`SELECT COUNT(*) FROM records`, &s.Records); err != nil {
		return nil, err
	}
	if err := q(`SELECT COUNT(*) FROM records WHERE withdrawn != ''`, &s.Withdrawn); err != nil {
		return nil, err
	}
	if err := q(`SELECT COUNT(*) FROM (SELECT DISTINCT ecosystem, name FROM affected WHERE ecosystem != 'GIT')`, &s.Packages); err != nil {
		return nil, err
	}
	if err := q(`SELECT COUNT(*) FROM (SELECT DISTINCT name FROM affected WHERE ecosystem = 'GIT')`, &s.Repos); err != nil {
		return nil, err
	}
	var newest sql.NullString
	if err := q(`SELECT MAX(modified) FROM records`, &newest); err != nil {
		return nil, err
	}
	s.Newest = newest.String
	rows, err := d.db.QueryContext(ctx, `SELECT s.source, s.imported, s.records, (SELECT MAX(r.modified) FROM records r WHERE r.source = s.source)
		FROM sources s ORDER BY s.source`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var src Source
		var imported string
		var newestOf sql.NullString
		if err := rows.Scan(&src.Name, &imported, &src.Records, &newestOf); err != nil {
			return nil, err
		}
		src.Imported, _ = time.Parse(time.RFC3339, imported)
		if !newestOf.Valid { // records stored under another name by an older pysbom
			newestOf = newest
		}
		src.Newest, _ = time.Parse(time.RFC3339, newestOf.String)
		s.Sources = append(s.Sources, src)
	}
	return s, rows.Err()
}

// copyFile copies src to a new file dst (for the atomic import).
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
