package output

import (
	"fmt"
	"io"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
)

// Conversion is what pysbom convert writes: the document in another
// format, and what it could not carry.
type Conversion struct {
	SBOM   *SBOM
	Losses []sbom.Loss
	// CycloneDX is the CycloneDX version to write: "1.4", "1.5" or "1.6"
	// (the default).
	CycloneDX string
}

var cdxVersions = map[string]cdx.SpecVersion{"1.4": cdx.SpecVersion1_4, "1.5": cdx.SpecVersion1_5, "1.6": cdx.SpecVersion1_6}

// Conversions are the formats of a conversion: the SBOM formats, and json,
// the report of what could not be carried.
var Conversions = &Registry[*Conversion]{
	Formats: []Format[*Conversion]{
		{"spdx-json", "SPDX 2.3 JSON", func(w io.Writer, c *Conversion) error { return SBOMs.Write(w, "spdx-json", c.SBOM) }},
		{"spdx-tag-value", "SPDX 2.3 tag-value", func(w io.Writer, c *Conversion) error { return SBOMs.Write(w, "spdx-tag-value", c.SBOM) }},
		{"cyclonedx-json", "CycloneDX JSON, 1.6 or the --spec-version given", func(w io.Writer, c *Conversion) error {
			if c.CycloneDX == "" || c.CycloneDX == "1.6" {
				return SBOMs.Write(w, "cyclonedx-json", c.SBOM)
			}
			v, ok := cdxVersions[c.CycloneDX]
			if !ok {
				return fmt.Errorf("CycloneDX %s: want 1.4, 1.5 or 1.6", c.CycloneDX)
			}
			bom, err := cyclonedx.Build(c.SBOM.Inventory, cyclonedx.Options{Created: c.SBOM.Created, ToolName: c.SBOM.Tool.Name, ToolVersion: c.SBOM.Tool.Version})
			if err != nil {
				return err
			}
			enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
			enc.SetPretty(true)
			enc.SetEscapeHTML(false)
			return enc.EncodeVersion(bom, v)
		}},
		{"json", "what could not be carried, field by field", func(w io.Writer, c *Conversion) error {
			losses := c.Losses
			if losses == nil {
				losses = []sbom.Loss{}
			}
			return writeJSON(w, struct {
				NotCarried []sbom.Loss `json:"notCarried"`
			}{losses})
		}},
	},
	Aliases: map[string]string{"cyclonedx": "cyclonedx-json", "spdx": "spdx-json"},
}
