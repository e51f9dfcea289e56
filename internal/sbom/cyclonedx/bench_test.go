package cyclonedx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDecode10k decodes a CycloneDX document of 10,000 components,
// the size of the scan benchmark's input.
func BenchmarkDecode10k(b *testing.B) {
	var doc strings.Builder
	doc.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"type":"application","bom-ref":"app","name":"app","version":"1"}},"components":[`)
	for i := range 10000 {
		if i > 0 {
			doc.WriteString(",")
		}
		v := fmt.Sprintf("%d.%d.%d", i%5, i%13, i%3)
		fmt.Fprintf(&doc, `{"type":"library","bom-ref":"c%d","name":"pkg-%d","version":"%s","purl":"pkg:pypi/pkg-%d@%s"}`, i, i, v, i, v)
	}
	doc.WriteString("]}")
	data := []byte(doc.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		inv, err := Decode(bytes.NewReader(data))
		if err != nil || len(inv.Packages) != 10000 {
			b.Fatal(err)
		}
	}
}
