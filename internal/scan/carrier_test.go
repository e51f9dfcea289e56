package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// TestCarriedAdvice: a vendored copy's fix is an upgrade of its carrier,
// named with the chain it sits in (the urllib3 that the pip bundled in
// CPython vendors), whatever the format the inventory was read from; a
// package a distro package holds stays the distro's.
func TestCarriedAdvice(t *testing.T) {
	rec := func(name, fixed string) *osv.Record {
		return &osv.Record{ID: "PYSEC-" + name, Modified: "m", Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: "PyPI", Name: name},
			Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: fixed}}}}}}}
	}
	src := fakeSource{"certifi": {rec("certifi", "2023.7.22")}, "urllib3": {rec("urllib3", "1.26.17")}, "demo": {rec("demo", "2.0")}}
	pkg := func(id, kind, name, version, purl string) *inventory.Package {
		return &inventory.Package{ID: id, Kind: inventory.Kind(kind), Name: name, Version: version, PURL: purl}
	}
	c := inventory.Contains
	inv := &inventory.Inventory{
		Root: pkg("env", string(inventory.KindEnvironment), "env", "1", "pkg:generic/env@1"),
		Packages: []*inventory.Package{
			pkg("pip", "distribution", "pip", "23.2.1", "pkg:pypi/pip@23.2.1"),
			pkg("pip>certifi", "library", "certifi", "2023.5.7", "pkg:pypi/certifi@2023.5.7"),
			pkg("cpython", "interpreter", "CPython", "3.11.7", "pkg:generic/cpython@3.11.7"),
			pkg("cpython>pip", "distribution", "pip", "23.2.1", "pkg:pypi/pip@23.2.1"),
			pkg("cpython>pip>urllib3", "library", "urllib3", "1.26.16", "pkg:pypi/urllib3@1.26.16"),
			pkg("deb", "os-package", "python3-demo", "1.5-1", "pkg:deb/debian/python3-demo@1.5-1"),
			pkg("deb>demo", "distribution", "demo", "1.5", "pkg:pypi/demo@1.5"),
		},
		Relationships: []inventory.Relationship{
			{From: "env", Type: c, To: "pip"}, {From: "env", Type: c, To: "cpython"}, {From: "env", Type: c, To: "deb"},
			{From: "pip", Type: c, To: "pip>certifi"}, {From: "cpython", Type: c, To: "cpython>pip"},
			{From: "cpython>pip", Type: c, To: "cpython>pip>urllib3"}, {From: "deb", Type: c, To: "deb>demo"},
		},
	}
	want := map[string]string{
		"certifi": "upgrade pip, which vendors certifi 2023.5.7; certifi is fixed in 2023.7.22 | in pip 23.2.1",
		"urllib3": "upgrade CPython, which bundles pip 23.2.1, which vendors urllib3 1.26.16; urllib3 is fixed in 1.26.17 | in pip 23.2.1 in CPython 3.11.7",
		"demo":    "distro package: the upstream fix may be backported; upgrade to 2.0 or later | ",
	}
	var spdxDoc, cdxDoc bytes.Buffer
	if err := spdx.Encode(&spdxDoc, inv, spdx.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := cyclonedx.Encode(&cdxDoc, inv, cyclonedx.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]func() *inventory.Inventory{
		"inventory": func() *inventory.Inventory { return inv },
		"spdx":      func() *inventory.Inventory { i, _, _ := sbom.Decode(spdxDoc.Bytes()); return i },
		"cyclonedx": func() *inventory.Inventory { i, _, _ := sbom.Decode(cdxDoc.Bytes()); return i },
	} {
		res, err := Scan(context.Background(), in(), src)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != len(want) {
			t.Errorf("%s: %d findings, want %d", name, len(res.Findings), len(want))
		}
		for _, f := range res.Findings {
			where := ""
			if c := f.Carrier; c != nil {
				where = "in " + strings.Join(append(c.Through, c.Name+" "+c.Version), " in ")
			}
			if got := f.Advice + " | " + where; got != want[f.Name] {
				t.Errorf("%s: %s:\n got %s\nwant %s", name, f.Name, got, want[f.Name])
			}
		}
	}
}

// TestCarriedOnPyenv: pyenv 3.11.7's prefix against the PyPA database:
// pip's vendored copies and those of the pip wheel ensurepip bundles are
// advised as upgrades of pip and of CPython, and an SPDX or CycloneDX
// SBOM of the prefix gives the same findings, carriers and advice as the
// inventory itself.
func TestCarriedOnPyenv(t *testing.T) {
	if testing.Short() {
		t.Skip("reads pyenv 3.11.7's 38,000 files")
	}
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	inv := sbomtest.ReadSystem(t, realdata.PyenvPrefix(t, "3.11.7"))
	dbPath := filepath.Join(t.TempDir(), "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lines := func(inv *inventory.Inventory) []string {
		res, err := Scan(context.Background(), inv, db)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range res.Findings {
			where := ""
			if c := f.Carrier; c != nil {
				where = " in " + strings.Join(append(slices.Clone(c.Through), c.Name+" "+c.Version), " in ")
			}
			out = append(out, f.Name+" "+f.Version+where+" "+f.ID+": "+f.Advice)
		}
		sort.Strings(out)
		return out
	}
	want := lines(inv)
	for _, must := range []string{
		"urllib3 1.26.16 in pip 23.2.1 PYSEC-2023-192: upgrade pip, which vendors urllib3 1.26.16; urllib3 is fixed in 1.26.17",
		"urllib3 1.26.16 in pip 23.2.1 in CPython 3.11.7 PYSEC-2023-192: upgrade CPython, which bundles pip 23.2.1, which vendors urllib3 1.26.16; urllib3 is fixed in 1.26.17",
		"pip 23.2.1 in CPython 3.11.7 PYSEC-2023-228: upgrade CPython, which bundles pip 23.2.1; pip is fixed in 23.3",
	} {
		if !slices.Contains(want, must) {
			t.Errorf("no finding %q in:\n%s", must, strings.Join(want, "\n"))
		}
	}
	var spdxDoc, cdxDoc bytes.Buffer
	if err := spdx.Encode(&spdxDoc, inv, spdx.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := cyclonedx.Encode(&cdxDoc, inv, cyclonedx.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"SPDX": spdxDoc.Bytes(), "CycloneDX": cdxDoc.Bytes()} {
		back, _, err := sbom.Decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		if got := lines(back); !slices.Equal(got, want) {
			t.Errorf("%s: findings differ from the inventory's:\n got %s\nwant %s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
