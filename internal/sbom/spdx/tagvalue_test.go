package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestTagValueExample converts the official tag-value example and checks
// it against the JSON schema and the official JSON example of the same
// document.
func TestTagValueExample(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "formats", "spdx")
	data, err := os.ReadFile(filepath.Join(dir, "SPDXTagExample-v2.3.spdx"))
	if err != nil {
		t.Skip("SPDX tag-value example not present")
	}
	if !IsTagValue(data) {
		t.Fatal("not recognised as tag-value")
	}
	doc, err := TagValueToJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(doc)
	schema.Validate(t, schema.SPDX23, js)
	inv, err := Decode(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	jsonData, _ := os.ReadFile(filepath.Join(dir, "SPDXJSONExample-v2.3.spdx.json"))
	want, err := Decode(bytes.NewReader(jsonData))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Packages) != len(want.Packages) || inv.Root == nil {
		t.Errorf("%d packages (root %v), the JSON example has %d", len(inv.Packages), inv.Root, len(want.Packages))
	}
}

func TestTagValueErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SPDXVersion: SPDX-2.3\nnot a tag line\n", "line 2: expected \"Tag: value\""},
		{"SPDXVersion: SPDX-2.3\nDocumentComment: <text>never closed\n", "line 2: DocumentComment: <text> is not closed"},
		{"SPDXVersion: SPDX-2.3\nPackageVersion: 1\n", "line 2: PackageVersion outside the section"},
		{"SPDXVersion: SPDX-2.3\nFrobnicate: x\n", "line 2: unknown tag Frobnicate"},
		{"DataLicense: CC0-1.0\n", "line 1: no SPDXVersion tag"},
		{"SPDXVersion: SPDX-2.3\nPackageName: a\nPackageChecksum: nohash\n", "line 3: checksum \"nohash\""},
	}
	for _, tt := range tests {
		_, err := TagValueToJSON(strings.NewReader(tt.in))
		var te *TagValueError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzTagValue(f *testing.F) {
	f.Add([]byte("SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nFileName: ./x\nSPDXID: SPDXRef-x\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nAnnotator: Person: x\nSPDXREF: SPDXRef-a\nSnippetSPDXID: s\nSnippetByteRange: 1:2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := TagValueToJSON(bytes.NewReader(data))
		if (doc == nil) == (err == nil) {
			t.Fatalf("document %v with error %v", doc, err)
		}
		if err == nil {
			js, _ := json.Marshal(doc)
			_, _ = Decode(bytes.NewReader(js))
		}
	})
}
