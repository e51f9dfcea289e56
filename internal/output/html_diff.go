package output

import (
	"fmt"
	"io"
	"strconv"
)

func diffHTML(w io.Writer, d *Diff) error {
	r := d.Result
	p := &htmlPage{Title: "pysbom diff", Tool: "pysbom",
		Subtitle: fmt.Sprintf("What changed from %s to %s.", d.Old, d.New),
		Facts: []htmlFact{{"added", strconv.Itoa(len(r.Added))}, {"removed", strconv.Itoa(len(r.Removed))}, {"changed", strconv.Itoa(len(r.Changed))},
			{"edges added", strconv.Itoa(len(r.RelationshipsAdded))}, {"edges removed", strconv.Itoa(len(r.RelationshipsRemoved))}},
		Footer: "pysbom · everything on this page is in the file itself; it makes no request."}
	bars := []bar{{Label: "added", Value: float64(len(r.Added)), Class: "added"}, {Label: "removed", Value: float64(len(r.Removed)), Class: "removed"},
		{Label: "changed", Value: float64(len(r.Changed)), Class: "changed"}}
	data := &htmlTable{ID: "counts", Caption: "components by change", Head: []htmlHead{{Text: "change"}, {Text: "components", Num: true}}}
	for _, b := range bars {
		data.Rows = append(data.Rows, []htmlCell{{Text: b.Label}, {Text: trimFloat(b.Value), Class: "num"}})
	}
	p.Sections = append(p.Sections, &htmlSection{ID: "summary", Title: "Components",
		Chart:      svgBars("Components added, removed and changed", fmt.Sprintf("%d added, %d removed, %d changed", len(r.Added), len(r.Removed), len(r.Changed)), bars),
		ChartTable: data})
	t := &htmlTable{ID: "changes", Caption: "changes", Sortable: true, Filter: true,
		Head: []htmlHead{{Text: "change"}, {Text: "component"}, {Text: "old"}, {Text: "new"}, {Text: "what"}}}
	for _, c := range r.Removed {
		t.Rows = append(t.Rows, []htmlCell{{Text: "removed", Class: "v-fail"}, {Text: named(c)}, {Text: c.Version}, {}, {}})
	}
	for _, c := range r.Added {
		t.Rows = append(t.Rows, []htmlCell{{Text: "added", Class: "v-pass"}, {Text: named(c)}, {}, {Text: c.Version}, {}})
	}
	for _, c := range r.Changed {
		old := c.OldVersion
		if old == "" {
			old = c.Version
		}
		what := changeSummary(c)
		for _, f := range c.Fields {
			if f.Field != "version" {
				what += fmt.Sprintf("; %s: %q → %q", f.Field, f.Old, f.New)
			}
		}
		t.Rows = append(t.Rows, []htmlCell{{Text: "changed", Class: "v-warn"}, {Text: named(c.Component)}, {Text: old}, {Text: c.Version}, {Text: what}})
	}
	if len(t.Rows) > maxHTMLRows {
		t.More, t.Rows = len(t.Rows)-maxHTMLRows, t.Rows[:maxHTMLRows]
	}
	p.Sections = append(p.Sections, &htmlSection{ID: "changes", Title: "Changes", Table: t})
	if len(r.RelationshipsAdded)+len(r.RelationshipsRemoved) > 0 {
		e := &htmlTable{ID: "edges", Caption: "edges", Sortable: true, Filter: true, Head: []htmlHead{{Text: "change"}, {Text: "edge"}}}
		for _, x := range r.RelationshipsRemoved {
			e.Rows = append(e.Rows, []htmlCell{{Text: "removed", Class: "v-fail"}, {Text: x}})
		}
		for _, x := range r.RelationshipsAdded {
			e.Rows = append(e.Rows, []htmlCell{{Text: "added", Class: "v-pass"}, {Text: x}})
		}
		p.Sections = append(p.Sections, &htmlSection{ID: "edges", Title: "Dependency and containment edges",
			Description: "a -> b: a depends on b; a contains b: a carries b (vendored, bundled).", Table: e})
	}
	return writeHTML(w, p)
}
