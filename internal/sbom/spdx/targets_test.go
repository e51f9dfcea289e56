package spdx_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/ntia"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestOtherTargets: SBOMs of a wheelhouse and of every lock format are
// schema-valid and meet the NTIA minimum elements, in both formats.
func TestOtherTargets(t *testing.T) {
	dir := t.TempDir()
	wheel := fixture.Wheel(t, dir, fixture.Dist{Name: "demo", Version: "1.0", Metadata: "Author: Ann",
		MetaFiles: map[string]string{"sboms/x.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"z","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1"}]}`}},
		"py3-none-any", nil)
	fixture.Sdist(t, dir, "demo", "1.0", map[string]string{"PKG-INFO": "Name: demo\nVersion: 1.0\nAuthor: Ann\n"})
	party := inventory.Party{Kind: inventory.Organization, Name: "Example"}
	invs := map[string]*inventory.Inventory{}
	var err error
	if invs["wheelhouse"], err = extract.Artifacts(context.Background(), dir, []string{wheel, filepath.Join(dir, "demo-1.0.tar.gz")}, extract.Options{Supplier: party}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"requirements.txt", "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pylock.toml"} {
		l, err := lockfile.Parse(filepath.Join("..", "..", "lockfile", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		invs[f] = extract.Lock(l, extract.Options{Supplier: party})
	}
	for name, inv := range invs {
		var s, c bytes.Buffer
		if err := spdx.Encode(&s, inv, opts); err != nil {
			t.Fatal(err)
		}
		if err := cyclonedx.Encode(&c, inv, cyclonedx.Options{Created: opts.Created, ToolName: "pysbom"}); err != nil {
			t.Fatal(err)
		}
		schema.Validate(t, schema.SPDX23, s.Bytes())
		schema.Validate(t, schema.CycloneDX16, c.Bytes())
		fails, _ := ntia.SPDX(s.Bytes())
		more, _ := ntia.CycloneDX(c.Bytes())
		// A component without a known supplier says so (a no-supplier problem).
		fails = ntia.Unexplained(fails, noSuppliers(inv))
		more = ntia.Unexplained(more, noSuppliers(inv))
		// An unpinned requirement has no version by design: the lock does not say.
		unpinned := map[string]bool{}
		for _, p := range inv.Packages {
			if p.Version == "" {
				unpinned["("+p.Name+"): no version"] = true
			}
		}
	next:
		for _, f := range append(fails, more...) {
			for suffix := range unpinned {
				if strings.HasSuffix(f, suffix) {
					continue next
				}
			}
			t.Errorf("%s: NTIA: %s", name, f)
		}
	}
}
