package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// TestDBUpdateEcosystems runs db update against a mirror the test
// starts: by default the PyPI, crates.io and Go exports are fetched and
// imported, each only when it changed; --ecosystem chooses others, and a
// missing export is an error naming its URL.
func TestDBUpdateEcosystems(t *testing.T) {
	exports := map[string][]byte{}
	for _, eco := range []string{"PyPI", "crates.io", "Go", "Debian"} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("X-" + eco + ".json")
		fmt.Fprintf(w, `{"id": "X-%s", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": %q, "name": "demo"},
			"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}]}]}`, strings.ReplaceAll(eco, ":", "-"), eco)
		zw.Close()
		exports["/"+eco+"/all.zip"] = buf.Bytes()
	}
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		data, ok := exports[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"1"`)
		w.Write(data)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "v.db")
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"db", "update", "--db", db, "--mirror", srv.URL}, args...), strings.NewReader(""), &out, &errb)
		return out.String(), errb.String(), code
	}
	out, errs, code := run()
	if code != ExitOK || strings.Count(out, "imported 1 record") != 3 {
		t.Fatalf("first update: exit %d\n%s%s", code, out, errs)
	}
	for _, p := range []string{"/PyPI/all.zip", "/crates.io/all.zip", "/Go/all.zip"} {
		if !strings.Contains(out, srv.URL+p) {
			t.Errorf("%s not fetched:\n%s", p, out)
		}
	}
	if out, _, _ := run(); strings.Count(out, "has not changed") != 3 {
		t.Errorf("second update:\n%s", out)
	}
	if out, errs, code := run("--ecosystem", "Debian"); code != ExitOK || !strings.Contains(out, "imported 1 record from "+srv.URL+"/Debian/all.zip") {
		t.Errorf("Debian: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := run("--url", srv.URL+"/Go/all.zip"); code != ExitOK || out != srv.URL+"/Go/all.zip has not changed since the last update\n" {
		t.Errorf("--url: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := run("--ecosystem", "Nope"); code != ExitError || !strings.Contains(errs, srv.URL+"/Nope/all.zip: 404") {
		t.Errorf("missing export: exit %d\n%s", code, errs)
	}
	var st bytes.Buffer
	Main(context.Background(), []string{"db", "status", "--db", db}, strings.NewReader(""), &st, &st)
	if !strings.Contains(st.String(), "records:  4") {
		t.Errorf("status:\n%s", st.String())
	}
}

// TestStaleDatabase: data whose newest advisory is older than 7 days is a
// warning that says how old; with --max-db-age shorter than its age, an
// error. Its age is its newest record's, not its import's.
func TestStaleDatabase(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "r.json")
	modified := time.Now().UTC().Add(-10 * 24 * time.Hour)
	os.WriteFile(rec, []byte(`{"id": "X-1", "modified": "`+modified.Format(time.RFC3339)+`", "affected": [{"package": {"ecosystem": "PyPI", "name": "demo"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}]}]}`), 0o644)
	db := filepath.Join(dir, "v.db")
	if _, err := vulndb.Import(context.Background(), db, []string{rec}, vulndb.Options{}); err != nil { // imported now
		t.Fatal(err)
	}
	sbom := filepath.Join(dir, "s.cdx.json")
	os.WriteFile(sbom, []byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "demo", "version": "1.0", "purl": "pkg:pypi/demo@1.0"}]}`), 0o644)
	run := func(db string, args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"scan", "--db", db}, append(args, sbom)...), strings.NewReader(""), &out, &errb)
		return errb.String(), code
	}
	if errs, code := run(db); code != ExitOK || !strings.Contains(errs, "its newest advisory was modified "+modified.Format("2006-01-02")+", 10 days ago; newer advisories are missing") {
		t.Errorf("stale: exit %d, stderr %q", code, errs)
	}
	if errs, code := run(db, "--max-db-age", "30d"); code != ExitOK || errs != "" {
		t.Errorf("--max-db-age 30d: exit %d, stderr %q", code, errs)
	}
	if errs, code := run(db, "--max-db-age", "168h"); code != ExitError || !strings.Contains(errs, "longer than --max-db-age 168h0m0s allows") {
		t.Errorf("--max-db-age 168h: exit %d, stderr %q", code, errs)
	}
	if _, code := run(db, "--max-db-age", "soon"); code != ExitUsage {
		t.Errorf("--max-db-age soon: exit %d", code)
	}
	// The PyPA advisory database of the corpus (newest advisory of
	// 2024-10), imported now, is far older than a week.
	if pypa := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns"); fileExists(pypa) {
		real := filepath.Join(dir, "pypa.db")
		if _, err := vulndb.Import(context.Background(), real, []string{pypa}, vulndb.Options{}); err != nil {
			t.Fatal(err)
		}
		if errs, code := run(real, "--max-db-age", "7d"); code != ExitError || !strings.Contains(errs, "its newest advisory was modified 2024-") {
			t.Errorf("PyPA corpus with --max-db-age 7d: exit %d, stderr %q", code, errs)
		}
	}
	// A database without records is no database to pass a gate on.
	if err := checkAge(io.Discard, &vulndb.Status{Path: "empty.db"}, ageFlag{d: 7 * 24 * time.Hour}, time.Now()); err == nil || !strings.Contains(err.Error(), "holds no advisories") {
		t.Errorf("empty database: %v", err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
