package inventory

import (
	"fmt"
	"go/build"
	"strings"
	"testing"
	"unsafe"
)

// TestImportsOnlyStdlib keeps the model free of format and third-party code.
func TestImportsOnlyStdlib(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
			t.Errorf("inventory imports %s; it may import only the standard library", imp)
		}
	}
}

func TestSort(t *testing.T) {
	inv := &Inventory{
		Root:     &Package{ID: "root", Files: []File{{Path: "b"}, {Path: "a"}}},
		Packages: []*Package{{ID: "pypi/b@1"}, {ID: "pypi/a@1"}},
		Relationships: []Relationship{
			{From: "x", Type: DependsOn, To: "b"}, {From: "x", Type: DependsOn, To: "a"}, {From: "x", Type: DependsOn, To: "a"},
		},
		Problems: []Problem{{Package: "b", Kind: MissingFile}, {Package: "a", Kind: HashMismatch}, {Package: "a", Kind: HashMismatch}},
	}
	inv.Sort()
	if inv.Packages[0].ID != "pypi/a@1" || inv.Root.Files[0].Path != "a" {
		t.Errorf("packages or files not sorted: %v %v", inv.Packages[0].ID, inv.Root.Files)
	}
	if len(inv.Relationships) != 2 || inv.Relationships[0].To != "a" {
		t.Errorf("relationships = %v", inv.Relationships)
	}
	if len(inv.Problems) != 2 || inv.Problems[0].Package != "a" {
		t.Errorf("problems = %v", inv.Problems)
	}
	if inv.Find("root") != inv.Root || inv.Find("pypi/b@1") == nil || inv.Find("nope") != nil {
		t.Error("Find")
	}
}

func TestProblemList(t *testing.T) {
	var l ProblemList
	for i := range 120 {
		l.Add(Problem{Kind: MissingFile, Package: "a", Path: fmt.Sprint(i)})
	}
	l.Add(Problem{Kind: HashMismatch, Package: "a"})
	l.Add(Problem{Kind: MissingFile, Package: "b"})
	got := l.Problems()
	if len(got) != ProblemsPerKind+3 {
		t.Fatalf("%d problems", len(got))
	}
	last := got[len(got)-1]
	if last.Kind != MissingFile || last.Package != "a" || last.Message != "70 more missing-file problems of this component are not listed one by one" {
		t.Errorf("summary %+v", last)
	}
}

func TestShared(t *testing.T) {
	purl := "pkg:pypi/requests@2.31.0"
	name, version := Shared("requests", purl), Shared("2.31.0", purl)
	if name != "requests" || version != "2.31.0" || unsafe.StringData(name) != unsafe.StringData(purl[9:]) {
		t.Errorf("%q %q do not share the purl's bytes", name, version)
	}
	if got := Shared("other", purl); got != "other" {
		t.Errorf("a string the purl lacks: %q", got)
	}
}
