package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// BenchmarkLookupAll reads every PyPI record of the PyPA database for
// all of its package names, as a scan of a large SBOM does.
func BenchmarkLookupAll(b *testing.B) {
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	dbPath := filepath.Join(b.TempDir(), "v.db")
	if _, err := Import(context.Background(), dbPath, []string{dir}, Options{}); err != nil {
		b.Fatal(err)
	}
	db, err := Open(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := db.LookupAll(context.Background(), "PyPI", names)
		if err != nil || len(got) < 600 {
			b.Fatalf("%d names, %v", len(got), err)
		}
	}
}
