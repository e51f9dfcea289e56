package sbom_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
)

// Contains finds a marker wherever it sits, across the pieces it reads.
func TestContains(t *testing.T) {
	marker := []byte(`"bomFormat"`)
	for _, at := range []int{-1, 0, 1<<20 - 5, 1 << 20, 2<<20 - 1, 3 << 20} {
		data := bytes.Repeat([]byte{' '}, 3<<20)
		if at >= 0 {
			data = append(data[:at], append(marker, data[at:]...)...)
		}
		found, err := sbom.Contains(bytes.NewReader(data), 0, marker)
		if err != nil || found != (at >= 0) {
			t.Errorf("marker at %d: found %v, %v", at, found, err)
		}
	}
}

// DecodeFile reads what Decode reads, from the file; a CycloneDX
// document is decoded as it is read and held to the limit all the same.
func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	cdx := `{"components":[{"bom-ref":"a","name":"a","version":"1","purl":"pkg:pypi/a@1"}],` +
		`"dependencies":[{"ref":"root","dependsOn":["a"]}],"bomFormat":"CycloneDX","specVersion":"1.6",` +
		`"metadata":{"component":{"bom-ref":"root","name":"root"}}}`
	spdxDoc := `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1"}],` +
		`"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"}]}`
	tv := "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nPackageVersion: 1\n"
	for name, doc := range map[string]string{"cdx": cdx, "spdx": spdxDoc, "tv": tv} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		got, gotFormat, err := sbom.DecodeFile(f, 1<<20)
		f.Close()
		want, wantFormat, werr := sbom.Decode([]byte(doc))
		if err != nil || werr != nil || gotFormat != wantFormat || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodeFile %s %+v, %v; Decode %s %+v, %v", name, gotFormat, got, err, wantFormat, want, werr)
		}
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(`{"bomFormat":"CycloneDX","components":[`+strings.Repeat(`{"name":"x"},`, 1000)+`{"name":"x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(big)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := sbom.DecodeFile(f, 4096); !errors.Is(err, cyclonedx.ErrTooLarge) {
		t.Errorf("a document over the limit: %v", err)
	}
	if _, _, err := sbom.DecodeFile(bytes.NewReader([]byte("name==1.0\n")), 1<<20); !errors.Is(err, sbom.ErrUnknownFormat) {
		t.Errorf("a requirements file: %v", err)
	}
}
