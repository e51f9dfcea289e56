package diff

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// fromTarball reads one member of the CPython release tarball.
func fromTarball(t *testing.T, tarball, member string) []byte {
	f, err := os.Open(tarball)
	if err != nil {
		t.Skipf("CPython release not present: %v", err)
	}
	defer f.Close()
	xr, err := xz.NewReader(bufio.NewReaderSize(f, 1<<20)) // unbuffered, xz reads in tiny pieces
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(xr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not found in %s: %v", member, tarball, err)
		}
		if h.Name == member {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
	}
}

func decode(t *testing.T, data []byte) *inventory.Inventory {
	inv, _, err := sbom.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestCPython: 3.13.5's Misc/sbom.spdx.json against main's of May 2025.
func TestCPython(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses the 22 MB CPython tarball")
	}
	dir := filepath.Join(schema.CorpusDir(), "cpython")
	newer, err := os.ReadFile(filepath.Join(dir, "cpython-main-2025-05_Misc_sbom.spdx.json"))
	if err != nil {
		t.Skip("CPython SBOMs not present in ../shared/corpus/cpython")
	}
	older := fromTarball(t, filepath.Join(dir, "Python-3.13.5.tar.xz"), "Python-3.13.5/Misc/sbom.spdx.json")
	r := Compare(decode(t, older), decode(t, newer))
	if len(r.Added) != 0 || len(r.Removed) != 1 || r.Removed[0].Name != "libb2" {
		t.Errorf("added %v, removed %v; want libb2 removed", r.Added, r.Removed)
	}
	changed := map[string]Change{}
	for _, c := range r.Changed {
		changed[c.Name] = c
	}
	hacl := changed["hacl-star"]
	if hacl.OldVersion != "bb3d0dc8d9d15a5cd51094d5b69e70aa09005ff0" || hacl.Version != "4ef25b547b377dcef855db4289c6a00580e7221c" || len(hacl.Files) < 40 {
		t.Errorf("hacl-star: %s -> %s, %d files", hacl.OldVersion, hacl.Version, len(hacl.Files))
	}
	if _, ok := changed["macholib"]; ok {
		t.Error("macholib did not change")
	}
	if e := changed["expat"]; len(e.Files) != 1 || e.Files[0] != (FileChange{"Modules/expat/refresh.sh", "removed"}) {
		t.Errorf("expat files: %+v", e.Files)
	}
}

// TestAcrossFormats: the same inventory as SPDX and as CycloneDX differs
// in nothing; a changed copy differs in exactly what changed.
func TestAcrossFormats(t *testing.T) {
	inv := sbomtest.FixtureInventory(t)
	var s, c bytes.Buffer
	if err := spdx.Encode(&s, inv, spdx.Options{Created: sbomtest.Created}); err != nil {
		t.Fatal(err)
	}
	if err := cyclonedx.Encode(&c, inv, cyclonedx.Options{Created: sbomtest.Created}); err != nil {
		t.Fatal(err)
	}
	if r := Compare(decode(t, s.Bytes()), decode(t, c.Bytes())); !r.Empty() {
		t.Errorf("SPDX vs CycloneDX of one inventory: %+v", r)
	}
	// Bump a version, change a file, drop a package and an edge.
	alpha := inv.Find("pypi/alpha@1.0")
	alpha.Version = "1.1"
	alpha.PURL = "pkg:pypi/alpha@1.1"
	alpha.Files[0].Hashes[1].Value = strings.Repeat("0", 64)
	var kept []*inventory.Package
	for _, p := range inv.Packages {
		if p.Name != "epsilon" {
			kept = append(kept, p)
		}
	}
	inv.Packages = kept
	var rels []inventory.Relationship
	for _, rel := range inv.Relationships {
		if rel.To != "pypi/epsilon@5" && rel.From != "pypi/epsilon@5" {
			rels = append(rels, rel)
		}
	}
	inv.Relationships = rels
	var c2 bytes.Buffer
	cyclonedx.Encode(&c2, inv, cyclonedx.Options{Created: sbomtest.Created})
	r := Compare(decode(t, s.Bytes()), decode(t, c2.Bytes()))
	if len(r.Removed) != 1 || r.Removed[0].Name != "epsilon" || len(r.Added) != 0 {
		t.Errorf("added %v removed %v", r.Added, r.Removed)
	}
	if len(r.Changed) != 1 || r.Changed[0].OldVersion != "1.0" || r.Changed[0].Version != "1.1" || len(r.Changed[0].Files) != 1 || r.Changed[0].Files[0].Change != "changed" {
		t.Errorf("changed: %+v", r.Changed)
	}
	if len(r.RelationshipsRemoved) == 0 {
		t.Error("epsilon's edges not reported removed")
	}
}

// TestVendoredIsContained: a carrier that starts vendoring a package shows
// as "wheel contains packaging", not as a new dependency, whichever format
// each side is in.
func TestVendoredIsContained(t *testing.T) {
	mk := func(vendored bool) *inventory.Inventory {
		inv := &inventory.Inventory{
			Root:          &inventory.Package{ID: "env", Name: "env", Version: "1", PURL: "pkg:generic/env@1"},
			Packages:      []*inventory.Package{{ID: "wheel", Name: "wheel", Version: "0.41", PURL: "pkg:pypi/wheel@0.41"}},
			Relationships: []inventory.Relationship{{From: "env", Type: inventory.Contains, To: "wheel"}},
		}
		if vendored {
			inv.Packages = append(inv.Packages, &inventory.Package{ID: "wheel>packaging", Name: "packaging", Version: "23.0", PURL: "pkg:pypi/packaging@23.0"})
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: "wheel", Type: inventory.Contains, To: "wheel>packaging"})
		}
		return inv
	}
	enc := map[string]func(inv *inventory.Inventory) []byte{
		"cyclonedx": func(inv *inventory.Inventory) []byte {
			var b bytes.Buffer
			if err := cyclonedx.Encode(&b, inv, cyclonedx.Options{Created: sbomtest.Created}); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		},
		"spdx": func(inv *inventory.Inventory) []byte {
			var b bytes.Buffer
			if err := spdx.Encode(&b, inv, spdx.Options{Created: sbomtest.Created}); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		},
	}
	for oldF, oldEnc := range enc {
		for newF, newEnc := range enc {
			r := Compare(decode(t, oldEnc(mk(false))), decode(t, newEnc(mk(true))))
			if len(r.Added) != 1 || strings.Join(r.Added[0].Carrier, ",") != "wheel 0.41" ||
				strings.Join(r.RelationshipsAdded, ";") != "pypi/wheel contains pypi/wheel > pypi/packaging" || len(r.RelationshipsRemoved) != 0 {
				t.Errorf("%s -> %s: added %v, edges +%v -%v", oldF, newF, r.Added, r.RelationshipsAdded, r.RelationshipsRemoved)
			}
			if r := Compare(decode(t, oldEnc(mk(true))), decode(t, newEnc(mk(true)))); !r.Empty() {
				t.Errorf("%s vs %s of one inventory: %+v", oldF, newF, r)
			}
		}
	}
}

// TestVendoredKeyedByCarrier: pip's vendored packaging going from 21.3 to
// 23.0 is a change of the copy in pip, never paired with the packaging
// installed beside it, and it says which package carries it.
func TestVendoredKeyedByCarrier(t *testing.T) {
	mk := func(vendored string) *inventory.Inventory {
		return &inventory.Inventory{
			Root: &inventory.Package{ID: "env", Name: "env", Version: "1", PURL: "pkg:generic/env@1"},
			Packages: []*inventory.Package{
				{ID: "packaging", Name: "packaging", Version: "24.0", PURL: "pkg:pypi/packaging@24.0"},
				{ID: "pip", Name: "pip", Version: "24.0", PURL: "pkg:pypi/pip@24.0"},
				{ID: "pip>packaging", Name: "packaging", Version: vendored, PURL: "pkg:pypi/packaging@" + vendored},
			},
			Relationships: []inventory.Relationship{{From: "env", Type: inventory.Contains, To: "packaging"},
				{From: "env", Type: inventory.Contains, To: "pip"}, {From: "pip", Type: inventory.Contains, To: "pip>packaging"}},
		}
	}
	r := Compare(mk("21.3"), mk("23.0"))
	if len(r.Added)+len(r.Removed) != 0 || len(r.Changed) != 1 {
		t.Fatalf("added %v removed %v changed %v", r.Added, r.Removed, r.Changed)
	}
	c := r.Changed[0]
	if c.Key != "pypi/pip > pypi/packaging" || c.OldVersion != "21.3" || c.Version != "23.0" || strings.Join(c.Carrier, ",") != "pip 24.0" {
		t.Errorf("change = %+v", c)
	}
	// JSON lists are [], never null.
	b, _ := json.Marshal(Compare(mk("1"), mk("1")))
	if strings.Contains(string(b), "null") {
		t.Errorf("null in %s", b)
	}
}
