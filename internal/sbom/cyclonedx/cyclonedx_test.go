package cyclonedx_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/golden"
	"github.com/pysbom/pysbom/internal/testutil/ntia"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

var opts = cyclonedx.Options{Created: sbomtest.Created, ToolName: "pysbom", ToolVersion: "test"}

func TestFixtureGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := cyclonedx.Encode(&buf, sbomtest.FixtureInventory(t), opts); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/venv_cdx.json", buf.Bytes())
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	fails, err := ntia.CycloneDX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fails {
		t.Errorf("NTIA: %s", f)
	}
	var again bytes.Buffer
	if err := cyclonedx.Encode(&again, sbomtest.FixtureInventory(t), opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two encodings of the same environment differ")
	}
}

func TestDependencyGraph(t *testing.T) {
	bom, err := cyclonedx.Build(sbomtest.FixtureInventory(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, d := range *bom.Dependencies {
		if d.Dependencies != nil {
			got[d.Ref] = *d.Dependencies
		}
	}
	want := map[string][]string{
		"pypi/alpha@1.0":       {"pypi/beta@2.1", "pypi/gamma-lib@0.3", "python/cpython@3.12.1"},
		"pypi/gamma-lib@0.3":   {"pypi/delta@4.0.post1", "python/cpython@3.12.1"},
		"pypi/delta@4.0.post1": {"pypi/beta@2.1", "python/cpython@3.12.1"},
	}
	for ref, deps := range want {
		if b, _ := json.Marshal(got[ref]); string(b) != mustJSON(deps) {
			t.Errorf("%s depends on %v, want %v", ref, got[ref], deps)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestPyenvEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 38,000 files")
	}
	inv := sbomtest.ReadSystem(t, realdata.PyenvSite(t, "3.11.7"))
	var buf bytes.Buffer
	if err := cyclonedx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	fails, err := ntia.CycloneDX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ntia.Unexplained(fails, noSuppliers(inv)) {
		t.Errorf("NTIA: %s", f)
	}
	// pip's vendored certifi is nested in pip, not a dependency of it.
	var doc struct {
		Components []struct {
			Ref        string `json:"bom-ref"`
			Components []struct {
				Ref string `json:"bom-ref"`
			} `json:"components"`
		} `json:"components"`
		Dependencies []struct {
			Ref       string   `json:"ref"`
			DependsOn []string `json:"dependsOn"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	const pip, certifi = "pypi/pip@23.2.1", "pypi/pip@23.2.1>pypi/certifi@2023.5.7"
	nested := false
	for _, c := range doc.Components {
		if c.Ref == certifi {
			t.Errorf("%s is a top-level component", certifi)
		}
		for _, sub := range c.Components {
			nested = nested || c.Ref == pip && sub.Ref == certifi
		}
	}
	if !nested {
		t.Errorf("%s is not nested in %s", certifi, pip)
	}
	for _, d := range doc.Dependencies {
		if d.Ref == pip && slices.Contains(d.DependsOn, certifi) {
			t.Errorf("%s depends on its vendored %s", pip, certifi)
		}
	}
}

// noSuppliers counts the components the inventory says have no known
// supplier.
func noSuppliers(inv *inventory.Inventory) int {
	n := 0
	for _, p := range inv.Problems {
		if p.Kind == inventory.NoSupplier {
			n++
		}
	}
	return n
}
