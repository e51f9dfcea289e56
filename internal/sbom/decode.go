// Package sbom reads SBOM documents of any format pysbom understands into
// the inventory model; the format packages below it (spdx, cyclonedx)
// do the work.
package sbom

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
)

// ErrUnknownFormat is what every error about a document that is no SBOM
// pysbom reads wraps; the error itself says what the document is and
// what was expected.
var ErrUnknownFormat = errors.New("not an SBOM")

// Expected names what pysbom reads as an SBOM, for error messages.
const Expected = "SPDX 2.2/2.3 JSON or tag-value, or CycloneDX 1.4-1.6 JSON"

// notSBOM says why data is not an SBOM that pysbom reads.
func notSBOM(data []byte) error {
	head := bytes.TrimLeft(data[:min(len(data), 4096)], " \t\r\n\ufeff")
	var what string
	switch {
	case len(head) == 0:
		what = "the file is empty"
	case head[0] == '<' && bytes.Contains(head, []byte("cyclonedx.org/schema/bom")):
		what = "CycloneDX XML is not read yet; convert it to JSON (cyclonedx convert --output-format json)"
	case head[0] == '<' && bytes.Contains(head, []byte("spdx.org/rdf")):
		what = "SPDX RDF/XML is not read; convert it to JSON or tag-value (pyspdxtools)"
	case head[0] == '<':
		what = "an XML document that is neither CycloneDX nor SPDX"
	case head[0] == '{':
		what = "a JSON document without bomFormat (CycloneDX) or spdxVersion (SPDX) at the top level"
	case head[0] == '[':
		what = "a JSON array; an SBOM is a JSON object"
	default:
		what = "neither JSON nor SPDX tag-value (which starts with SPDXVersion:)"
	}
	return fmt.Errorf("%w: %s; expected %s", ErrUnknownFormat, what, Expected)
}

// LooksStructured reports whether data is a JSON or XML document, which
// pysbom reads only as an SBOM or a Pipfile.lock.
func LooksStructured(data []byte) bool {
	head := bytes.TrimLeft(data[:min(len(data), 4096)], " \t\r\n\ufeff")
	return len(head) > 0 && (head[0] == '{' || head[0] == '[' || head[0] == '<')
}

// Sniff tells CycloneDX JSON ("cyclonedx") from SPDX JSON ("spdx") by
// their marker fields; "" for neither.
func Sniff(data []byte) string {
	switch {
	case bytes.Contains(data, []byte(`"bomFormat"`)):
		return "cyclonedx"
	case bytes.Contains(data, []byte(`"spdxVersion"`)):
		return "spdx"
	}
	return ""
}

// Decode reads a CycloneDX or SPDX JSON document, or an SPDX tag-value one.
func Decode(data []byte) (*inventory.Inventory, string, error) {
	if spdx.IsTagValue(data) {
		doc, err := spdx.TagValueToJSON(bytes.NewReader(data))
		if err != nil {
			return nil, "spdx", err
		}
		js, err := json.Marshal(doc)
		if err != nil {
			return nil, "spdx", err
		}
		inv, err := spdx.DecodeBytes(js)
		return inv, "spdx", err
	}
	switch f := Sniff(data); f {
	case "cyclonedx":
		inv, err := cyclonedx.DecodeBytes(data)
		return inv, f, err
	case "spdx":
		inv, err := spdx.DecodeBytes(data)
		return inv, f, err
	}
	return nil, "", notSBOM(data)
}

// DecodeFile reads the SBOM in r, at most limit bytes of it. A CycloneDX
// or SPDX JSON document is decoded as it is read (see [cyclonedx.Decode]
// and [spdx.Decode]), so that a document of a million components costs
// its inventory and not its bytes as well; a tag-value document, or what
// is no SBOM, is read whole and decoded as Decode does.
func DecodeFile(r io.ReadSeeker, limit int64) (*inventory.Inventory, string, error) {
	head := make([]byte, 4096)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, "", err
	}
	head = head[:n]
	format := ""
	if !spdx.IsTagValue(head) {
		for _, f := range []struct{ name, marker string }{{"cyclonedx", `"bomFormat"`}, {"spdx", `"spdxVersion"`}} {
			found, err := Contains(r, 0, []byte(f.marker))
			if err != nil {
				return nil, "", err
			}
			if found {
				format = f.name
				break
			}
		}
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	switch format {
	case "cyclonedx":
		inv, err := cyclonedx.DecodeLimited(bufio.NewReaderSize(r, 256<<10), limit)
		return inv, format, err
	case "spdx":
		inv, err := spdx.DecodeLimited(bufio.NewReaderSize(r, 256<<10), limit)
		return inv, format, err
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > limit {
		return nil, "", fmt.Errorf("larger than %d MiB", limit>>20)
	}
	return Decode(data)
}

// Contains reports whether what r holds from offset on contains marker,
// reading it a piece at a time.
func Contains(r io.ReadSeeker, offset int64, marker []byte) (bool, error) {
	if _, err := r.Seek(offset, io.SeekStart); err != nil {
		return false, err
	}
	buf := make([]byte, 1<<20)
	kept := 0 // bytes carried over from the last piece: a marker may span two
	for {
		n, err := io.ReadFull(r, buf[kept:])
		if bytes.Contains(buf[:kept+n], marker) {
			return true, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		total := kept + n
		kept = min(len(marker)-1, total)
		copy(buf, buf[total-kept:total])
	}
}
