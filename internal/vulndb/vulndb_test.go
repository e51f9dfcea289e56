package vulndb

import (
	"archive/zip"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

func pypa(t *testing.T) string {
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	return dir
}

const rec = `{"id": "TEST-%s", "modified": "2024-01-0%sT00:00:00Z", "aliases": ["CVE-2024-000%s"],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "Demo_Pkg"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.%s"}]}]}]}`

func record(n string) string { return strings.ReplaceAll(rec, "%s", n) }

func TestImportPyPA(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "vulns.db")
	start := time.Now()
	rep, err := Import(context.Background(), dbPath, []string{pypa(t)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d records in %v", rep.Imported, time.Since(start))
	if rep.Imported != 2661 || len(rep.Skipped) != 0 {
		t.Errorf("imported %d, skipped %v", rep.Imported, rep.Skipped)
	}
	db, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2661 || st.Withdrawn != 10 || st.Packages != 664 || len(st.Sources) != 1 {
		t.Errorf("status %+v", st)
	}
	recs, err := db.Lookup(context.Background(), "PyPI", "Jinja2")
	if err != nil || len(recs) == 0 {
		t.Errorf("Lookup(jinja2) = %d records, %v", len(recs), err)
	}
}

func TestZipAndAtomicity(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "all.zip")
	f, _ := os.Create(zipPath)
	zw := zip.NewWriter(f)
	for _, n := range []string{"1", "2"} {
		w, _ := zw.Create("TEST-" + n + ".json")
		w.Write([]byte(record(n)))
	}
	w, _ := zw.Create("broken.json")
	w.Write([]byte(`{"id": "BROKEN-1"}`))
	zw.Close()
	f.Close()
	dbPath := filepath.Join(dir, "db", "vulns.db")
	rep, err := Import(context.Background(), dbPath, []string{zipPath}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Err.Error(), "no modified time") {
		t.Errorf("report %+v", rep)
	}
	// A reader opened before a second import keeps a whole database.
	reader, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	// A cancelled import changes nothing and leaves no temporary file.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, dbPath, []string{pypa(t)}, Options{}); err == nil {
		t.Error("a cancelled import succeeded")
	}
	if m, _ := filepath.Glob(dbPath + ".import-*"); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	recs, err := reader.Lookup(context.Background(), "PyPI", "demo-pkg")
	if err != nil || len(recs) != 2 {
		t.Errorf("after a failed import: %d records, %v", len(recs), err)
	}
	// A re-import replaces records by ID.
	os.WriteFile(filepath.Join(dir, "TEST-1.json"), []byte(strings.Replace(record("1"), "1.1", "1.5", 1)), 0o644)
	if _, err := Import(context.Background(), dbPath, []string{filepath.Join(dir, "TEST-1.json")}, Options{}); err != nil {
		t.Fatal(err)
	}
	db, _ := Open(dbPath)
	defer db.Close()
	recs, _ = db.Lookup(context.Background(), "PyPI", "demo_pkg")
	if len(recs) != 2 || recs[0].Affected[0].Ranges[0].Events[1].Fixed != "1.5" {
		t.Errorf("re-import: %+v", recs)
	}
}

func TestBadDatabases(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "none.db")); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("missing: %v", err)
	}
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, []byte("this is not sqlite"), 0o644)
	if _, err := Open(corrupt); err == nil || !strings.Contains(err.Error(), "not a pysbom vulnerability database") {
		t.Errorf("corrupt: %v", err)
	}
	if _, err := Import(context.Background(), corrupt, []string{filepath.Join(dir, "x")}, Options{}); err == nil {
		t.Error("import into a corrupt database succeeded")
	}
	if data, _ := os.ReadFile(corrupt); string(data) != "this is not sqlite" {
		t.Error("a failed import changed the database")
	}
	newer := filepath.Join(dir, "newer.db")
	os.WriteFile(filepath.Join(dir, "r.json"), []byte(record("1")), 0o644)
	if _, err := Import(context.Background(), newer, []string{filepath.Join(dir, "r.json")}, Options{}); err != nil {
		t.Fatal(err)
	}
	db, _ := Open(newer)
	db.Close()
	// Bump the layout version with a writable handle.
	w, err := openWritable(newer)
	if err != nil {
		t.Fatal(err)
	}
	w.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`)
	w.Close()
	if _, err := Open(newer); err == nil || !strings.Contains(err.Error(), "newer than this pysbom reads") {
		t.Errorf("newer: %v", err)
	}
}

func openWritable(path string) (*sql.DB, error) { return sql.Open("sqlite", "file:"+path) }

// TestLayouts reads a layout-1 database (records stored as JSON) and
// extends it: the import stores the compact form and marks layout 2; a
// damaged compact record is an error naming it.
func TestLayouts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	for _, n := range []string{"1", "2"} {
		os.WriteFile(filepath.Join(dir, "r"+n+".json"), []byte(record(n)), 0o644)
	}
	if _, err := Import(context.Background(), path, []string{filepath.Join(dir, "r1.json")}, Options{}); err != nil {
		t.Fatal(err)
	}
	w, err := openWritable(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`UPDATE records SET data = ?`, record("1")); err != nil {
		t.Fatal(err)
	}
	w.Exec(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`)
	w.Close()
	lookup := func() []string {
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		got, err := db.LookupAll(context.Background(), "PyPI", []string{"demo-pkg"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got["demo-pkg"] {
			ids = append(ids, r.ID+" "+r.Affected[0].Ranges[0].Events[1].Fixed)
		}
		return ids
	}
	if got := strings.Join(lookup(), ","); got != "TEST-1 1.1" {
		t.Errorf("layout 1: %s", got)
	}
	if _, err := Import(context.Background(), path, []string{filepath.Join(dir, "r2.json")}, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lookup(), ","); got != "TEST-1 1.1,TEST-2 1.2" {
		t.Errorf("extended: %s", got)
	}
	w, _ = openWritable(path)
	var version string
	w.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version)
	var data []byte
	w.QueryRow(`SELECT data FROM records WHERE id = 'TEST-2'`).Scan(&data)
	if version != "2" || !strings.HasPrefix(string(data), "OSV\x01") {
		t.Errorf("layout %s, TEST-2 stored as %.10q", version, data)
	}
	w.Exec(`UPDATE records SET data = ? WHERE id = 'TEST-2'`, data[:len(data)-3])
	w.Close()
	db, _ := Open(path)
	defer db.Close()
	if _, err := db.Lookup(context.Background(), "PyPI", "demo-pkg"); err == nil || !strings.Contains(err.Error(), "stored record TEST-2: damaged compact record") {
		t.Errorf("damaged: %v", err)
	}
}
