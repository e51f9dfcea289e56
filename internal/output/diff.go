package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/pysbom/pysbom/internal/diff"
	"github.com/pysbom/pysbom/internal/display"
)

// Diff is what pysbom diff writes: what changed from one SBOM to another.
type Diff struct {
	Old, New string // the documents, as the user named them
	Result   *diff.Result
	// Verbose lists every changed file; the table counts them.
	Verbose bool
}

// Diffs are the formats of a diff.
var Diffs = &Registry[*Diff]{
	Default: "table",
	Formats: []Format[*Diff]{
		{"table", "components added, removed and changed, and edges, for people", func(w io.Writer, d *Diff) error {
			dw := display.NewWriter(w)
			printDiff(dw, d.Old, d.New, d.Result, d.Verbose)
			return dw.Flush()
		}},
		{"json", "the same, every field and file", func(w io.Writer, d *Diff) error { return writeJSON(w, d.Result) }},
		{"markdown", "a summary for a pull-request comment", diffMarkdown},
		{"html", "one self-contained page of the changes", diffHTML},
	},
}

// named is a component's name with the packages that carry it.
func named(c diff.Component) string {
	if len(c.Carrier) == 0 {
		return c.Name
	}
	return c.Name + " (in " + strings.Join(c.Carrier, " in ") + ")"
}

func printDiff(w io.Writer, oldFile, newFile string, r *diff.Result, verbose bool) {
	t := display.Text
	fmt.Fprintf(w, "--- %s\n+++ %s\n", t(oldFile), t(newFile))
	if r.Empty() {
		fmt.Fprintln(w, "\nNo differences.")
		return
	}
	tw := display.NewTable(w)
	if len(r.Added)+len(r.Removed)+len(r.Changed) > 0 {
		fmt.Fprintln(w)
		tw.Row("", "COMPONENT", "OLD", "NEW", "WHAT")
	}
	for _, c := range r.Removed {
		tw.Row("-", named(c), c.Version, "", "removed")
	}
	for _, c := range r.Added {
		tw.Row("+", named(c), "", c.Version, "added")
	}
	for _, c := range r.Changed {
		old := c.OldVersion
		if old == "" {
			old = c.Version
		}
		tw.Row("~", named(c.Component), old, c.Version, changeSummary(c))
	}
	tw.Flush()
	files := 0
	for _, c := range r.Changed {
		for _, f := range c.Fields {
			if f.Field == "version" {
				continue
			}
			fmt.Fprintf(w, "  %s %s: %q -> %q\n", t(named(c.Component)), t(f.Field), clipText(f.Old), clipText(f.New))
		}
		files += len(c.Files)
		if !verbose {
			continue
		}
		for _, f := range c.Files {
			fmt.Fprintf(w, "  %s file %s %s\n", t(named(c.Component)), t(f.Path), f.Change)
		}
	}
	if files > 0 && !verbose {
		fmt.Fprintf(w, "  (-v lists the %s)\n", Count(files, "changed file"))
	}
	if len(r.RelationshipsAdded)+len(r.RelationshipsRemoved) > 0 {
		fmt.Fprintln(w, "\nRELATIONSHIPS")
		for _, rel := range r.RelationshipsRemoved {
			fmt.Fprintf(w, "- %s\n", t(rel))
		}
		for _, rel := range r.RelationshipsAdded {
			fmt.Fprintf(w, "+ %s\n", t(rel))
		}
	}
}

// changeSummary names what changed in a component: its fields, and its
// files counted.
func changeSummary(c diff.Change) string {
	var what []string
	for _, f := range c.Fields {
		what = append(what, f.Field)
	}
	if n := len(c.Files); n > 0 {
		counts := map[string]int{}
		for _, f := range c.Files {
			counts[f.Change]++
		}
		what = append(what, fmt.Sprintf("files: %d changed, %d added, %d removed", counts["changed"], counts["added"], counts["removed"]))
	}
	return strings.Join(what, "; ")
}

func clipText(s string) string {
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return display.Text(s)
}
