// Package table writes an inventory as tables for people: one row per
// component (name, version, type, kind, location, license, files,
// dependencies, problems), what a package carries indented under it,
// followed by every problem found.
package table

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/inventory"
)

// Encode writes the tables. Every name, version and message is made safe
// for a terminal (package display).
func Encode(out io.Writer, inv *inventory.Inventory) error {
	dw := display.NewWriter(out)
	defer dw.Flush()
	var w io.Writer = dw
	deps := map[string]int{}
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn {
			deps[r.From]++
		}
	}
	probs := map[string]int{}
	for _, p := range inv.Problems {
		probs[p.Package]++
	}
	fmt.Fprintf(w, "%s\n\n", display.Text(inv.Root.Name+" "+inv.Root.Version+": "+inv.Root.More().Summary))
	tw := display.NewTable(w)
	head := []any{"NAME", "VERSION", "TYPE", "KIND", "LOCATION", "LICENSE", "FILES", "DEPENDS ON", "PROBLEMS"}
	image := inv.Root.Kind == inventory.KindImage
	if image {
		head = append(head, "ADDED BY LAYER")
	}
	tw.Row(head...)
	// Distributions first, then the interpreter, then system packages;
	// what a package carries right under it, indented.
	rank := map[inventory.Kind]int{inventory.KindDistribution: 0, inventory.KindInterpreter: 1, inventory.KindOSPackage: 2}
	n := inv.Nesting()
	top := slices.Clone(n.Top)
	slices.SortStableFunc(top, func(a, b int) int { return rank[inv.Packages[a].Kind] - rank[inv.Packages[b].Kind] })
	var row func(i, depth int)
	row = func(i, depth int) {
		p := inv.Packages[i]
		lic := p.More().License.Expression
		if lic == "" && p.More().License.Declared != "" {
			lic = "(" + clip(firstLine(p.More().License.Declared), 30) + ")"
		}
		cells := []any{strings.Repeat("  ", depth) + p.Name, dash(p.Version), dash(purlType(p.PURL)), p.Kind, dash(clipLeft(location(p), 48)),
			dash(lic), len(p.Files), deps[p.ID], probs[p.ID]}
		if image {
			cells = append(cells, dash(clip(addedBy(p), 60)))
		}
		tw.Row(cells...)
		for _, c := range n.Children[i] {
			row(c, depth+1)
		}
	}
	for _, i := range top {
		row(i, 0)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(inv.Problems) == 0 {
		_, err := fmt.Fprintln(w, "\nNo problems found.")
		return err
	}
	fmt.Fprintf(w, "\nPROBLEMS (%d)\n", len(inv.Problems))
	tw = display.NewTable(w)
	tw.Row("COMPONENT", "KIND", "PATH", "MESSAGE")
	for _, p := range inv.Problems {
		comp := p.Package
		if comp == "" {
			comp = "-"
		}
		path := p.Path
		if path == "" {
			path = "-"
		}
		tw.Row(comp, p.Kind, path, p.Message)
	}
	return tw.Flush()
}

// purlType is the ecosystem a package URL names: pypi, cargo, golang,
// deb, generic.
func purlType(purl string) string {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return ""
	}
	t, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(t)
}

// location is where a package was found: the site directory of an
// installed distribution, the wheel a bundled one came in, the vendored
// folder or carried SBOM a carried one was read from, the file of a
// shared library, the executable of an interpreter, else the folder of
// its first file.
func location(p *inventory.Package) string {
	if p.Python != nil && p.Python.Location != "" {
		return p.Python.Location
	}
	for _, name := range []string{inventory.PropWheelFile, inventory.PropSource, inventory.PropNativeFile, inventory.PropInterpreterPath} {
		for _, pr := range p.Properties {
			if pr.Name == name && pr.Value != "" {
				return pr.Value
			}
		}
	}
	if len(p.Files) > 0 {
		if i := strings.LastIndexByte(p.Files[0].Path, '/'); i > 0 {
			return p.Files[0].Path[:i]
		}
		return p.Files[0].Path
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clipLeft keeps the end of a long path, where its telling part is.
func clipLeft(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-(n-3):]
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// addedBy names the image layer that added p: its history line, else its
// diff ID; "" outside an image.
func addedBy(p *inventory.Package) string {
	if by := p.Prop(inventory.PropLayerAddedBy); by != "" {
		return strings.Join(strings.Fields(by), " ")
	}
	return p.Prop(inventory.PropLayerAdded)
}
