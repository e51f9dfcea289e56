package output

import (
	"io"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/invjson"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/sbom/table"
)

// SBOM is what pysbom sbom writes: the inventory of a target.
type SBOM struct {
	Inventory *inventory.Inventory
	Created   time.Time
	Tool      Tool
}

// SBOMs are the formats of an SBOM.
var SBOMs = &Registry[*SBOM]{
	Default: "spdx-json",
	Formats: []Format[*SBOM]{
		{"spdx-json", "SPDX 2.3 JSON", func(w io.Writer, s *SBOM) error {
			return spdx.Encode(w, s.Inventory, spdx.Options{Created: s.Created, Tool: s.Tool.Name + "-" + s.Tool.Version})
		}},
		{"spdx-tag-value", "SPDX 2.3 tag-value", func(w io.Writer, s *SBOM) error {
			return spdx.EncodeTagValue(w, s.Inventory, spdx.Options{Created: s.Created, Tool: s.Tool.Name + "-" + s.Tool.Version})
		}},
		{"cyclonedx-json", "CycloneDX 1.6 JSON", func(w io.Writer, s *SBOM) error {
			return cyclonedx.Encode(w, s.Inventory, cyclonedx.Options{Created: s.Created, ToolName: s.Tool.Name, ToolVersion: s.Tool.Version})
		}},
		{"table", "components and problems, for people", func(w io.Writer, s *SBOM) error { return table.Encode(w, s.Inventory) }},
		{"json", "pysbom's inventory JSON (docs/inventory-json.md)", func(w io.Writer, s *SBOM) error {
			return invjson.Encode(w, s.Inventory, s.Created, s.Tool.Name+"-"+s.Tool.Version)
		}},
	},
	Aliases: map[string]string{"cyclonedx": "cyclonedx-json", "spdx": "spdx-json"},
}
