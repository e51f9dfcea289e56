// Package sbom reads SBOM documents of any format pysbom understands into
// the inventory model; the format packages below it (spdx, cyclonedx)
// do the work.
package sbom

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
)

// ErrUnknownFormat is returned for documents that are neither CycloneDX
// nor SPDX JSON.
var ErrUnknownFormat = errors.New("not CycloneDX or SPDX JSON")

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
	return nil, "", ErrUnknownFormat
}
