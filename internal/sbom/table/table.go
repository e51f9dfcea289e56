// Package table writes an inventory as tables for people: one row per
// component (name, version, license, files, dependencies, problems),
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
	fmt.Fprintf(w, "%s\n\n", display.Text(inv.Root.Name+" "+inv.Root.Version+": "+inv.Root.Summary))
	tw := display.NewTable(w)
	tw.Row("NAME", "VERSION", "KIND", "LICENSE", "FILES", "DEPENDS ON", "PROBLEMS")
	// Distributions first, then the interpreter, then system packages.
	rank := map[inventory.Kind]int{inventory.KindDistribution: 0, inventory.KindInterpreter: 1, inventory.KindOSPackage: 2}
	pkgs := slices.Clone(inv.Packages)
	slices.SortStableFunc(pkgs, func(a, b *inventory.Package) int { return rank[a.Kind] - rank[b.Kind] })
	for _, p := range pkgs {
		lic := p.License.Expression
		if lic == "" && p.License.Declared != "" {
			lic = "(" + clip(firstLine(p.License.Declared), 30) + ")"
		}
		if lic == "" {
			lic = "-"
		}
		tw.Row(p.Name, p.Version, p.Kind, lic, len(p.Files), deps[p.ID], probs[p.ID])
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
