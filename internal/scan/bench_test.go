package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// BenchmarkScan10k scans 10,000 components (half of them named in the
// PyPA database, at assorted versions) against the whole PyPA data.
func BenchmarkScan10k(b *testing.B) {
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	names, err := os.ReadDir(dir)
	if err != nil {
		b.Skip("PyPA advisory database not present")
	}
	dbPath := filepath.Join(b.TempDir(), "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		b.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}}
	for i := 0; i < 10000; i++ {
		name := fmt.Sprintf("unrelated-%d", i)
		if i%2 == 0 {
			name = names[i%len(names)].Name()
		}
		v := fmt.Sprintf("%d.%d.%d", i%5, i%13, i%3)
		inv.Packages = append(inv.Packages, &inventory.Package{ID: fmt.Sprintf("c%d", i), Kind: inventory.KindDistribution,
			Name: name, Version: v, PURL: "pkg:pypi/" + name + "@" + v})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Scan(context.Background(), inv, db)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(len(res.Findings)), "findings")
		}
	}
}
