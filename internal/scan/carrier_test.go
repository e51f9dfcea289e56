package scan

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
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
