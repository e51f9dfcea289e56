// Package rustdeps reads the Rust crates compiled into a binary:
//
//   - the cargo-auditable section .dep-v0, zlib-compressed JSON listing
//     every crate with its version, source and dependencies (cargo-auditable
//     PARSING.md), and
//   - failing that, the Cargo registry paths that panic messages and debug
//     strings leave in read-only data:
//     .cargo/registry/src/<index>-<hash>/<crate>-<version>/src/...
//
// # Security
//
// The section comes from untrusted binaries: its decompressed size is
// capped at [MaxAudit] bytes, and a document without exactly one root or
// with a dependency index out of range is refused.
package rustdeps

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// MaxAudit caps the decompressed .dep-v0 JSON (the cargo-auditable spec
// suggests 8 MiB).
const MaxAudit = 8 << 20

// Crate is one crate found in a binary.
type Crate struct {
	Name    string
	Version string
	Source  string // "crates.io", "git", "local", "registry", ... ("" from paths: unknown)
	Build   bool   // a build-time dependency (kind "build"), not in the code
	Root    bool
}

// PURL is the crate's package URL.
func (c Crate) PURL() string { return "pkg:cargo/" + c.Name + "@" + c.Version }

type auditDoc struct {
	Format   int `json:"format"`
	Packages []struct {
		Name         string `json:"name"`
		Version      string `json:"version"`
		Source       string `json:"source"`
		Kind         string `json:"kind"`
		Root         bool   `json:"root"`
		Dependencies []int  `json:"dependencies"`
	} `json:"packages"`
}

// ErrAudit is wrapped by the errors of [ParseAudit].
var ErrAudit = errors.New("malformed cargo-auditable data")

// ParseAudit decodes the content of a .dep-v0 section.
func ParseAudit(section []byte) ([]Crate, error) {
	zr, err := zlib.NewReader(bytes.NewReader(section))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAudit, err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, MaxAudit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAudit, err)
	}
	if len(data) > MaxAudit {
		return nil, fmt.Errorf("%w: over %d bytes decompressed", ErrAudit, MaxAudit)
	}
	var doc auditDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAudit, err)
	}
	roots := 0
	var out []Crate
	for i, p := range doc.Packages {
		if p.Root {
			roots++
		}
		for _, d := range p.Dependencies {
			if d < 0 || d >= len(doc.Packages) || d == i {
				return nil, fmt.Errorf("%w: package %d depends on index %d", ErrAudit, i, d)
			}
		}
		if p.Name == "" || p.Version == "" {
			return nil, fmt.Errorf("%w: package %d has no name or version", ErrAudit, i)
		}
		out = append(out, Crate{Name: p.Name, Version: p.Version, Source: p.Source, Build: p.Kind == "build", Root: p.Root})
	}
	if roots != 1 {
		return nil, fmt.Errorf("%w: %d root packages, want 1", ErrAudit, roots)
	}
	return out, nil
}

// registryRE matches a crate folder under a Cargo registry source tree.
var registryRE = regexp.MustCompile(`\.cargo/registry/src/[^/\n]+/([A-Za-z0-9_-]+?)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/`)

// FromPaths returns the crates whose registry source paths appear in
// strs, sorted by name and version.
func FromPaths(strs []byte) []Crate {
	seen := map[Crate]bool{}
	var out []Crate
	for _, m := range registryRE.FindAllSubmatch(strs, -1) {
		c := Crate{Name: string(m[1]), Version: string(m[2]), Source: "registry"}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Crate) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	return out
}
