package output

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// bar is one bar of a chart: a label, a value, and the class that colours
// it (by severity, verdict or kind; the page's style gives light and dark
// colours).
type bar struct {
	Label string
	Value float64
	Class string
	Text  string // the value as shown; default the number
}

// svgBars draws a horizontal bar chart; title and desc are read by
// assistive technology.
func svgBars(title, desc string, bars []bar) template.HTML {
	const labelW, barW, rowH, valueW = 190, 360, 24, 90
	width := labelW + barW + valueW
	height := rowH*len(bars) + 8
	max := 0.0
	for _, b := range bars {
		max = maxf(max, b.Value)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 %d %d" width="%d" height="%d"><title>%s</title><desc>%s</desc>`,
		width, height, width, height, html.EscapeString(title), html.EscapeString(desc))
	for i, b := range bars {
		y := 4 + i*rowH
		w := 0.0
		if max > 0 {
			w = b.Value / max * barW
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		text := b.Text
		if text == "" {
			text = trimFloat(b.Value)
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+16, html.EscapeString(clipLabel(b.Label, 28)))
		fmt.Fprintf(&s, `<rect class="b-%s" x="%d" y="%d" width="%.1f" height="%d" rx="2"></rect>`, classToken(b.Class), labelW, y+3, w, rowH-8)
		fmt.Fprintf(&s, `<text class="muted" x="%.1f" y="%d">%s</text>`, float64(labelW)+w+6, y+16, html.EscapeString(text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// segment is a part of a stacked bar.
type segment struct {
	Value float64
	Class string
}

// stack is one stacked bar: a label and its parts.
type stack struct {
	Label    string
	Segments []segment
	Text     string
}

// svgStacked draws one stacked bar per row, each scaled to the largest
// row's total.
func svgStacked(title, desc string, rows []stack, legend []bar) template.HTML {
	const labelW, barW, rowH, valueW = 190, 360, 24, 110
	width := labelW + barW + valueW
	height := rowH*(len(rows)+1) + 8
	max := 0.0
	for _, r := range rows {
		t := 0.0
		for _, g := range r.Segments {
			t += g.Value
		}
		max = maxf(max, t)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 %d %d" width="%d" height="%d"><title>%s</title><desc>%s</desc>`,
		width, height, width, height, html.EscapeString(title), html.EscapeString(desc))
	x := labelW
	for _, l := range legend {
		fmt.Fprintf(&s, `<rect class="b-%s" x="%d" y="6" width="10" height="10"></rect><text x="%d" y="15">%s</text>`, classToken(l.Class), x, x+14, html.EscapeString(l.Label))
		x += 14 + 8*len(l.Label) + 16
	}
	for i, r := range rows {
		y := 4 + (i+1)*rowH
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+16, html.EscapeString(clipLabel(r.Label, 28)))
		pos := float64(labelW)
		for _, g := range r.Segments {
			w := 0.0
			if max > 0 {
				w = g.Value / max * barW
			}
			if w <= 0 {
				continue
			}
			fmt.Fprintf(&s, `<rect class="b-%s" x="%.1f" y="%d" width="%.1f" height="%d"></rect>`, classToken(g.Class), pos, y+3, w, rowH-8)
			pos += w
		}
		fmt.Fprintf(&s, `<text class="muted" x="%.1f" y="%d">%s</text>`, pos+6, y+16, html.EscapeString(r.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// classToken keeps a class name to the characters a CSS class uses.
func classToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}

func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func trimFloat(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

func maxf(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}
