package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vulndb"
)

func printScan(out io.Writer, st *vulndb.Status, res *scan.Result, showSuppressed bool) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	fmt.Fprintf(w, "Scanned %s (%d matchable: PyPI, crates, Go modules, known C libraries, Debian packages) against %s: %d records, newest modified %s\n\n",
		Count(res.Components, "component"), res.Scanned, st.Path, st.Records, st.Newest)
	findings := res.Findings
	if !showSuppressed {
		findings = unsuppressed(res.Findings)
	}
	hidden := len(res.Findings) - len(findings)
	if len(findings) == 0 {
		fmt.Fprintln(w, "No known vulnerabilities.")
		if hidden > 0 {
			fmt.Fprintf(w, "%s suppressed by VEX (--show-suppressed lists them).\n", Count(hidden, "finding"))
		}
		printUnscanned(w, res.Unscanned)
		return
	}
	withVEX, withLayer := false, false
	for _, f := range findings {
		withVEX = withVEX || f.VEX != nil
		withLayer = withLayer || f.Layer != nil
	}
	tw := display.NewTable(w)
	head := []any{"PACKAGE", "VERSION", "VULNERABILITY", "SEVERITY", "ADVICE", "ALIASES"}
	if withVEX {
		head = slices.Insert(head, 4, any("VEX"))
	}
	if withLayer {
		head = append(head, "LAYER")
	}
	tw.Row(head...)
	pkgs := map[string]bool{}
	for _, f := range findings {
		pkgs[f.Component] = true
		name := f.Name
		if c := f.Carrier; c != nil {
			name += " (in " + strings.Join(append(slices.Clone(c.Through), strings.TrimSpace(c.Name+" "+c.Version)), " in ") + ")"
		}
		sev := f.Severity
		if f.Score > 0 {
			sev = fmt.Sprintf("%s %.1f", f.Severity, f.Score)
		}
		row := []any{name, f.Version, f.ID, sev, f.Advice, strings.Join(f.Aliases, ", ")}
		if withVEX {
			row = slices.Insert(row, 4, any(vexCell(f)))
		}
		if withLayer {
			row = append(row, layerCell(f.Layer))
		}
		tw.Row(row...)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s in %s.\n", Count(len(findings), "finding"), Count(len(pkgs), "component"))
	if n := (&scan.Result{Findings: findings}).NoSeverity(); n > 0 {
		verb := map[bool]string{true: "has", false: "have"}[n == 1]
		fmt.Fprintf(w, "%d of them %s no severity in any record of the database (UNKNOWN; --fail-on counts them with --fail-on-unknown).\n", n, verb)
	}
	if hidden > 0 {
		fmt.Fprintf(w, "%s suppressed by VEX (--show-suppressed lists them).\n", Count(hidden, "finding"))
	}
	printUnscanned(w, res.Unscanned)
}

// layerCell names a layer by the history line that made it, cut short.
func layerCell(l *scan.Layer) string {
	if l == nil {
		return "-"
	}
	s := l.CreatedBy
	if s == "" {
		s = l.DiffID
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

// printUnscanned lists the components no advisory could match: a table
// without them would read as if they were clean.
func printUnscanned(w io.Writer, us []scan.Unscanned) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s not scanned (no advisory could match %s):\n", Count(len(us), "component"), map[bool]string{true: "it", false: "them"}[len(us) == 1])
	tw := display.NewTable(w)
	listed := 0
	for i, r := range unscannedRows(us) {
		if i == 20 {
			tw.Flush()
			fmt.Fprintf(w, "  ... and %d more (-o json lists all)\n", len(us)-listed)
			return
		}
		tw.Row("  "+r.label, r.reason)
		listed += r.count
	}
	tw.Flush()
}

// unscannedRow is one line of the components not scanned: one component,
// or the count and first names of those a reason many share.
type unscannedRow struct {
	label, reason string
	count         int
}

// groupUnscanned is how many components sharing a reason make one line
// (an image's distro packages with no distro records, CPython's modules).
const groupUnscanned = 5

// unscannedRows are the lines of the components not scanned, in order.
func unscannedRows(us []scan.Unscanned) []unscannedRow {
	byReason := map[string][]string{}
	for _, u := range us {
		byReason[u.Reason] = append(byReason[u.Reason], strings.TrimSpace(u.Name+" "+u.Version))
	}
	var out []unscannedRow
	shown := map[string]bool{}
	for _, u := range us {
		names := byReason[u.Reason]
		switch {
		case len(names) < groupUnscanned:
			out = append(out, unscannedRow{strings.TrimSpace(u.Name + " " + u.Version), u.Reason, 1})
		case !shown[u.Reason]:
			shown[u.Reason] = true
			out = append(out, unscannedRow{fmt.Sprintf("%s (%s, ...)", Count(len(names), "component"), strings.Join(names[:3], ", ")), u.Reason, len(names)})
		}
	}
	return out
}

func explainFindings(out io.Writer, res *scan.Result, id string) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	t := display.Text
	n := 0
	for _, f := range res.Findings {
		hit := f.ID == id
		for _, a := range f.Aliases {
			hit = hit || a == id
		}
		if !hit {
			continue
		}
		n++
		r := f.Record()
		fmt.Fprintf(w, "%s %s (%s)\n  record:   %s (modified %s)\n  aliases:  %s\n  summary:  %s\n  matched:  %s\n  verdict:  %s %s is affected; %s\n",
			t(f.Name), t(f.Version), t(f.Component), t(r.ID), t(r.Modified), t(strings.Join(f.Aliases, ", ")), t(f.Summary), t(f.How), t(f.Name), t(f.Version), t(f.Advice))
		if f.Vector != "" {
			fmt.Fprintf(w, "  severity: %s %.1f from %s\n", f.Severity, f.Score, t(f.Vector))
		}
		for _, d := range f.Diagnostics {
			fmt.Fprintf(w, "  note:     %s\n", t(d))
		}
		if v := f.VEX; v != nil {
			fmt.Fprintf(w, "  vex:      %s from %s (suppressed: %v)\n", t(vexCell(f)), t(v.Source), v.Suppressed)
			if v.ImpactStatement != "" {
				fmt.Fprintf(w, "  impact:   %s\n", t(v.ImpactStatement))
			}
		}
	}
	if n == 0 {
		fmt.Fprintf(w, "No finding of %s in this scan.\n", t(id))
	}
}

// vexCell is the VEX column of a finding: the status and justification,
// marked when the finding is suppressed.
func vexCell(f *scan.Finding) string {
	if f.VEX == nil {
		return "-"
	}
	c := f.VEX.Status
	if f.VEX.Justification != "" {
		c += " (" + f.VEX.Justification + ")"
	}
	if f.VEX.Suppressed {
		c += " [suppressed]"
	}
	return c
}

// Count says "1 finding", "2 findings", "2 binaries".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if stem, ok := strings.CutSuffix(noun, "y"); ok && !strings.HasSuffix(stem, "a") && !strings.HasSuffix(stem, "e") && !strings.HasSuffix(stem, "o") {
		return fmt.Sprintf("%d %sies", n, stem)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// unsuppressed returns the findings VEX does not suppress.
func unsuppressed(fs []*scan.Finding) []*scan.Finding {
	var out []*scan.Finding
	for _, f := range fs {
		if !f.Suppressed() {
			out = append(out, f)
		}
	}
	return out
}
