package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	f.Add([]byte("SPDXVersion: SPDX-2.3\rSPDXID: SPDXRef-DOCUMENT\rDocumentComment: <text>one\rtwo</text>\r"))
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

// TestTagValueLineEndings: the official example reads the same with LF,
// CRLF and CR-only (old Mac) line endings, multi-line <text> values
// included.
func TestTagValueLineEndings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(schema.CorpusDir(), "formats", "spdx", "SPDXTagExample-v2.3.spdx"))
	if err != nil {
		data = []byte("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\n" +
			"DocumentComment: <text>one\ntwo\n</text>\nPackageName: a\nSPDXID: SPDXRef-a\n")
	}
	lf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	want, err := TagValueToJSON(bytes.NewReader(lf))
	if err != nil {
		t.Fatal(err)
	}
	wantJS, _ := json.Marshal(want)
	for name, in := range map[string][]byte{
		"CRLF": bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n")),
		"CR":   bytes.ReplaceAll(lf, []byte("\n"), []byte("\r")),
	} {
		got, err := TagValueToJSON(bytes.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if js, _ := json.Marshal(got); !bytes.Equal(js, wantJS) {
			t.Errorf("%s line endings read differently", name)
		}
	}
}

// BenchmarkTagValueText reads one <text> value of n lines; bench/linear.sh
// runs it at n and 2n to show the time doubles, no more.
func BenchmarkTagValueText(b *testing.B) {
	for _, n := range []int{160_000, 320_000} {
		doc := "SPDXVersion: SPDX-2.3\nDocumentComment: <text>" + strings.Repeat("a line of the comment\n", n) + "</text>\n"
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := TagValueToJSON(strings.NewReader(doc)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
