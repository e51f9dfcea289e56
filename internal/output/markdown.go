package output

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/scan"
)

// MaxMarkdownRows bounds each table of a Markdown report: a pull-request
// comment stays readable, and the rest is counted ("and 12 more").
const MaxMarkdownRows = 100

// md is one Markdown table cell or line of text.
func md(s string) string { return display.Markdown(s) }

// mdTable writes a GitHub-flavoured table of at most MaxMarkdownRows rows,
// then how many more there are and where to see them.
func mdTable(w io.Writer, head []string, rows [][]string, more string) {
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for i, r := range rows {
		if i == MaxMarkdownRows {
			fmt.Fprintf(w, "\n_and %d more (%s)_\n", len(rows)-MaxMarkdownRows, more)
			return
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}

// osvLink links a vulnerability ID to its osv.dev page.
func osvLink(id string) string {
	return fmt.Sprintf("[%s](https://osv.dev/vulnerability/%s)", md(id), url.PathEscape(id))
}

func scanMarkdown(w io.Writer, s *Scan) error {
	res := s.Result
	findings := res.Findings
	if !s.ShowSuppressed {
		findings = unsuppressed(res.Findings)
	}
	pkgs := map[string]bool{}
	for _, f := range findings {
		pkgs[f.Component] = true
	}
	if len(findings) == 0 {
		fmt.Fprintf(w, "## pysbom scan: no known vulnerabilities\n\n")
	} else {
		fmt.Fprintf(w, "## pysbom scan: %s in %s\n\n", Count(len(findings), "finding"), Count(len(pkgs), "component"))
	}
	newest := s.DB.Newest
	if len(newest) > 10 {
		newest = newest[:10]
	}
	fmt.Fprintf(w, "Scanned %s (%d matchable) of `%s` against %s, newest advisory %s.\n\n",
		Count(res.Components, "component"), res.Scanned, md(s.Target), Count(s.DB.Records, "record"), md(newest))
	withVEX, withLayer := false, false
	for _, f := range findings {
		withVEX = withVEX || f.VEX != nil
		withLayer = withLayer || f.Layer != nil
	}
	if len(findings) > 0 {
		var rows [][]string
		for _, f := range findings {
			name := f.Name
			if c := f.Carrier; c != nil {
				name += " (in " + strings.Join(append(append([]string{}, c.Through...), strings.TrimSpace(c.Name+" "+c.Version)), " in ") + ")"
			}
			sev := f.Severity
			if f.Score > 0 {
				sev = fmt.Sprintf("%s %.1f", f.Severity, f.Score)
			}
			row := []string{md(sev), md(name), md(f.Version), osvLink(f.ID), md(f.Advice)}
			if withVEX {
				row = append(row, md(vexCell(f)))
			}
			if withLayer {
				row = append(row, md(layerCell(f.Layer)))
			}
			rows = append(rows, row)
		}
		head := []string{"Severity", "Package", "Version", "Vulnerability", "Advice"}
		if withVEX {
			head = append(head, "VEX")
		}
		if withLayer {
			head = append(head, "Layer")
		}
		mdTable(w, head, rows, "pysbom scan -o json lists all")
		fmt.Fprintln(w)
	}
	if n := len(res.Findings) - len(findings); n > 0 {
		fmt.Fprintf(w, "%s suppressed by VEX.\n\n", Count(n, "finding"))
	}
	if n := (&scan.Result{Findings: findings}).NoSeverity(); n > 0 {
		fmt.Fprintf(w, "%s without a severity in any record of the database.\n\n", Count(n, "finding"))
	}
	if len(res.Unscanned) > 0 {
		fmt.Fprintf(w, "<details><summary>%s not scanned</summary>\n\n", Count(len(res.Unscanned), "component"))
		var rows [][]string
		for _, r := range unscannedRows(res.Unscanned) {
			rows = append(rows, []string{md(r.label), md(r.reason)})
		}
		mdTable(w, []string{"Component", "Why"}, rows, "pysbom scan -o json lists all")
		fmt.Fprint(w, "\n</details>\n\n")
	}
	if len(res.VEXNotApplied) > 0 {
		fmt.Fprintf(w, "<details><summary>%s not applied</summary>\n\n", Count(len(res.VEXNotApplied), "VEX statement"))
		var rows [][]string
		for _, n := range res.VEXNotApplied {
			rows = append(rows, []string{md(n.Vulnerability), md(n.Status), md(strings.Join(n.Products, ", ")), md(n.Reason), md(n.Source)})
		}
		mdTable(w, []string{"Vulnerability", "Status", "Products", "Why", "Source"}, rows, "pysbom scan -o json lists all")
		fmt.Fprint(w, "\n</details>\n\n")
	}
	_, err := fmt.Fprintf(w, "<sub>%s</sub>\n", md(s.Tool.String()))
	return err
}

func diffMarkdown(w io.Writer, d *Diff) error {
	r := d.Result
	fmt.Fprintf(w, "## pysbom diff: `%s` → `%s`\n\n", md(d.Old), md(d.New))
	if r.Empty() {
		_, err := fmt.Fprintln(w, "No differences.")
		return err
	}
	fmt.Fprintf(w, "%d added, %d removed, %d changed; %d edges added, %d removed.\n\n",
		len(r.Added), len(r.Removed), len(r.Changed), len(r.RelationshipsAdded), len(r.RelationshipsRemoved))
	var rows [][]string
	for _, c := range r.Removed {
		rows = append(rows, []string{"removed", md(named(c)), md(c.Version), "", ""})
	}
	for _, c := range r.Added {
		rows = append(rows, []string{"added", md(named(c)), "", md(c.Version), ""})
	}
	for _, c := range r.Changed {
		old := c.OldVersion
		if old == "" {
			old = c.Version
		}
		rows = append(rows, []string{"changed", md(named(c.Component)), md(old), md(c.Version), md(changeSummary(c))})
	}
	if len(rows) > 0 {
		mdTable(w, []string{"", "Component", "Old", "New", "What"}, rows, "pysbom diff -o json lists all")
		fmt.Fprintln(w)
	}
	if len(r.RelationshipsAdded)+len(r.RelationshipsRemoved) > 0 {
		fmt.Fprint(w, "<details><summary>Edges</summary>\n\n")
		var rows [][]string
		for _, e := range r.RelationshipsRemoved {
			rows = append(rows, []string{"removed", md(e)})
		}
		for _, e := range r.RelationshipsAdded {
			rows = append(rows, []string{"added", md(e)})
		}
		mdTable(w, []string{"", "Edge"}, rows, "pysbom diff -o json lists all")
		fmt.Fprint(w, "\n</details>\n")
	}
	return nil
}
