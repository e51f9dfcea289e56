package embedded

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

const auditwheel = `{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "metadata": {"component": {"type": "library", "bom-ref": "pkg:pypi/demo@1.0?file_name=demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
   "name": "demo", "version": "1.0", "purl": "pkg:pypi/demo@1.0?file_name=demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"}},
 "components": [{"type": "library", "bom-ref": "pkg:rpm/almalinux/libXau@1.0.9#abc", "name": "libXau", "version": "1.0.9",
   "purl": "pkg:rpm/almalinux/libXau@1.0.9"}],
 "dependencies": [{"ref": "pkg:pypi/demo@1.0?file_name=demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", "dependsOn": ["pkg:rpm/almalinux/libXau@1.0.9#abc"]}]}`

const cargo = `{"bomFormat": "CycloneDX", "specVersion": "1.5",
 "metadata": {"component": {"type": "library", "bom-ref": "demo-rust", "name": "demo-rust", "version": "0.1.0", "purl": "pkg:cargo/demo-rust@0.1.0"}},
 "components": [
  {"type": "library", "bom-ref": "r#pyo3@0.28.3", "name": "pyo3", "version": "0.28.3", "purl": "pkg:cargo/pyo3@0.28.3",
   "hashes": [{"alg": "SHA-256", "content": "ABCD"}], "licenses": [{"expression": "MIT OR Apache-2.0"}]},
  {"type": "library", "bom-ref": "openssl", "name": "openssl", "version": "3.5.0", "purl": "pkg:generic/openssl@3.5.0?download_url=https://example.org/openssl-3.5.0.tar.gz"}],
 "dependencies": [{"ref": "demo-rust", "dependsOn": ["r#pyo3@0.28.3"]}]}`

const spdxDoc = `{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
 "packages": [{"SPDXID": "SPDXRef-ssl", "name": "openssl", "versionInfo": "3.5.0", "downloadLocation": "NOASSERTION",
   "supplier": "Organization: OpenSSL", "checksums": [{"algorithm": "SHA256", "checksumValue": "feed"}],
   "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:generic/openssl@3.5.0"}]}],
 "relationships": []}`

func TestExtract(t *testing.T) {
	site := t.TempDir()
	files := map[string]string{
		"demo-1.0.dist-info/sboms/auditwheel.cdx.json":      auditwheel,
		"demo-1.0.dist-info/sboms/demo-rust.cyclonedx.json": cargo,
		"demo-1.0.dist-info/sboms/extra.spdx.json":          spdxDoc,
		"demo-1.0.dist-info/sboms/notes.xml":                "<bom/>",
		"demo-1.0.dist-info/sboms/broken.cdx.json":          `{"bomFormat": "CycloneDX", "components": [`,
		"demo/_vendor/vendor.txt":                           "requests==2.31.0  # comment\n    idna==3.4\n\nsix==1.16.0\nnot a pin\n",
		"demo/_vendor/packaging-24.2.dist-info/METADATA":    "Metadata-Version: 2.3\nName: packaging\nVersion: 24.2\nAuthor-email: Donald Stufft <donald@stufft.io>\nLicense-Expression: Apache-2.0 OR BSD-2-Clause\n",
	}
	owner := &inventory.Package{ID: "pypi/demo@1.0", Name: "demo", Version: "1.0",
		Supplier: inventory.Party{Kind: inventory.Person, Name: "Demo Maintainer"},
		Python:   &inventory.PythonDist{MetadataDir: "demo-1.0.dist-info"}}
	for p, c := range files {
		fixture.WriteFile(t, filepath.Join(site, p), c)
		owner.Files = append(owner.Files, inventory.File{Path: p})
	}
	sort.Slice(owner.Files, func(i, j int) bool { return owner.Files[i].Path < owner.Files[j].Path })
	res := Extract(os.DirFS(site), owner, nil)

	var ids []string
	byID := map[string]*inventory.Package{}
	for _, p := range res.Packages {
		ids = append(ids, p.ID)
		byID[p.ID] = p
	}
	sort.Strings(ids)
	want := []string{
		"pypi/demo@1.0>cargo/demo-rust@0.1.0",
		"pypi/demo@1.0>cargo/pyo3@0.28.3",
		"pypi/demo@1.0>generic/openssl@3.5.0",
		"pypi/demo@1.0>pypi/idna@3.4",
		"pypi/demo@1.0>pypi/packaging@24.2",
		"pypi/demo@1.0>pypi/requests@2.31.0",
		"pypi/demo@1.0>pypi/six@1.16.0",
		"pypi/demo@1.0>rpm/almalinux/libXau@1.0.9",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("carried components (-want +got):\n%s", diff)
	}
	// openssl from the cargo document and from the SPDX one is one component.
	ssl := byID["pypi/demo@1.0>generic/openssl@3.5.0"]
	if ssl == nil || ssl.Hash(inventory.SHA256) != "feed" || ssl.Supplier.Name != "OpenSSL" || len(ssl.Properties) != 2 {
		t.Errorf("merged openssl = %+v", ssl)
	}
	if p := byID["pypi/demo@1.0>cargo/pyo3@0.28.3"]; p == nil || p.More().License.Expression != "MIT OR Apache-2.0" || p.Hash(inventory.SHA256) != "abcd" {
		t.Errorf("pyo3 = %+v", p)
	}
	if p := byID["pypi/demo@1.0>pypi/packaging@24.2"]; p == nil || p.Supplier.Name != "Donald Stufft" || p.More().License.Expression != "Apache-2.0 OR BSD-2-Clause" {
		t.Errorf("vendored dist-info = %+v", p)
	}
	var rels []string
	for _, r := range res.Relationships {
		if r.Type != inventory.Contains {
			rels = append(rels, r.From+" "+string(r.Type)+" "+r.To)
		}
	}
	sort.Strings(rels)
	wantRels := []string{
		"pypi/demo@1.0 DEPENDS_ON pypi/demo@1.0>rpm/almalinux/libXau@1.0.9",
		"pypi/demo@1.0>cargo/demo-rust@0.1.0 DEPENDS_ON pypi/demo@1.0>cargo/pyo3@0.28.3",
		"pypi/demo@1.0>pypi/requests@2.31.0 DEPENDS_ON pypi/demo@1.0>pypi/idna@3.4",
	}
	if diff := cmp.Diff(wantRels, rels); diff != "" {
		t.Errorf("relationships (-want +got):\n%s", diff)
	}
	contains := 0
	for _, r := range res.Relationships {
		if r.Type == inventory.Contains && r.From == owner.ID {
			contains++
		}
	}
	if contains != len(want) {
		t.Errorf("owner contains %d components, want %d", contains, len(want))
	}
	var probs []string
	for _, p := range res.Problems {
		probs = append(probs, string(p.Kind)+" "+p.Path+": "+p.Message)
	}
	sort.Strings(probs)
	wantProbs := []string{
		"bad-sbom demo-1.0.dist-info/sboms/broken.cdx.json: cyclonedx document cannot be read: not a CycloneDX JSON document: unexpected end of JSON input",
		`bad-sbom demo/_vendor/vendor.txt: line 5: "not a pin" is not a name==version pin`,
		"unread-sbom demo-1.0.dist-info/sboms/notes.xml: not an SBOM: an XML document that is neither CycloneDX nor SPDX; expected SPDX 2.2/2.3 JSON or tag-value, or CycloneDX 1.4-1.6 JSON; its content is not in this SBOM",
	}
	if diff := cmp.Diff(wantProbs, probs); diff != "" || !strings.Contains(probs[0], "broken") {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
