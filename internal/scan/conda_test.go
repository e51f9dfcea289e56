package scan

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
)

// TestCondaPackages: a distribution conda installed is matched as the
// PyPI package it is, neither as carried by its conda package nor decided
// by a distro's advisories; the conda package is named as not scanned.
func TestCondaPackages(t *testing.T) {
	rec := &osv.Record{ID: "PYSEC-2099-3", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "PyPI", Name: "numpy"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "2.0"}}}}}}}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "conda/numpy@1.26.4", Kind: inventory.KindOSPackage, Name: "numpy", Version: "1.26.4",
			PURL: "pkg:conda/numpy@1.26.4?build=py311h64a7726_0&channel=conda-forge&subdir=linux-64&type=conda"},
		{ID: "pypi/numpy@1.26.4", Kind: inventory.KindDistribution, Name: "numpy", Version: "1.26.4", PURL: "pkg:pypi/numpy@1.26.4"},
	}, Relationships: []inventory.Relationship{{From: "conda/numpy@1.26.4", Type: inventory.Contains, To: "pypi/numpy@1.26.4"}}}
	res, err := Scan(context.Background(), inv, fakeSource{"numpy": {rec}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Component != "pypi/numpy@1.26.4" || f.Carrier != nil || slices.Contains(f.Labels, "distro-package") || !strings.Contains(f.Advice, "2.0") {
		t.Errorf("finding %+v (labels %v)", f, f.Labels)
	}
	if len(res.Unscanned) != 1 || !strings.Contains(res.Unscanned[0].Reason, "pkg:conda: no advisory database covers conda packages") {
		t.Errorf("unscanned %+v", res.Unscanned)
	}
}
