package cpython

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
)

// BenchmarkPyenvCPython reads pyenv 3.11.7's CPython (its lib-dynload
// modules, linked libraries and ensurepip wheels; not its site-packages)
// and turns it into components: the interpreter part of
// `pysbom sbom ~/.pyenv/versions/3.11.7`. Target: under 1 s warm.
func BenchmarkPyenvCPython(b *testing.B) {
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(os.Getenv("HOME"), ".pyenv")
	}
	prefix := filepath.Join(root, "versions", "3.11.7")
	if _, err := os.Stat(prefix); err != nil {
		b.Skipf("pyenv 3.11.7 not installed: %v", err)
	}
	for b.Loop() {
		libs := syslib.New(syslib.Host)
		build := Inspect(context.Background(), syslib.Host, prefix, filepath.Join(prefix, "bin", "python3.11"), "3.11", libs, nil)
		libs.Identify(context.Background())
		interp := &inventory.Package{ID: "python/cpython@3.11.7", Version: "3.11.7"}
		parts := build.Components(interp, func(p string) string { return p })
		if len(parts.Packages) < 100 {
			b.Fatalf("%d components", len(parts.Packages))
		}
	}
}
