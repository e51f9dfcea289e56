package site

import (
	"context"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// BenchmarkScanPyenv scans the pyenv 3.11.7 site-packages (38,500 files):
// SHA-1 + SHA-256 of every file and RECORD verification. bench/sbom.sh
// compares the whole command with sha256sum and syft.
func BenchmarkScanPyenv(b *testing.B) {
	dir := realdata.PyenvSite(b, "3.11.7")
	for i := 0; i < b.N; i++ {
		if _, err := Scan(context.Background(), dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
