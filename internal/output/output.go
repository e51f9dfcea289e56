// Package output owns how pysbom writes its results. For each kind of
// result (an SBOM's inventory, a scan, an audit, validation reports, a
// diff, VEX statements, the version) a [Registry] names the formats it can
// be written in, each a small function that writes one result to an
// io.Writer. Commands choose formats by name (-o FORMAT[=FILE]) and never
// render anything themselves: adding a format touches this package only.
//
// Format names are the same across commands: table, json, markdown,
// spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-vex, sarif,
// openvex, csaf. Older names (cyclonedx, csaf-vex) are aliases.
package output

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Format is one way to write a result of type R.
type Format[R any] struct {
	Name    string
	Summary string // one line for help and completion
	Write   func(w io.Writer, r R) error
}

// Registry is the formats a kind of result can be written in.
type Registry[R any] struct {
	Default string
	Formats []Format[R]
	// Aliases are older names of formats, kept working.
	Aliases map[string]string
}

// Lookup finds a format by its name or an alias.
func (g *Registry[R]) Lookup(name string) (Format[R], bool) {
	if to, ok := g.Aliases[name]; ok {
		name = to
	}
	i := slices.IndexFunc(g.Formats, func(f Format[R]) bool { return f.Name == name })
	if i < 0 {
		return Format[R]{}, false
	}
	return g.Formats[i], true
}

// Names are the formats' names, in the registry's order.
func (g *Registry[R]) Names() []string {
	out := make([]string, len(g.Formats))
	for i, f := range g.Formats {
		out[i] = f.Name
	}
	return out
}

// Check says whether name is a format of the registry, with what the
// registry has when it is not.
func (g *Registry[R]) Check(name string) error {
	if _, ok := g.Lookup(name); ok {
		return nil
	}
	return fmt.Errorf("unknown format %q; this command writes %s", name, strings.Join(g.Names(), ", "))
}

// Canonical is name with an alias resolved.
func (g *Registry[R]) Canonical(name string) string {
	if to, ok := g.Aliases[name]; ok {
		return to
	}
	return name
}

// Write writes r in the named format.
func (g *Registry[R]) Write(w io.Writer, name string, r R) error {
	f, ok := g.Lookup(name)
	if !ok {
		return g.Check(name)
	}
	return f.Write(w, r)
}

// Help describes the formats for a flag's help text.
func (g *Registry[R]) Help() string {
	var parts []string
	for _, f := range g.Formats {
		s := f.Name
		if f.Name == g.Default {
			s += " (default)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Tool names the program that writes a document.
type Tool struct {
	Name, Version string
}

// String is "pysbom 1.2.3".
func (t Tool) String() string { return t.Name + " " + t.Version }
