package validate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestCycloneDXFixtures: every valid-* document of the specification's own
// test set passes the schema check and every invalid-* one fails it, and
// our verdict equals the official schema's in ../shared/corpus.
func TestCycloneDXFixtures(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "formats", "cyclonedx", "fixtures")
	n := 0
	for _, v := range []string{"1.4", "1.5", "1.6"} {
		files, _ := filepath.Glob(filepath.Join(dir, v, "*.json"))
		kind := schema.Kind("cyclonedx-" + v)
		for _, f := range files {
			base := filepath.Base(f)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			official := schema.Check(t, kind, data) == nil
			r, err := Document(data, base)
			if err != nil {
				if official {
					t.Errorf("%s/%s: %v", v, base, err)
				}
				n++
				continue
			}
			if r.SchemaValid() != official {
				t.Errorf("%s/%s: our schema verdict %v, the official schema's %v: %v", v, base, r.SchemaValid(), official, r.Schema)
			}
			if strings.HasPrefix(base, "valid-") && !r.SchemaValid() {
				t.Errorf("%s/%s fails: %v", v, base, r.Schema)
			}
			if strings.HasPrefix(base, "invalid-") && r.SchemaValid() && r.SemanticErrors() == 0 {
				t.Errorf("%s/%s passes", v, base)
			}
			for _, f := range r.Schema {
				if f.Message == "" || f.Path == "" {
					t.Errorf("%s/%s: finding without place or message: %+v", v, base, f)
				}
			}
			n++
		}
	}
	if n == 0 {
		t.Skip("CycloneDX fixtures not present in ../shared/corpus")
	}
	t.Logf("%d specification fixtures checked", n)
}

func TestSPDXExamples(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "formats", "spdx")
	data, err := os.ReadFile(filepath.Join(dir, "SPDXJSONExample-v2.3.spdx.json"))
	if err != nil {
		t.Skip("SPDX examples not present")
	}
	r, err := Document(data, "v2.3")
	if err != nil || !r.SchemaChecked || !r.SchemaValid() {
		t.Fatalf("SPDX 2.3 example: %v %+v", err, r.Schema)
	}
	// The official example says SPDXRef-Package has the file JenaLib
	// (hasFiles) and that JenaLib CONTAINS SPDXRef-Package: a cycle, the
	// one semantic error in it.
	if r.SemanticErrors() != 1 || !strings.Contains(cycleMessage(r), "SPDXRef-JenaLib -> SPDXRef-Package") {
		t.Errorf("SPDX 2.3 example semantic findings: %+v", r.Semantic)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "SPDXTagExample-v2.3.spdx"))
	r, err = Document(data, "tv")
	if err != nil || r.Encoding != "tag-value" || !r.SchemaValid() || r.SemanticErrors() != 1 || cycleMessage(r) == "" {
		t.Errorf("SPDX 2.3 tag-value example: %v %+v", err, r)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "SPDXJSONExample-v2.2.spdx.json"))
	r, err = Document(data, "v2.2")
	if err != nil || !r.SchemaChecked || !r.SchemaValid() {
		t.Errorf("SPDX 2.2 example: %v %+v", err, r)
	}
	// A 2.3-only field is not valid in a 2.2 document.
	data = []byte(strings.Replace(string(data), `"spdxVersion" : "SPDX-2.2"`, `"spdxVersion" : "SPDX-2.2", "packages_" : 1`, 1))
	if r, err := Document(data, "v2.2-bad"); err != nil || r.SchemaValid() {
		t.Errorf("SPDX 2.2 with an unknown top-level field passes: %v", err)
	}
}

// TestCPythonFragments: CPython's own SBOM files are fragments: no
// creation info, no DESCRIBES, no suppliers. They fail NTIA on exactly
// those elements and nothing else.
func TestCPythonFragments(t *testing.T) {
	file := filepath.Join(schema.CorpusDir(), "cpython", "cpython-main-2025-05_Misc_sbom.spdx.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skip("CPython SBOM not present in ../shared/corpus/cpython")
	}
	r, err := Document(data, filepath.Base(file))
	if err != nil {
		t.Fatal(err)
	}
	n := r.NTIA
	if n.Pass || n.Author || n.Timestamp || n.Relationships {
		t.Errorf("document elements: %+v", n)
	}
	if n.Missing["supplier"] != n.Components || n.Missing["name"] != 0 || n.Missing["version"] != 0 || n.Missing["unique identifier"] != 0 {
		t.Errorf("component elements missing: %v of %d", n.Missing, n.Components)
	}
}

func TestSemantic(t *testing.T) {
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"timestamp": "2024-01-01T00:00:00Z", "tools": {"components": [{"type": "application", "name": "t"}]},
   "component": {"type": "application", "bom-ref": "root", "name": "root", "version": "1", "purl": "pkg:generic/root@1", "supplier": {"name": "S"}}},
 "components": [
  {"type": "library", "bom-ref": "a", "name": "a", "version": "1.0", "purl": "pkg:pypi/a@2.0", "supplier": {"name": "S"},
   "hashes": [{"alg": "SHA-256", "content": "0123456789abcdef0123456789abcdef01234567"}], "licenses": [{"expression": "MIT or Foo"}]},
  {"type": "library", "bom-ref": "a", "name": "b", "version": "1", "cpe": "cpe:2.3:a:x:b:2:*:*:*:*:*:*:*"}],
 "dependencies": [{"ref": "root", "dependsOn": ["a", "ghost"]}]}`
	r, err := Document([]byte(doc), "x.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Semantic {
		got = append(got, string(f.Severity)+" "+f.Check+" "+f.Path)
	}
	want := []string{
		"error checksum /components/0/hashes/0",
		"error license /components/0/licenses/0/expression",
		"warning version-in-identifier /components/0/purl",
		"error duplicate-id /components/1/bom-ref",
		"warning version-in-identifier /components/1/cpe",
		"error reference /dependencies/0/dependsOn/1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.NTIA.Pass || r.NTIA.Missing["supplier"] != 1 {
		t.Errorf("NTIA = %+v", r.NTIA)
	}
	spdx := `{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x", "dataLicense": "CC0-1.0", "documentNamespace": "https://x/y",
 "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]},
 "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1", "downloadLocation": "NOASSERTION", "supplier": "Organization: S",
   "licenseDeclared": "LicenseRef-x", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "not a purl"}]},
   {"SPDXID": "SPDXRef-b", "name": "b", "versionInfo": "1", "downloadLocation": "NOASSERTION"}],
 "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-a"},
   {"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-b"},
   {"spdxElementId": "SPDXRef-b", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-a"},
   {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-nowhere"}]}`
	r, err = Document([]byte(spdx), "x.spdx.json")
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, f := range r.Semantic {
		got = append(got, string(f.Severity)+" "+f.Check+" "+f.Path+" "+f.Message)
	}
	want = []string{
		"error identifier /packages/0/externalRefs/0/referenceLocator purl \"not a purl\" does not parse: purl scheme is not \"pkg\": \"not a purl\"",
		"warning license /packages/0/licenseDeclared LicenseRef-x is not declared in hasExtractedLicensingInfos",
		"error cycle /relationships CONTAINS relationships form a cycle: SPDXRef-a -> SPDXRef-b -> SPDXRef-a",
		"error reference /relationships/3/relatedSpdxElement SPDXRef-nowhere is not in the document",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SPDX findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadInput(t *testing.T) {
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	tests := []struct{ in, want string }{
		{"", "empty file"},
		{"hello", "does not start with '{'"},
		{`{"bomFormat": "CycloneDX", "components": [`, "the document is truncated"},
		{`{"bomFormat": "SPDX", "spdxVersion": "SPDX-2.3"}`, "bomFormat is SPDX, not CycloneDX"},
		{`{"name": "x"}`, "no bomFormat (CycloneDX) or spdxVersion (SPDX)"},
		{`{"a": ` + deep + `}`, "not valid JSON"},
		{"SPDXVersion: SPDX-2.3\nBogusTag: x\n", "SPDX tag-value: line 2: unknown tag BogusTag"},
		{"<bom/>", "XML documents are not read yet"},
	}
	for _, tt := range tests {
		_, err := Document([]byte(tt.in), "doc.json")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "doc.json") {
			t.Errorf("Document(%.40q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	// SPDX content in a document that says it is CycloneDX fails the schema.
	r, err := Document([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "spdxVersion": "SPDX-2.3", "packages": []}`), "mixed.json")
	if err != nil || r.SchemaValid() {
		t.Errorf("SPDX pretending to be CycloneDX: %v, %+v", err, r)
	}
	old := MaxSize
	MaxSize = 1000
	defer func() { MaxSize = old }()
	if _, err := Read(bytes.NewReader(make([]byte, 5000)), "huge.json"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized: %v", err)
	}
}

func FuzzDocument(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"a","purl":"pkg:pypi/a@1","version":"1"}],"dependencies":[{"ref":"a","dependsOn":["b"]}]}`))
	f.Add([]byte("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"9.9\",\"a\":1,\"a\":2,\"components\":[{\"name\":\"\xff\\u0041\",\"name\":\"\"}]}"))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a","version":1.0},{"version":1,"name":"a"}],"components":[{"type":"library","name":"b"}],"services":{},"vulnerabilities":[{"ratings":[{"score":1e0}]},{"ratings":[{"score":10e-1}]}]} `))
	f.Add([]byte("SPDXVersion: SPDX-2.3\rDataLicense: CC0-1.0\rDocumentComment: <text>a\rb</text>\r"))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"x","externalRefs":[{"referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:b:c:1:*:*:*:*:*:*:*"}]}],"relationships":[{"spdxElementId":"x","relationshipType":"CONTAINS","relatedSpdxElement":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Document(data, "f.json")
		if (r == nil) == (err == nil) {
			t.Fatalf("report %v with error %v", r, err)
		}
		// A CycloneDX document checked in parts is checked as if whole.
		if parts, ok, err := inParts(data, "f.json"); ok && err == nil {
			if one, err := whole(data, "f.json", "JSON"); err != nil || !reflect.DeepEqual(parts, one) {
				t.Fatalf("in parts %+v\nwhole %+v, %v", parts, one, err)
			}
		}
	})
}

func cycleMessage(r *Report) string {
	for _, f := range r.Semantic {
		if f.Check == "cycle" {
			return f.Message
		}
	}
	return ""
}

// TestNotInteroperableJSON: duplicate keys and strings that are not UTF-8
// fail the schema verdict, each with its path.
func TestNotInteroperableJSON(t *testing.T) {
	doc := []byte("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"version\": 1,\n" +
		" \"components\": [{\"type\": \"library\", \"name\": \"a\", \"name\": \"b\", \"version\": \"1\\u0041\", \"description\": \"caf\xe9\"}],\n" +
		" \"metadata\": {\"timestamp\": \"2024-01-01T00:00:00Z\"}, \"metadata\": {}}")
	r, err := Document(doc, "dup.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"/components/0": "the key \"name\" appears twice", "/components/0/description": "not UTF-8", "/": "the key \"metadata\" appears twice"}
	for path, msg := range want {
		found := false
		for _, f := range r.Schema {
			found = found || f.Path == path && strings.Contains(f.Message, msg)
		}
		if !found {
			t.Errorf("no finding %q at %s in %+v", msg, path, r.Schema)
		}
	}
	if r.SchemaValid() {
		t.Error("schema verdict passes")
	}
}

// TestUnknownVersion: a version pysbom has no schema for is not said to
// conform.
func TestUnknownVersion(t *testing.T) {
	r, err := Document([]byte(`{"bomFormat": "CycloneDX", "specVersion": "9.9", "version": 1}`), "x.json")
	if err != nil || r.KnownVersion() || r.SchemaChecked {
		t.Errorf("%+v %v", r, err)
	}
}

// TestLongEnumNamed: a license ID outside the SPDX list is named as such,
// not followed by the schema's 700 allowed values.
func TestLongEnumNamed(t *testing.T) {
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [{"type": "library", "name": "x", "version": "1", "licenses": [{"license": {"id": "MIT-ish"}}]}]}`
	r, err := Document([]byte(doc), "d.json")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range r.Schema {
		if len(f.Message) > 300 {
			t.Errorf("a %d-byte message: %.100s...", len(f.Message), f.Message)
		}
		found = found || strings.HasPrefix(f.Message, `"MIT-ish" is not an SPDX license ID`)
	}
	if !found {
		t.Errorf("no license finding: %+v", r.Schema)
	}
}

// The report of a document checked in parts equals the report of the
// document checked as one JSON tree: on the CycloneDX specification's
// fixtures, the SPDX examples and CPython's SBOM, and on documents made
// to find the seams (duplicate elements equal only as the schema sees
// them, errors inside elements, references before what they name).
func TestInPartsAsWhole(t *testing.T) {
	docs := map[string][]byte{
		"dup-elements": []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[` +
			`{"type":"library","name":"a","version":"1","hashes":[{"alg":"SHA-1","content":"00"}]},` +
			`{"type":"library","name":"b"},{"version":"1","name":"a","type":"library","hashes":[{"content":"00","alg":"SHA-1"}]},{"type":"library","name":"b"}],` +
			`"dependencies":[{"ref":"x","dependsOn":["y"]},{"ref":"x","dependsOn":["y"]}]}`),
		"deps-first": []byte(`{"dependencies":[{"ref":"app","dependsOn":["c1","nothing"]}],"bomFormat":"CycloneDX","specVersion":"1.5",` +
			`"metadata":{"timestamp":"2026-01-01T00:00:00Z","component":{"type":"application","bom-ref":"app","name":"app"}},` +
			`"components":[{"type":"library","bom-ref":"c1","name":"c","version":"1","purl":"pkg:pypi/c@2","components":[{"type":"file","name":"f","bom-ref":"c1"}]},` +
			`{"type":"bogus","name":3,"bom-ref":"c2"}],"services":[{"bom-ref":"c1","name":"svc"}]}`),
		"numbers":    []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"vulnerabilities":[{"ratings":[{"score":1}]},{"ratings":[{"score":1.0}]}]}`),
		"not-arrays": []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"a":1},"dependencies":null}`),
		"spdx-order": []byte(`{"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"},` +
			`{"spdxElementId":"SPDXRef-f","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-a"},{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-gone"}],` +
			`"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","dataLicense":"CC0-1.0","name":"x","documentNamespace":"https://x.example/x",` +
			`"creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: x"]},"hasExtractedLicensingInfos":[{"licenseId":"LicenseRef-x","extractedText":"x"}],` +
			`"packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1","downloadLocation":"NOASSERTION","hasFiles":["SPDXRef-f","SPDXRef-nofile"],` +
			`"licenseDeclared":"LicenseRef-x OR LicenseRef-y","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:pypi/a@2"}]},` +
			`{"SPDXID":"SPDXRef-a","name":"again","versionInfo":1}],` +
			`"files":[{"SPDXID":"SPDXRef-f","fileName":"./f","checksums":[{"algorithm":"SHA1","checksumValue":"zz"}]}]}`),
	}
	for _, f := range []string{"formats/spdx/SPDXJSONExample-v2.3.spdx.json", "formats/spdx/SPDXJSONExample-v2.2.spdx.json",
		"cpython/cpython-main-2025-05_Misc_sbom.spdx.json"} {
		if data, err := os.ReadFile(filepath.Join(schema.CorpusDir(), f)); err == nil {
			docs[f] = data
		}
	}
	dir := filepath.Join(schema.CorpusDir(), "formats", "cyclonedx", "fixtures")
	files, _ := filepath.Glob(filepath.Join(dir, "1.*", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = data
	}
	compared := 0
	for name, data := range docs {
		parts, ok, perr := inParts(data, name)
		if !ok {
			t.Logf("%s: not taken in parts", name)
			continue
		}
		one, werr := whole(data, name, "JSON")
		if (perr == nil) != (werr == nil) || perr != nil && perr.Error() != werr.Error() {
			t.Errorf("%s: in parts %v; whole %v", name, perr, werr)
			continue
		}
		compared++
		if !reflect.DeepEqual(parts, one) {
			t.Errorf("%s:\nin parts %+v\nwhole    %+v", name, parts, one)
		}
	}
	if compared < 5 {
		t.Errorf("%d documents compared, want the 5 made here at least", compared)
	}
	t.Logf("%d documents compared (%d specification fixtures)", compared, len(files))
}

// A document of many components that all lack a supplier lists the first
// maxListed failures and counts every one.
func TestNTIAListsAtMost(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	n := maxListed + 500
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"library","bom-ref":"c%d","name":"p%d","version":"1","purl":"pkg:pypi/p%d@1"}`, i, i, i)
	}
	b.WriteString("]}")
	r, err := Document([]byte(b.String()), "many.json")
	if err != nil {
		t.Fatal(err)
	}
	last := r.NTIA.Failures[len(r.NTIA.Failures)-1]
	if r.NTIA.Pass || r.NTIA.Missing["supplier"] != n || len(r.NTIA.Failures) != 3+maxListed+1 || !strings.Contains(last.Message, "and 500 more") {
		t.Errorf("missing %v, %d failures, the last %q", r.NTIA.Missing, len(r.NTIA.Failures), last.Message)
	}
}
