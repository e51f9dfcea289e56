package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// carried is an environment in which pip carries certifi and requests,
// requests' own vendored chardet is nested two deep, a wheel carries a
// crate that also sits in a second carrier, and two packages claim to
// contain each other.
func carried() *inventory.Inventory {
	hs := []inventory.Hash{{Algorithm: inventory.SHA256, Value: strings.Repeat("ab", 32)}}
	pkg := func(id string, files ...string) *inventory.Package {
		name, version, _ := strings.Cut(strings.TrimPrefix(id, "pypi/"), "@")
		p := &inventory.Package{ID: id, Name: name, Version: version, PURL: "pkg:pypi/" + name + "@" + version}
		for _, f := range files {
			p.Files = append(p.Files, inventory.File{Path: f, Hashes: hs})
		}
		return p
	}
	rel := func(from string, t inventory.RelType, to string) inventory.Relationship {
		return inventory.Relationship{From: from, Type: t, To: to}
	}
	c, d := inventory.Contains, inventory.DependsOn
	return &inventory.Inventory{
		Root: &inventory.Package{ID: "env", Name: "env", Version: "1", Kind: inventory.KindEnvironment, PURL: "pkg:generic/env@1"},
		Packages: []*inventory.Package{
			pkg("pypi/pip@23", "pip/__init__.py"), pkg("pypi/certifi@2023"), pkg("pypi/requests@2", "pip/_vendor/requests/__init__.py"),
			pkg("pypi/chardet@5", "pip/_vendor/requests/chardet.py"), pkg("pypi/wheel@1"), pkg("pypi/crate@1"),
			pkg("pypi/other@1"), pkg("pypi/a@1"), pkg("pypi/b@1"),
		},
		Relationships: []inventory.Relationship{
			rel("env", c, "pypi/pip@23"), rel("env", c, "pypi/wheel@1"), rel("env", c, "pypi/other@1"),
			rel("pypi/pip@23", c, "pypi/certifi@2023"), rel("pypi/pip@23", c, "pypi/requests@2"),
			rel("pypi/requests@2", c, "pypi/chardet@5"), rel("pypi/requests@2", d, "pypi/certifi@2023"),
			rel("pypi/wheel@1", c, "pypi/crate@1"), rel("pypi/other@1", c, "pypi/crate@1"),
			rel("pypi/a@1", c, "pypi/b@1"), rel("pypi/b@1", c, "pypi/a@1"),
		},
	}
}

// TestCarriedAreNested: CONTAINS between packages is nesting (an
// assembly), not a dependency; a second carrier and a cycle stay in the
// graph; the document validates, is what the library writes, and reads
// back with the same containment.
func TestCarriedAreNested(t *testing.T) {
	inv := carried()
	sameAsLibrary(t, "carried", inv)
	var buf bytes.Buffer
	if err := cyclonedx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	type comp struct {
		Ref        string `json:"bom-ref"`
		Type       string `json:"type"`
		Components []comp `json:"components"`
	}
	var doc struct {
		Components   []comp `json:"components"`
		Dependencies []struct {
			Ref       string   `json:"ref"`
			DependsOn []string `json:"dependsOn"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var shape func(cs []comp) string
	shape = func(cs []comp) string {
		var parts []string
		for _, c := range cs {
			s := c.Ref
			if c.Type == "file" {
				s = "file"
			}
			if len(c.Components) > 0 {
				s += "{" + shape(c.Components) + "}"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	want := "pypi/pip@23{pypi/certifi@2023 pypi/requests@2{pypi/chardet@5{file} file} file} pypi/wheel@1{pypi/crate@1} pypi/other@1 pypi/a@1{pypi/b@1}"
	if got := shape(doc.Components); got != want {
		t.Errorf("nesting:\n got %s\nwant %s", got, want)
	}
	deps := map[string][]string{}
	for _, d := range doc.Dependencies {
		deps[d.Ref] = d.DependsOn
	}
	for ref, want := range map[string][]string{
		"env":             {"pypi/pip@23", "pypi/wheel@1", "pypi/other@1"}, // the root's, as before
		"pypi/pip@23":     nil,                                             // nested, not depended on
		"pypi/requests@2": {"pypi/certifi@2023"},                           // a real dependency stays
		"pypi/other@1":    {"pypi/crate@1"},                                // the second carrier
		"pypi/b@1":        {"pypi/a@1"},                                    // the cycle's other edge
	} {
		if !slices.Equal(deps[ref], want) {
			t.Errorf("%s depends on %v, want %v", ref, deps[ref], want)
		}
	}
	back, err := cyclonedx.DecodeBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	contains := map[string]bool{}
	for _, r := range back.Relationships {
		if r.Type == inventory.Contains {
			contains[r.From+" "+r.To] = true
		}
	}
	for _, r := range []string{"pypi/pip@23 pypi/certifi@2023", "pypi/pip@23 pypi/requests@2", "pypi/requests@2 pypi/chardet@5", "pypi/wheel@1 pypi/crate@1", "pypi/a@1 pypi/b@1"} {
		if !contains[r] {
			t.Errorf("read back without %s CONTAINS", r)
		}
	}
	if len(back.Packages) != len(inv.Packages) {
		t.Errorf("read back %d packages, want %d", len(back.Packages), len(inv.Packages))
	}
	if f := back.Find("pypi/chardet@5"); f == nil || len(f.Files) != 1 {
		t.Errorf("chardet's file lost: %+v", f)
	}
	// Carriers come before what they carry when read back.
	order := map[string]int{}
	for i, p := range back.Packages {
		order[p.ID] = i
	}
	if order["pypi/pip@23"] > order["pypi/certifi@2023"] || order["pypi/requests@2"] > order["pypi/chardet@5"] {
		t.Errorf("order read back: %v", order)
	}
}
