package spdx_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/jsontest"
	"github.com/pysbom/pysbom/internal/testutil/ntia"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// sameDocument checks that the tag-value document reads back to the JSON
// document Encode writes (plus hasFiles, which tag-value implies), and
// that it validates and meets the NTIA minimum elements.
func sameDocument(t *testing.T, name string, inv *inventory.Inventory) {
	t.Helper()
	var js, tv bytes.Buffer
	if err := spdx.Encode(&js, inv, opts); err != nil {
		t.Fatal(err)
	}
	if err := spdx.EncodeTagValue(&tv, inv, opts); err != nil {
		t.Fatal(err)
	}
	back, err := spdx.TagValueToJSON(bytes.NewReader(tv.Bytes()))
	if err != nil {
		t.Fatalf("%s: the tag-value document does not read: %v", name, err)
	}
	again, _ := json.Marshal(back)
	schema.Validate(t, schema.SPDX23, again)
	if fails, err := ntia.SPDX(again); err != nil || len(ntia.Unexplained(fails, noSuppliers(inv))) > 0 {
		t.Errorf("%s: NTIA: %v %v", name, ntia.Unexplained(fails, noSuppliers(inv)), err)
	}
	var got, want map[string]any
	json.Unmarshal(again, &got)
	json.Unmarshal(js.Bytes(), &want)
	for _, p := range got["packages"].([]any) {
		delete(p.(map[string]any), "hasFiles")
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s: tag-value reads back differently at line %d:\n got %s\nwant %s", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: tag-value reads back with %d lines, JSON has %d", name, len(gl), len(wl))
	}
}

func TestTagValueRoundTrip(t *testing.T) {
	sameDocument(t, "fixture", sbomtest.FixtureInventory(t))
	root := &inventory.Package{ID: "root", Name: "app", Version: "1", Kind: inventory.KindEnvironment, PURL: "pkg:generic/app@1",
		Supplier: inventory.Party{Kind: inventory.Organization, Name: "ACME"}}
	inv := &inventory.Inventory{Root: root}
	for i, s := range append(jsontest.Tricky[1:], "  padded  ", "multi\nline\r\nvalue", "has </text> inside", "<text>looks like text") {
		if strings.ContainsAny(s, "\x00\x1f\x7f\r") || !strings.ContainsFunc(s, func(r rune) bool { return r > ' ' }) {
			continue // control characters and CRs do not survive a line-based format
		}
		p := &inventory.Package{ID: "p" + s, Name: "n" + s, Version: "1", PURL: "pkg:pypi/x@1", Supplier: root.Supplier,
			Extra: &inventory.Extra{Summary: s, License: inventory.License{Declared: "Custom " + s}}}
		if i%2 == 0 {
			p.Files = []inventory.File{{Path: "f" + strings.TrimSpace(s), Hashes: []inventory.Hash{{Algorithm: inventory.SHA1, Value: "aa"}, {Algorithm: inventory.SHA256, Value: "bb"}}}}
		}
		inv.Packages = append(inv.Packages, p)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: "root", Type: inventory.Contains, To: p.ID})
	}
	inv.Problems = []inventory.Problem{{Kind: inventory.HashMismatch, Package: "p" + jsontest.Tricky[1], Path: "x", Message: "differs\nover two lines"}}
	sameDocument(t, "tricky", inv)
	if !testing.Short() {
		sameDocument(t, "pyenv 3.11.7", sbomtest.ReadSystem(t, realdata.PyenvSite(t, "3.11.7")))
	}
}

// TestTagValueText: values a plain line cannot carry are written as
// <text>; a multi-line value containing "</text>" cannot be carried at
// all, and its "</text>" is written as "</ text>".
func TestTagValueText(t *testing.T) {
	root := &inventory.Package{ID: "root", Name: " app", Version: "1", Extra: &inventory.Extra{Summary: "two\nlines </text> here", Homepage: "https://x.example/a:b"}}
	var tv bytes.Buffer
	if err := spdx.EncodeTagValue(&tv, &inventory.Inventory{Root: root}, opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PackageName: <text> app</text>\n", "PackageSummary: <text>two\nlines </ text> here</text>\n", "PackageHomePage: https://x.example/a:b\n"} {
		if !strings.Contains(tv.String(), want) {
			t.Errorf("no %q in\n%s", want, tv.String())
		}
	}
}
