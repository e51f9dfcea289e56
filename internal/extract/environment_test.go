package extract

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// TestPyenv3117 checks the real environment the issue names: 94
// distributions, cryptography depends on cffi, and exactly the 121
// dependency edges that marker-aware resolution gives (pip's own
// packaging agrees; a marker-blind reading gives 177).
func TestPyenv3117(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	env, err := target.Resolve(context.Background(), site, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Environment(context.Background(), env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dists, edges := 0, 0
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindDistribution {
			dists++
		}
	}
	isDist := func(id string) bool { p := inv.Find(id); return p != nil && p.Kind == inventory.KindDistribution }
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn && isDist(r.From) && isDist(r.To) {
			edges++
		}
	}
	if dists != 94 {
		t.Errorf("%d distributions, want 94", dists)
	}
	if edges != 121 {
		t.Errorf("%d dependency edges between distributions, want 121", edges)
	}
	has := func(from, to string) bool {
		for _, r := range inv.Relationships {
			if r.From == from && r.To == to && r.Type == inventory.DependsOn {
				return true
			}
		}
		return false
	}
	if !has("pypi/cryptography@48.0.0", "pypi/cffi@2.0.0") {
		t.Error("cryptography does not depend on cffi")
	}
	if has("pypi/click@8.4.0", "pypi/colorama@0.4.6") {
		t.Error("click depends on colorama on Linux")
	}
	for _, p := range inv.Problems {
		switch p.Kind {
		case inventory.MissingDependency, inventory.VersionConflict, inventory.MissingFile, inventory.BadRecord, inventory.BadMetadata:
			t.Errorf("unexpected problem in an installed environment: %+v", p)
		case inventory.HashMismatch:
			// This machine image appends its egress CA to every cacert.pem
			// at start-up; those files really did change after installation,
			// and the message must say the installed bytes are intact.
			if filepath.Base(p.Path) != "cacert.pem" || !strings.Contains(p.Message, "bytes were appended after installation") {
				t.Errorf("unexpected RECORD mismatch: %+v", p)
			}
		}
	}
}

// TestSameDistributionTwice: a distribution installed in two site
// directories is two components; each keeps its own problems and what
// it carries.
func TestSameDistributionTwice(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	demo := fixture.Dist{Name: "demo", Version: "1.0", Metadata: "Author: Demo",
		Files: map[string]string{"demo/__init__.py": "x = 1\n", "demo/_vendor/vendor.txt": "six==1.16.0\n", "demo/_vendor/six.py": "__version__ = '1.16.0'\n"}}
	tampered := demo
	tampered.Tamper = map[string]string{"demo/__init__.py": "x = 2\n"}
	fixture.Write(t, a, tampered)
	fixture.Write(t, b, demo)
	env := &target.Environment{Kind: "site-packages", Path: root, SiteDirs: []string{a, b}}
	inv, err := Environment(context.Background(), env, Options{DpkgRoot: "-"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range inv.Packages {
		if ids[p.ID] {
			t.Errorf("two components are %s", p.ID)
		}
		ids[p.ID] = true
	}
	for _, p := range inv.Problems {
		if p.Kind == inventory.HashMismatch && p.Package != "pypi/demo@1.0" {
			t.Errorf("the first copy's changed file is put on %s", p.Package)
		}
	}
	carries := map[string]int{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.Contains && strings.HasPrefix(r.From, "pypi/demo@1.0") {
			carries[r.From]++
		}
	}
	if carries["pypi/demo@1.0"] != 1 || carries["pypi/demo@1.0#2"] != 1 {
		t.Errorf("what each copy carries: %v", carries)
	}
}

// TestCondaPrefix: a conda environment read as a prefix on disk has its
// conda packages too, each CONTAINING what it installed.
func TestCondaPrefix(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "lib/python3.11/site-packages")
	fixture.Write(t, site, fixture.Dist{Name: "numpy", Version: "1.26.4", Metadata: "Author: NumPy Developers"})
	fixture.WriteFile(t, filepath.Join(root, "bin/python3.11"), "\x7fELF")
	fixture.WriteFile(t, filepath.Join(root, "conda-meta/numpy-1.26.4-py311h64a7726_0.json"), `{"name": "numpy", "version": "1.26.4",
 "build": "py311h64a7726_0", "channel": "https://conda.anaconda.org/conda-forge/linux-64", "subdir": "linux-64",
 "fn": "numpy-1.26.4-py311h64a7726_0.conda", "files": ["lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA"]}`)
	fixture.WriteFile(t, filepath.Join(root, "conda-meta/python-3.11.9-h955ad1f_0.json"), `{"name": "python", "version": "3.11.9",
 "build": "h955ad1f_0", "channel": "https://repo.anaconda.com/pkgs/main/linux-64", "subdir": "linux-64", "files": ["bin/python3.11", "lib/gone.so"]}`)
	env := &target.Environment{Kind: "prefix", Path: root, SiteDirs: []string{site},
		Interpreter: target.Interpreter{Path: filepath.Join(root, "bin/python3.11"), Implementation: "cpython", Version: "3.11.9"}}
	inv, err := Environment(context.Background(), env, Options{DpkgRoot: "-"})
	if err != nil {
		t.Fatal(err)
	}
	numpy, cnumpy, cpython := inv.Find("pypi/numpy@1.26.4"), inv.Find("conda/numpy@1.26.4"), inv.Find("conda/python@3.11.9")
	var interp *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter {
			interp = p
		}
	}
	if numpy == nil || cnumpy == nil || cnumpy.PURL != "pkg:conda/numpy@1.26.4?build=py311h64a7726_0&channel=conda-forge&subdir=linux-64&type=conda" ||
		!hasRel(inv, cnumpy.ID, inventory.Contains, numpy.ID) || !hasRel(inv, inv.Root.ID, inventory.Contains, cnumpy.ID) {
		t.Errorf("numpy %+v, conda numpy %+v", numpy, cnumpy)
	}
	if cpython == nil || interp == nil || !hasRel(inv, cpython.ID, inventory.Contains, interp.ID) {
		t.Fatalf("conda python %+v, interpreter %+v", cpython, interp)
	}
	if len(cpython.Files) != 1 || cpython.Files[0].Path != "bin/python3.11" || cpython.Files[0].Hash(inventory.SHA256) == "" {
		t.Errorf("conda python's files: %+v", cpython.Files)
	}
	if !slices.ContainsFunc(inv.Problems, func(p inventory.Problem) bool {
		return p.Kind == inventory.MissingFile && p.Package == cpython.ID && p.Path == "lib/gone.so"
	}) {
		t.Errorf("the missing lib/gone.so is not named: %+v", inv.Problems)
	}
}
