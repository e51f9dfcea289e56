package spdx_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestRoundTrip decodes what Encode wrote: packages, files and
// relationships come back.
func TestRoundTrip(t *testing.T) {
	inv := sbomtest.FixtureInventory(t)
	var buf bytes.Buffer
	if err := spdx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	back, err := spdx.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Root == nil || back.Root.Name != inv.Root.Name || len(back.Packages) != len(inv.Packages) {
		t.Fatalf("root %+v, %d packages, want %d", back.Root, len(back.Packages), len(inv.Packages))
	}
	byPURL := map[string]*inventory.Package{}
	for _, p := range back.Packages {
		byPURL[p.PURL] = p
	}
	for _, p := range inv.Packages {
		q := byPURL[p.PURL]
		if q == nil {
			t.Errorf("%s lost", p.PURL)
			continue
		}
		if q.Name != p.Name || q.Version != p.Version || q.Supplier != p.Supplier || len(q.Files) != len(p.Files) {
			t.Errorf("%s: got %s %s %+v %d files; want %s %s %+v %d files", p.PURL, q.Name, q.Version, q.Supplier, len(q.Files), p.Name, p.Version, p.Supplier, len(p.Files))
		}
		for i := range p.Files {
			if q.Files[i].Hash(inventory.SHA256) != p.Files[i].Hash(inventory.SHA256) {
				t.Errorf("%s: file %s hash lost", p.PURL, p.Files[i].Path)
			}
		}
	}
	deps := 0
	for _, r := range back.Relationships {
		if r.Type == inventory.DependsOn {
			deps++
		}
	}
	want := 0
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn {
			want++
		}
	}
	if deps != want {
		t.Errorf("%d DEPENDS_ON relationships, want %d", deps, want)
	}
}

// TestOfficialExamples decodes the SPDX specification's own examples.
func TestOfficialExamples(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "formats", "spdx")
	files, _ := filepath.Glob(filepath.Join(dir, "SPDXJSONExample-*.spdx.json"))
	if len(files) == 0 {
		t.Skip("SPDX examples not present in ../shared/corpus/formats/spdx")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := spdx.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if inv.Root == nil || len(inv.Packages) == 0 {
			t.Errorf("%s: root %v, %d packages", filepath.Base(f), inv.Root, len(inv.Packages))
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{"", "not json", `{"spdxVersion": "SPDX-3.0"}`, `{"bomFormat": "CycloneDX"}`,
		`{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "a"}, {"SPDXID": "a"}]}`} {
		if _, err := spdx.Decode(strings.NewReader(in)); err == nil {
			t.Errorf("Decode(%q): no error", in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/a@1"}]}],"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.2","files":[{"SPDXID":"f","fileName":"./x"}],"packages":[{"SPDXID":"p","hasFiles":["f","f"]}]}`))
	f.Add([]byte(`{"RELATIONSHIPS":[{"spdxElementId":"b","relationshipType":"CONTAINED_BY","relatedSpdxElement":"a"}],"spdxversion":"SPDX-2.3",` +
		`"packages":[{"SPDXID":"x"}],"packages":[null,{"SPDXID":"a"},{"SPDXID":"b","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/b@1"}]}]} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := spdx.Decode(bytes.NewReader(data))
		if (inv == nil) == (err == nil) {
			t.Fatalf("inventory %v with error %v", inv, err)
		}
	})
}

func TestDecodeNullPackage(t *testing.T) {
	inv, err := spdx.Decode(strings.NewReader(`{"spdxVersion":"SPDX-2.3","packages":[null,{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1"}],"documentDescribes":["SPDXRef-a"]}`))
	if err != nil || inv.Root == nil || inv.Root.Name != "a" {
		t.Fatalf("%+v, %v", inv, err)
	}
}

// The document is read as json.Unmarshal would read it: keys in any
// case, a key given twice keeping its last value, nothing after the
// document, a truncated one said so; and it is read no further than the
// limit.
func TestDecodeAsUnmarshal(t *testing.T) {
	doc := `{"SPDXVERSION":"SPDX-2.3","spdxid":"SPDXRef-DOCUMENT",` +
		`"packages":[{"SPDXID":"SPDXRef-old","name":"old"}],` +
		`"Packages":[{"SPDXID":"SPDXRef-a","name":"a","hasFiles":["SPDXRef-f"]},null,{"SPDXID":"SPDXRef-b","name":"b"}],` +
		`"files":[{"SPDXID":"SPDXRef-f","fileName":"./a/f.py"}],` +
		`"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"},` +
		`{"spdxElementId":"SPDXRef-b","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-a"}]}` + "\n"
	inv, err := spdx.Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Root == nil || inv.Root.Name != "a" || len(inv.Root.Files) != 1 || inv.Root.Files[0].Path != "a/f.py" ||
		len(inv.Packages) != 1 || inv.Packages[0].Name != "b" ||
		len(inv.Relationships) != 1 || inv.Relationships[0] != (inventory.Relationship{From: "SPDXRef-a", Type: inventory.DependsOn, To: "SPDXRef-b"}) {
		t.Errorf("root %+v, packages %+v, relationships %+v", inv.Root, inv.Packages, inv.Relationships)
	}
	for in, want := range map[string]string{
		doc[:len(doc)/2]: "unexpected end of JSON input",
		doc + "{}":       "invalid character after top-level value",
		`{"spdxVersion":"SPDX-2.3","packages":{}}`:                 "expected an array",
		`{"spdxVersion":"SPDX-3.0"}`:                               "not an SPDX 2.x document",
		`{"spdxVersion":"SPDX-2.3","packages":[{"name":"no-id"}]}`: "missing or duplicate SPDXID",
	} {
		if _, err := spdx.Decode(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60q: %v, want %q", in, err, want)
		}
	}
	if _, err := spdx.DecodeLimited(strings.NewReader(doc), 64); !errors.Is(err, spdx.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}
