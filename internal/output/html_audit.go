package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pysbom/pysbom/internal/native/audit"
	"github.com/pysbom/pysbom/internal/native/harden"
)

// matrixChecks are the hardening matrix's columns: the core checks, then
// stack clash protection and CET.
var matrixChecks = append(append([]string{}, audit.CoreChecks...), "stack_clash", "cet")

// verdictMark is a verdict as a symbol and a word: the matrix reads
// without colour.
var verdictMark = map[harden.Verdict]string{harden.Pass: "✓ pass", harden.Warn: "! warn", harden.Fail: "✗ fail", harden.Unknown: "? unknown", harden.NA: "– n/a"}

func auditHTML(w io.Writer, a *Audit) error {
	p := &htmlPage{Title: "pysbom audit: " + a.Report.Target, Tool: a.Tool.String(),
		Subtitle: "Every native binary: the OpenSSF compiler-hardening options, its languages and memory-safe share, the C libraries in it.",
		Footer:   a.Tool.String() + " · everything on this page is in the file itself; it makes no request."}
	p.Facts, p.Sections = auditParts(a.Report)
	return writeHTML(w, p)
}

// auditParts are the facts and sections of an audit: native code by
// language per package, the hardening matrix, and the binaries.
func auditParts(r *audit.Report) ([]htmlFact, []*htmlSection) {
	per, total := r.Summaries()
	facts := []htmlFact{{"native binaries", strconv.Itoa(total.Binaries)}, {"with C/C++ code", strconv.Itoa(total.CBinaries)},
		{"C/C++ fully hardened", fmt.Sprintf("%d/%d", total.Hardened, total.CBinaries)},
		{"memory-safe code", pctOf(total.SafeBytes, total.CodeBytes)}, {"unreadable", strconv.Itoa(total.Errors)}}
	if len(r.Binaries) == 0 {
		return facts, []*htmlSection{{ID: "native", Title: "Native code", Note: "No native binary was found: nothing to audit."}}
	}
	var rows []stack
	data := &htmlTable{ID: "languages-data", Caption: "native code by package", Sortable: true,
		Head: []htmlHead{{Text: "package"}, {Text: "binaries", Num: true}, {Text: "memory-safe bytes", Num: true}, {Text: "other bytes", Num: true},
			{Text: "memory-safe", Num: true}, {Text: "unmeasured", Num: true}, {Text: "languages"}, {Text: "C libraries"}}}
	for _, s := range per {
		name := "(no package)"
		if s.Name != "" {
			name = s.Name + " " + s.Version
		}
		other := s.CodeBytes - s.SafeBytes
		rows = append(rows, stack{Label: name, Text: pctOf(s.SafeBytes, s.CodeBytes),
			Segments: []segment{{float64(s.SafeBytes), "safe"}, {float64(other), "unsafe"}}})
		data.Rows = append(data.Rows, []htmlCell{{Text: name}, {Text: strconv.Itoa(s.Binaries), Class: "num"},
			{Text: strconv.FormatUint(s.SafeBytes, 10), Class: "num"}, {Text: strconv.FormatUint(other, 10), Class: "num"},
			{Text: pctOf(s.SafeBytes, s.CodeBytes), Class: "num"}, {Text: strconv.Itoa(s.Unmeasured), Class: "num"},
			{Text: strings.Join(s.Languages, ", ")}, {Text: strings.Join(s.Libraries, ", ")}})
	}
	sections := []*htmlSection{{ID: "languages", Title: "Native code by language",
		Description: "Measured function bytes per package: memory-safe (Rust, Go) and other (C, C++). Binaries without a symbol table are counted as unmeasured.",
		Chart: svgStacked("Native code by language per package", fmt.Sprintf("%s memory-safe of %d measured bytes", pctOf(total.SafeBytes, total.CodeBytes), total.CodeBytes),
			rows, []bar{{Label: "memory-safe", Class: "safe"}, {Label: "C/C++ and other", Class: "unsafe"}}),
		ChartTable: data}}
	m := &htmlTable{ID: "matrix", Caption: "hardening matrix", Sortable: true, Filter: true, Head: []htmlHead{{Text: "binary"}, {Text: "package"}}}
	for _, id := range matrixChecks {
		m.Head = append(m.Head, htmlHead{Text: id})
	}
	for _, b := range r.Binaries {
		owner := ""
		if b.Owner.Name != "" {
			owner = b.Owner.Name + " " + b.Owner.Version
		}
		row := []htmlCell{{Text: b.Path}, {Text: owner}}
		if b.Error != "" {
			row = append(row, htmlCell{Text: "unreadable: " + b.Error, Class: "v-fail"})
			for range matrixChecks[1:] {
				row = append(row, htmlCell{})
			}
		} else {
			for _, id := range matrixChecks {
				res, ok := b.Result(id)
				if !ok {
					row = append(row, htmlCell{Text: "–", Class: "v-na"})
					continue
				}
				row = append(row, htmlCell{Text: verdictMark[res.Verdict], Class: "v-" + verdictClass(res.Verdict), Title: res.Evidence})
			}
		}
		if len(m.Rows) == maxHTMLRows {
			m.More++
			continue
		}
		m.Rows = append(m.Rows, row)
	}
	sections = append(sections, &htmlSection{ID: "matrix", Title: "Hardening matrix",
		Description: "One row per binary, one column per check (" + strings.Join(matrixChecks, ", ") + "): ✓ pass, ! warn, ✗ fail, ? unknown, – n/a (checks of C code on code that is all Rust or Go). Hover a cell for its evidence.",
		Table:       m})
	return facts, sections
}

func verdictClass(v harden.Verdict) string {
	if v == harden.NA {
		return "na"
	}
	return string(v)
}

func pctOf(part, total uint64) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", float64(part)/float64(total)*100)
}
