package output

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/scan"
)

// maxHTMLRows bounds the rows of one table of a page; the rest are counted.
const maxHTMLRows = 20000

var severities = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"}

func scanHTML(w io.Writer, s *Scan) error {
	p := &htmlPage{Title: "pysbom scan: " + s.Target, Tool: s.Tool.String(),
		Subtitle: fmt.Sprintf("Made %s by %s against %s (%s, newest advisory %s).",
			s.Created.UTC().Format("2006-01-02 15:04 UTC"), s.Tool, s.DB.Path, Count(s.DB.Records, "record"), dateOf(s.DB.Newest)),
		Footer: s.Tool.String() + " · everything on this page is in the file itself; it makes no request."}
	p.Facts, p.Sections = scanParts(s.Result, s.ShowSuppressed)
	return writeHTML(w, p)
}

// scanParts are the facts and sections of a scan: by severity, the
// findings, what was not scanned and the VEX statements not applied.
func scanParts(res *scan.Result, showSuppressed bool) ([]htmlFact, []*htmlSection) {
	bySev := map[string]int{}
	suppressed, vexed := 0, 0
	for _, f := range res.Findings {
		if f.Suppressed() {
			suppressed++
			continue
		}
		if f.VEX != nil {
			vexed++
		}
		bySev[f.Rating().String()]++
	}
	facts := []htmlFact{{"components", strconv.Itoa(res.Components)}, {"matchable", strconv.Itoa(res.Scanned)},
		{"findings", strconv.Itoa(len(res.Findings) - suppressed)}, {"suppressed by VEX", strconv.Itoa(suppressed)},
		{"with a VEX status", strconv.Itoa(vexed)}, {"not scanned", strconv.Itoa(len(res.Unscanned))}}
	var bars []bar
	chartTable := &htmlTable{ID: "severity-data", Caption: "findings by severity", Head: []htmlHead{{Text: "severity"}, {Text: "findings", Num: true}}}
	for _, sev := range severities {
		bars = append(bars, bar{Label: sev, Value: float64(bySev[sev]), Class: sev})
		chartTable.Rows = append(chartTable.Rows, []htmlCell{{Text: sev, Class: "sev-" + sev}, {Text: strconv.Itoa(bySev[sev]), Class: "num"}})
	}
	sections := []*htmlSection{{ID: "severity", Title: "Findings by severity",
		Description: "Findings that VEX does not suppress, by the highest severity any record of the vulnerability gives.",
		Chart:       svgBars("Findings by severity", fmt.Sprintf("%d findings: %s", len(res.Findings)-suppressed, sevSummary(bySev)), bars), ChartTable: chartTable}}
	t := &htmlTable{ID: "findings", Caption: "findings", Sortable: true, Filter: true,
		Head: []htmlHead{{Text: "severity"}, {Text: "vulnerability"}, {Text: "package"}, {Text: "version"}, {Text: "fixed"}, {Text: "advice"}, {Text: "VEX"}}}
	withLayer := slices.ContainsFunc(res.Findings, func(f *scan.Finding) bool { return f.Layer != nil })
	if withLayer {
		t.Head = append(t.Head, htmlHead{Text: "image layer"})
	}
	for _, f := range res.Findings {
		if f.Suppressed() && !showSuppressed {
			continue
		}
		if len(t.Rows) == maxHTMLRows {
			t.More++
			continue
		}
		row := findingRow(f)
		if withLayer {
			cell := htmlCell{Text: "-"}
			if f.Layer != nil {
				cell = htmlCell{Text: layerCell(f.Layer), Title: f.Layer.DiffID}
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	sections = append(sections, &htmlSection{ID: "findings", Title: "Findings",
		Description: "Worst first. A copy a package carries is fixed by upgrading its carrier. Advisory links go to osv.dev and to the advisory's own references.",
		Table:       t})
	if len(res.Unscanned) > 0 {
		u := &htmlTable{ID: "unscanned", Caption: "components not scanned", Sortable: true, Filter: true,
			Head: []htmlHead{{Text: "component"}, {Text: "version"}, {Text: "purl"}, {Text: "why"}}}
		for _, x := range res.Unscanned {
			if len(u.Rows) == maxHTMLRows {
				u.More++
				continue
			}
			u.Rows = append(u.Rows, []htmlCell{{Text: x.Name}, {Text: x.Version}, {Text: x.PURL}, {Text: x.Reason}})
		}
		sections = append(sections, &htmlSection{ID: "unscanned", Title: "Not scanned",
			Description: "No advisory could match these components; silence about them would read as clean.", Table: u})
	}
	if len(res.VEXNotApplied) > 0 {
		v := &htmlTable{ID: "vex-not-applied", Caption: "VEX statements not applied", Sortable: true,
			Head: []htmlHead{{Text: "vulnerability"}, {Text: "status"}, {Text: "products"}, {Text: "why"}, {Text: "source"}}}
		for _, n := range res.VEXNotApplied {
			v.Rows = append(v.Rows, []htmlCell{{Text: n.Vulnerability}, {Text: n.Status}, {Text: strings.Join(n.Products, ", ")}, {Text: n.Reason}, {Text: n.Source}})
		}
		sections = append(sections, &htmlSection{ID: "vex", Title: "VEX statements not applied", Table: v})
	}
	return facts, sections
}

func findingRow(f *scan.Finding) []htmlCell {
	sev := f.Severity
	if f.Score > 0 {
		sev = fmt.Sprintf("%s %.1f", f.Severity, f.Score)
	}
	id := htmlCell{Text: f.ID, Link: safeLink("https://osv.dev/vulnerability/" + f.ID)}
	if len(f.Aliases) > 0 {
		id.Title = strings.Join(f.Aliases, ", ")
		for _, a := range f.Aliases {
			id.Links = append(id.Links, htmlLink{Text: a, Href: safeLink("https://osv.dev/vulnerability/" + a)})
		}
	}
	if r := f.Record(); r != nil {
		for i, ref := range r.References {
			if u := safeLink(ref.URL); u != "" && i < 5 {
				id.Links = append(id.Links, htmlLink{Text: "[" + strings.ToLower(ref.Type) + "]", Href: u})
			}
		}
	}
	name := f.Name
	if c := f.Carrier; c != nil {
		name += " (in " + strings.Join(append(append([]string{}, c.Through...), strings.TrimSpace(c.Name+" "+c.Version)), " in ") + ")"
	}
	vexText := "-"
	if f.VEX != nil {
		vexText = vexCell(f)
		if f.VEX.ImpactStatement != "" {
			vexText += ": " + f.VEX.ImpactStatement
		}
	}
	return []htmlCell{
		{Text: sev, Class: "sev-" + f.Rating().String(), Sort: fmt.Sprintf("%d%04.1f", 9-int(f.Rating()), 10-f.Score)},
		id, {Text: name}, {Text: f.Version}, {Text: f.Fixed}, {Text: f.Advice}, {Text: vexText},
	}
}

func sevSummary(bySev map[string]int) string {
	var parts []string
	for _, s := range severities {
		parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(s), bySev[s]))
	}
	return strings.Join(parts, ", ")
}

func dateOf(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}
