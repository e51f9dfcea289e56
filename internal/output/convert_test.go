package output

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// facts are what a conversion must keep of each package, comparable
// across formats.
func facts(inv *inventory.Inventory) []string {
	ids := map[string]string{}
	name := func(p *inventory.Package) string { return strings.TrimSpace(p.Name + " " + p.Version) }
	all := append([]*inventory.Package{inv.Root}, inv.Packages...)
	for _, p := range all {
		ids[p.ID] = name(p)
	}
	var out []string
	for _, p := range all {
		var hs []string
		for _, h := range p.Hashes {
			hs = append(hs, string(h.Algorithm)+":"+h.Value)
		}
		sort.Strings(hs)
		var fs []string
		for _, f := range p.Files {
			fs = append(fs, f.Path+"="+f.Hash(inventory.SHA256))
		}
		sort.Strings(fs)
		out = append(out, strings.Join([]string{"package " + name(p), p.PURL, strings.Join(p.More().CPEs, ","), strings.Join(hs, ","),
			p.More().License.Expression, p.Supplier.Name, p.More().Originator.Name, p.More().DownloadLocation, strings.Join(fs, ",")}, " | "))
	}
	for _, r := range inv.Relationships {
		switch {
		case r.From == inv.Root.ID && (r.Type == inventory.DependsOn || r.Type == inventory.Contains):
			// CycloneDX cannot tell containment from dependency at the
			// root (its metadata component's dependencies); the report says so.
			out = append(out, ids[r.From]+" holds "+ids[r.To])
		case r.Type == inventory.DependsOn || r.Type == inventory.Contains:
			out = append(out, ids[r.From]+" "+string(r.Type)+" "+ids[r.To])
		}
	}
	sort.Strings(out)
	return out
}

// TestConvertCPython: CPython's own SBOMs (3.13.5's from the release
// tarball is the same document as main's of May 2025 in shape; the corpus
// has main's and the release tools' test documents) convert to CycloneDX
// 1.4, 1.5 and 1.6 that validate, and back to SPDX 2.3 that validates,
// keeping every package, identifier, checksum, license, party, file and
// relationship.
func TestConvertCPython(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "cpython")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skip("CPython SBOMs not present in ../shared/corpus/cpython")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		inv, losses, err := sbom.Convert(data, f, "cyclonedx")
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		doc := &Conversion{SBOM: &SBOM{Inventory: inv, Created: time.Unix(0, 0), Tool: Tool{"pysbom", "test"}}, Losses: losses}
		for _, v := range []struct {
			spec string
			kind schema.Kind
		}{{"1.4", schema.CycloneDX14}, {"1.5", schema.CycloneDX15}, {"1.6", schema.CycloneDX16}} {
			doc.CycloneDX = v.spec
			var b bytes.Buffer
			if err := Conversions.Write(&b, "cyclonedx-json", doc); err != nil {
				t.Fatal(err)
			}
			schema.Validate(t, v.kind, b.Bytes())
			if v.spec != "1.6" {
				continue
			}
			back, _, err := sbom.Convert(b.Bytes(), "back.cdx.json", "spdx")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(facts(inv), facts(back)); d != "" {
				t.Errorf("%s: SPDX -> CycloneDX -> inventory loses (-want +got):\n%s", filepath.Base(f), d)
			}
			var s bytes.Buffer
			if err := Conversions.Write(&s, "spdx-json", &Conversion{SBOM: &SBOM{Inventory: back, Created: time.Unix(0, 0), Tool: Tool{"pysbom", "test"}}}); err != nil {
				t.Fatal(err)
			}
			schema.Validate(t, schema.SPDX23, s.Bytes())
			again, _, err := sbom.Convert(s.Bytes(), "again.spdx.json", "cyclonedx")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(facts(inv), facts(again)); d != "" {
				t.Errorf("%s: there and back loses (-want +got):\n%s", filepath.Base(f), d)
			}
		}
	}
}

// TestConvertReportsLosses: what the inventory does not keep is listed,
// and relationship types CycloneDX cannot carry become properties.
func TestConvertReportsLosses(t *testing.T) {
	doc := `{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "d", "dataLicense": "CC0-1.0",
 "documentNamespace": "https://example.org/d", "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: x"]},
 "packages": [
  {"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1", "downloadLocation": "NOASSERTION", "copyrightText": "(c) A", "comment": "c",
   "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "advisory", "referenceLocator": "https://example.org/adv"}]},
  {"SPDXID": "SPDXRef-b", "name": "b", "versionInfo": "2", "downloadLocation": "NOASSERTION", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/b@2"}]}],
 "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-a"},
  {"spdxElementId": "SPDXRef-a", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-b"}],
 "annotations": [{"annotator": "Tool: x", "annotationDate": "2024-01-01T00:00:00Z", "annotationType": "REVIEW", "comment": "x"}]}`
	inv, losses, err := sbom.Convert([]byte(doc), "d.spdx.json", "cyclonedx")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range losses {
		got = append(got, l.String())
	}
	want := []string{
		"annotations: 1 not carried",
		"packages[].comment: 1 not carried",
		"packages[].copyrightText: 1 not carried",
		"packages[].externalRefs advisory: 1 not carried",
		"relationships GENERATED_FROM: 1, carried as pysbom:relationship properties",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("losses (-want +got):\n%s", d)
	}
	if len(inv.Root.Properties) != 1 || inv.Root.Properties[0].Value != "GENERATED_FROM pkg:pypi/b@2" {
		t.Errorf("root properties: %+v", inv.Root.Properties)
	}
}
