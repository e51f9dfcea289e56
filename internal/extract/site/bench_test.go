package site

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScanPyenv scans the pyenv 3.11.7 site-packages (38,500 files):
// SHA-1 + SHA-256 of every file and RECORD verification. bench/sbom.sh
// compares the whole command with sha256sum and syft.
func BenchmarkScanPyenv(b *testing.B) {
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	dir := filepath.Join(root, "versions/3.11.7/lib/python3.11/site-packages")
	if _, err := os.Stat(dir); err != nil {
		b.Skip("pyenv 3.11.7 not present")
	}
	for i := 0; i < b.N; i++ {
		if _, err := Scan(context.Background(), dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
