package output

import (
	"fmt"
	"io"
	"strings"
)

// Version is what pysbom version writes: the release, and what the
// binary was built from.
type Version struct {
	Version  string `json:"version"`            // pysbom's release
	Module   string `json:"module,omitempty"`   // the module version the binary was built as ("(devel)" from a checkout)
	Revision string `json:"revision,omitempty"` // the VCS revision
	Time     string `json:"time,omitempty"`     // the revision's time
	Modified bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	Go       string `json:"go"`                 // the Go toolchain
	Platform string `json:"platform"`           // GOOS/GOARCH
}

// Versions are the formats of the version.
var Versions = &Registry[*Version]{
	Default: "table",
	Formats: []Format[*Version]{
		{"table", "one line", func(w io.Writer, v *Version) error {
			var parts []string
			if v.Module != "" {
				parts = append(parts, "module "+v.Module)
			}
			if v.Revision != "" {
				rev := "revision " + v.Revision
				if v.Modified {
					rev += " (modified)"
				}
				parts = append(parts, rev)
			}
			parts = append(parts, v.Go, v.Platform)
			_, err := fmt.Fprintf(w, "pysbom %s (%s)\n", v.Version, strings.Join(parts, ", "))
			return err
		}},
		{"json", "the same as JSON", func(w io.Writer, v *Version) error { return writeJSON(w, v) }},
	},
}
