package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// manyPackages writes a tree of n vendored packages of two files each and
// its manifest.
func manyPackages(tb testing.TB, n int) (string, *Manifest) {
	root := tb.TempDir()
	m := &Manifest{SPDX: "sbom.spdx.json"}
	for i := range n {
		dir := filepath.Join(root, "vendor", fmt.Sprintf("p%d", i))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "a.c"), []byte(fmt.Sprintf("int a%d;\n", i)), 0o644)
		os.WriteFile(filepath.Join(dir, "a.o"), []byte("obj"), 0o644)
		m.Packages = append(m.Packages, Package{Name: fmt.Sprintf("p%d", i), Version: "1.0", License: "MIT",
			Include: []string{fmt.Sprintf("vendor/p%d/**", i)}, Exclude: []string{fmt.Sprintf("vendor/p%d/*.o", i)}})
	}
	return root, m
}

// TestManyPackages: every package gets exactly its own file, no file is
// reported unclaimed, whatever the number of packages.
func TestManyPackages(t *testing.T) {
	root, m := manyPackages(t, 300)
	tree, err := ReadTree(root, m)
	if err != nil {
		t.Fatal(err)
	}
	res := Compute(context.Background(), root, m, tree)
	for _, p := range res.Problems {
		if p.File != "" {
			t.Errorf("problem %s", p)
		}
	}
	for _, p := range m.Packages {
		if fs := res.Files[p.Name]; len(fs) != 1 || fs[0].Path != "vendor/"+p.Name+"/a.c" {
			t.Errorf("%s: %+v", p.Name, fs)
		}
	}
}

// BenchmarkCompute checks a tree of n and 2n packages; bench/linear.sh
// shows the time doubles with the packages, no more.
func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{2000, 4000} {
		root, m := manyPackages(b, n)
		tree, err := ReadTree(root, m)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("packages=%d", n), func(b *testing.B) {
			for b.Loop() {
				Compute(context.Background(), root, m, tree)
			}
		})
	}
}
