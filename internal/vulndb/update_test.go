package vulndb

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestUpdate runs against a server the test starts: a first update
// downloads and imports; a second one is answered 304 by ETag; a server
// error leaves the database as it was.
func TestUpdate(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"1", "2", "3"} {
		w, _ := zw.Create("PYSEC-" + n + ".json")
		w.Write([]byte(record(n)))
	}
	zw.Close()
	var hits, notModified atomic.Int32
	var fail atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if fail.Load() {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write(buf.Bytes())
	}))
	defer srv.Close()
	dbPath := filepath.Join(t.TempDir(), "v.db")
	url := srv.URL + "/PyPI/all.zip"
	var lastDone, lastTotal int64
	records := 0
	res, err := Update(context.Background(), dbPath, url, srv.Client(), Options{
		Downloaded: func(done, total int64) { lastDone, lastTotal = done, total },
		Progress:   func(done int) { records = done }})
	if err != nil || res.NotModified || res.Report.Imported != 3 {
		t.Fatalf("first update: %+v, %v", res, err)
	}
	if lastDone != int64(buf.Len()) || lastTotal != int64(buf.Len()) || records != 3 {
		t.Errorf("progress: %d of %d bytes, %d records; want %d bytes and 3 records", lastDone, lastTotal, records, buf.Len())
	}
	res, err = Update(context.Background(), dbPath, url, srv.Client(), Options{})
	if err != nil || !res.NotModified || notModified.Load() != 1 {
		t.Fatalf("second update: %+v, %v", res, err)
	}
	fail.Store(true)
	if _, err := Update(context.Background(), filepath.Join(t.TempDir(), "x.db"), url, srv.Client(), Options{}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("server error: %v", err)
	}
	db, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ := db.Status(context.Background())
	if st.Records != 3 || len(st.Sources) != 1 || st.Sources[0].Name != url {
		t.Errorf("status %+v", st)
	}
}
