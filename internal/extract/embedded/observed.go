package embedded

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/inventory"
)

// nativeTypes are the purl types of native components that binaries can show.
var nativeTypes = []string{"generic", "cargo", "golang"}

// observe adds what the distribution's native binaries show, and compares
// it with what the distribution's own documents declare: agreement merges
// into one component; a version the bytes contradict, a component the
// documents leave out, and one the bytes do not show are problems.
func (m *merger) observe(site fs.FS, onELF binaries.Seen) {
	declared := map[string][]*inventory.Package{} // type/name -> declared components
	documented := false
	for _, p := range m.res.Packages {
		documented = true
		k := key(p)
		typ, _, _ := strings.Cut(k, "/")
		if slices.Contains(nativeTypes, typ) {
			name, _, _ := strings.Cut(k, "@")
			declared[name] = append(declared[name], p)
		}
	}
	obs := binaries.Observe(site, m.owner, onELF)
	m.res.Problems = append(m.res.Problems, obs.Problems...)
	m.res.Links = obs.Links
	seen := map[string]bool{}
	for _, c := range obs.Doc.Packages {
		k := key(c)
		name, version, _ := strings.Cut(k, "@")
		seen[name] = true
		decl := declared[name]
		switch {
		case len(decl) == 0:
			if documented {
				m.problem(inventory.NativeUndeclared, evidenceFile(c), "the binaries show %s %s, which the package's own SBOM does not declare",
					c.Name, orUnknown(c.Version))
			}
		case version == "" || slices.ContainsFunc(decl, func(d *inventory.Package) bool { return d.Version == version }):
			// agreement: the merge below records the evidence on the declared component
			if version == "" {
				c.Version, c.PURL = decl[0].Version, decl[0].PURL
			}
		default:
			m.problem(inventory.NativeConflict, evidenceFile(c), "the package's own SBOM declares %s %s, but the binaries show %s",
				c.Name, decl[0].Version, c.Version)
		}
	}
	if obs.Binaries > 0 {
		var crates []string
		names := make([]string, 0, len(declared))
		for name := range declared {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			decl := declared[name]
			if seen[name] {
				continue
			}
			for _, d := range decl {
				if strings.HasPrefix(name, "cargo/") {
					if obs.RustPaths {
						crates = append(crates, d.Name+" "+d.Version)
					}
					continue
				}
				m.problem(inventory.NativeUnobserved, "", "the package's own SBOM declares %s %s, which its binaries do not show", d.Name, orUnknown(d.Version))
			}
		}
		if len(crates) > 0 {
			slices.Sort(crates)
			m.problem(inventory.NativeUnobserved, "", "%d declared crates leave no path in the binaries (build-time crates, or code without panics): %s",
				len(crates), strings.Join(crates, ", "))
		}
	}
	m.merge(obs.Doc, "native binaries", binaries.FoundBy)
}

func evidenceFile(c *inventory.Package) string {
	for _, p := range c.Properties {
		if p.Name == binaries.PropEvidence {
			f, _, _ := strings.Cut(p.Value, ":")
			f, _, _ = strings.Cut(f, " ")
			return f
		}
	}
	return ""
}

func orUnknown(v string) string {
	if v == "" {
		return "(version unknown)"
	}
	return v
}
