package cyclonedx_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

func TestRoundTrip(t *testing.T) {
	inv := sbomtest.FixtureInventory(t)
	var buf bytes.Buffer
	if err := cyclonedx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	back, err := cyclonedx.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Root == nil || back.Root.ID != inv.Root.ID {
		t.Fatalf("root = %+v", back.Root)
	}
	for _, p := range inv.Packages {
		q := back.Find(p.ID)
		if q == nil {
			t.Errorf("%s lost", p.ID)
			continue
		}
		if q.Name != p.Name || q.Version != p.Version || q.PURL != p.PURL || q.More().License.Expression != p.More().License.Expression {
			t.Errorf("%s: got %s %s %s %q", p.ID, q.Name, q.Version, q.PURL, q.More().License.Expression)
		}
	}
	// Files come back as the files of their package, with their hashes.
	alpha := back.Find("pypi/alpha@1.0")
	if len(alpha.Files) != 8 || alpha.Files[0].Hash(inventory.SHA256) == "" {
		t.Errorf("alpha has %d files: %+v", len(alpha.Files), alpha.Files)
	}
}

// TestSpecificationFixtures decodes every valid-* document of the
// CycloneDX specification's test set for 1.4 to 1.6.
func TestSpecificationFixtures(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "formats", "cyclonedx", "fixtures")
	var files []string
	for _, v := range []string{"1.4", "1.5", "1.6"} {
		m, _ := filepath.Glob(filepath.Join(dir, v, "valid-*.json"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("CycloneDX fixtures not present in ../shared/corpus/formats/cyclonedx/fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cyclonedx.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("%s: %v", strings.TrimPrefix(f, dir), err)
		}
	}
	t.Logf("decoded %d specification fixtures", len(files))
}

func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{"", "[]", `{"spdxVersion": "SPDX-2.3"}`, `{"bomFormat": "CycloneDX", "components": "nope"}`} {
		if _, err := cyclonedx.Decode(strings.NewReader(in)); err == nil {
			t.Errorf("Decode(%q): no error", in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"bom-ref":"r","name":"r"}},"components":[{"bom-ref":"a","name":"a","components":[{"name":"b"}]}],"dependencies":[{"ref":"r","dependsOn":["a"]}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"bom-ref":"x"},{"bom-ref":"x"}]}`))
	f.Add([]byte(`{"dependencies":[{"ref":"a","dependsOn":["b"]}],"components":[null,{"bom-ref":"a"}],"extra":{"x":[1,{"y":null}]},"bomFormat":"CycloneDX"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := cyclonedx.Decode(bytes.NewReader(data))
		if (inv == nil) == (err == nil) {
			t.Fatalf("inventory %v with error %v", inv, err)
		}
	})
}

func TestDecodeNullComponents(t *testing.T) {
	inv, err := cyclonedx.Decode(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[null,{"name":"a","version":"1","components":[null]}]}`))
	if err != nil || len(inv.Packages) != 1 {
		t.Fatalf("%v, %v", inv, err)
	}
}

// A component without a bom-ref, or with one a component before it in the
// document took, gets an ID of its own that no component is given; what
// it carries and what depends on the ref stay where they were.
func TestDecodeGivesIDs(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6",
	"dependencies":[{"ref":"a","dependsOn":["b"]}],
	"components":[
		{"bom-ref":"a","name":"first-a","components":[{"name":"carried"}]},
		{"bom-ref":"a","name":"second-a","components":[{"bom-ref":"b","name":"b"}]},
		{"name":"no-ref"},
		{"bom-ref":"component-1","name":"given-component-1"}],
	"metadata":{"component":{"name":"root"}}}`
	inv, err := cyclonedx.Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{} // name -> ID
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		ids[p.Name] = p.ID
	}
	want := map[string]string{"first-a": "a", "carried": "component-2", "second-a": "component-3", "b": "b",
		"no-ref": "component-4", "given-component-1": "component-1", "root": "component-5"}
	if !maps.Equal(ids, want) {
		t.Errorf("IDs %v, want %v", ids, want)
	}
	var rels []string
	for _, r := range inv.Relationships {
		rels = append(rels, r.From+" "+string(r.Type)+" "+r.To)
	}
	slices.Sort(rels)
	if w := []string{"a CONTAINS component-2", "a DEPENDS_ON b", "component-3 CONTAINS b"}; !slices.Equal(rels, w) {
		t.Errorf("relationships %q, want %q", rels, w)
	}
}
