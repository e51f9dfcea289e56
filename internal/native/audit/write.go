package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
)

// JSON shapes of the report. Field order is fixed; nothing depends on the
// time or the machine, so the same binaries give the same bytes.
type (
	jsonReport struct {
		Tool     string        `json:"tool"`
		Target   string        `json:"target"`
		Checks   []jsonCheck   `json:"checks"`
		Binaries []jsonBinary  `json:"binaries"`
		Packages []jsonSummary `json:"packages"`
		Total    jsonSummary   `json:"total"`
	}
	jsonCheck struct {
		ID            string `json:"id"`
		Option        string `json:"option"`
		Informational bool   `json:"informational,omitempty"`
	}
	jsonBinary struct {
		Path       string            `json:"path"`
		Package    *jsonOwner        `json:"package,omitempty"`
		Error      string            `json:"error,omitempty"`
		Format     string            `json:"format,omitempty"`
		Machine    string            `json:"machine,omitempty"`
		Kind       string            `json:"kind,omitempty"`
		Extension  bool              `json:"extensionModule,omitempty"`
		Size       int64             `json:"size,omitempty"`
		Stripped   bool              `json:"stripped,omitempty"`
		Debug      bool              `json:"debugInfo,omitempty"`
		Toolchain  []string          `json:"toolchain,omitempty"`
		BuildID    string            `json:"buildId,omitempty"`
		Needed     []string          `json:"needed,omitempty"`
		Languages  []jsonFinding     `json:"languages,omitempty"`
		Generators []jsonFinding     `json:"generators,omitempty"`
		CodeBytes  map[string]uint64 `json:"codeBytes,omitempty"`
		SafeShare  *float64          `json:"memorySafeShare,omitempty"`
		Checks     []jsonResult      `json:"checks,omitempty"`
		Libraries  []jsonLibrary     `json:"libraries,omitempty"`
		// BuiltAgainst: libraries named only by their headers' version.
		BuiltAgainst []jsonBuiltAgainst `json:"builtAgainst,omitempty"`
	}
	jsonBuiltAgainst struct {
		Name     string `json:"name"`
		Version  string `json:"version"`
		LinkedTo string `json:"linkedTo"`
		Evidence string `json:"evidence"`
	}
	jsonOwner struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	jsonFinding struct {
		Name    string   `json:"name"`
		Signals []string `json:"signals"`
	}
	jsonResult struct {
		ID       string `json:"id"`
		Verdict  string `json:"verdict"`
		Value    string `json:"value"`
		Evidence string `json:"evidence"`
	}
	jsonLibrary struct {
		Name       string   `json:"name"`
		Version    string   `json:"version,omitempty"`
		MinVersion string   `json:"minVersion,omitempty"`
		PURL       string   `json:"purl"`
		CPE        string   `json:"cpe"`
		Confidence string   `json:"confidence"`
		Evidence   string   `json:"evidence"`
		Extra      []string `json:"extra,omitempty"`
	}
	jsonSummary struct {
		Name       string   `json:"name,omitempty"`
		Version    string   `json:"version,omitempty"`
		Binaries   int      `json:"binaries"`
		Errors     int      `json:"errors,omitempty"`
		Bytes      int64    `json:"bytes"`
		CodeBytes  uint64   `json:"measuredCodeBytes"`
		SafeBytes  uint64   `json:"memorySafeCodeBytes"`
		SafeShare  *float64 `json:"memorySafeShare,omitempty"`
		Unmeasured int      `json:"unmeasuredBinaries,omitempty"`
		Languages  []string `json:"languages,omitempty"`
		CBinaries  int      `json:"cBinaries"`
		Hardened   int      `json:"cBinariesHardened"`
		Libraries  []string `json:"libraries,omitempty"`
	}
)

func share(safe, total uint64) *float64 {
	if total == 0 {
		return nil
	}
	v := math.Round(float64(safe)/float64(total)*10000) / 10000
	return &v
}

func summaryJSON(s Summary) jsonSummary {
	return jsonSummary{s.Name, s.Version, s.Binaries, s.Errors, s.Bytes, s.CodeBytes, s.SafeBytes,
		share(s.SafeBytes, s.CodeBytes), s.Unmeasured, s.Languages, s.CBinaries, s.Hardened, s.Libraries}
}

func findings(fs []lang.Finding) []jsonFinding {
	var out []jsonFinding
	for _, f := range fs {
		out = append(out, jsonFinding{f.Name, f.Signals})
	}
	return out
}

// WriteJSON writes the report as JSON; tool names the producer.
func (r *Report) WriteJSON(w io.Writer, tool string) error {
	out := jsonReport{Tool: tool, Target: r.Target, Checks: []jsonCheck{}, Binaries: []jsonBinary{}, Packages: []jsonSummary{}}
	for _, c := range harden.Checks {
		out.Checks = append(out.Checks, jsonCheck{c.ID, c.Title, c.Info})
	}
	for _, b := range r.Binaries {
		jb := jsonBinary{Path: b.Path, Error: b.Error, Format: b.Format}
		if b.Owner.Name != "" {
			jb.Package = &jsonOwner{b.Owner.Name, b.Owner.Version}
		}
		if b.Error == "" {
			jb.Machine, jb.Kind, jb.Extension, jb.Size = b.Machine, string(b.Kind), b.Extension, b.Size
			jb.Stripped, jb.Debug, jb.Toolchain, jb.BuildID, jb.Needed = b.Stripped, b.Debug, b.Toolchain, b.BuildID, b.Needed
			jb.Languages, jb.Generators = findings(b.Lang.Languages), findings(b.Lang.Generators)
			jb.CodeBytes, jb.SafeShare = b.Lang.Bytes, share(b.Lang.SafeBytes(), b.Lang.Total())
			for _, c := range b.Checks {
				jb.Checks = append(jb.Checks, jsonResult{c.Check, string(c.Verdict), c.Value, c.Evidence})
			}
			for _, m := range b.Libraries {
				jb.Libraries = append(jb.Libraries, jsonLibrary{m.Name, m.Version, m.MinVersion, m.PURL(), m.CPE23(), m.Confidence, m.Evidence, m.Extra})
			}
			for _, m := range b.BuiltAgainst {
				jb.BuiltAgainst = append(jb.BuiltAgainst, jsonBuiltAgainst{m.Name, m.Version, m.LinkedTo, m.Evidence})
			}
		}
		out.Binaries = append(out.Binaries, jb)
	}
	per, total := r.Summaries()
	for _, s := range per {
		out.Packages = append(out.Packages, summaryJSON(s))
	}
	out.Total = summaryJSON(total)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// tableChecks are the columns of the binaries table.
var tableChecks = []struct{ id, head string }{
	{"pie", "PIE"}, {"nx", "NX"}, {"relro", "RELRO"}, {"canary", "CANARY"}, {"fortify", "FORTIFY"},
	{"stack_clash", "CLASH"}, {"cet", "CET"}, {"rpath", "RPATH"},
}

func pct(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", *v*100)
}

// WriteTable writes the report for people: one row per binary, then one
// per package and the total.
func (r *Report) WriteTable(out io.Writer) error {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"BINARY", "PACKAGE", "KIND", "LANGUAGES", "SAFE"}
	for _, c := range tableChecks {
		head = append(head, c.head)
	}
	head = append(head, "LIBRARIES")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, b := range r.Binaries {
		owner := "-"
		if b.Owner.Name != "" {
			owner = b.Owner.Name + " " + b.Owner.Version
		}
		if b.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\terror: %s\n", display.Cell(b.Path), display.Cell(owner), display.Cell(b.Error))
			continue
		}
		var langs []string
		for _, l := range b.Lang.Languages {
			langs = append(langs, l.Name)
		}
		for _, g := range b.Lang.Generators {
			langs = append(langs, "("+g.Name+")")
		}
		row := []string{b.Path, owner, string(b.Kind), strings.Join(langs, ","), pct(share(b.Lang.SafeBytes(), b.Lang.Total()))}
		for _, c := range tableChecks {
			res, _ := b.Result(c.id)
			row = append(row, res.Value)
		}
		var libs []string
		for _, m := range b.Libraries {
			libs = append(libs, strings.TrimSpace(m.Name+" "+m.Version))
		}
		row = append(row, dash(strings.Join(libs, ", ")))
		for i := range row {
			row[i] = display.Cell(row[i])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	per, total := r.Summaries()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tBINARIES\tNATIVE BYTES\tMEMORY-SAFE CODE\tC/C++ HARDENED\tLANGUAGES\tC LIBRARIES")
	row := func(name string, s Summary) {
		safe := pct(share(s.SafeBytes, s.CodeBytes))
		if s.Unmeasured > 0 {
			safe += fmt.Sprintf(" (%d unmeasured)", s.Unmeasured)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d/%d\t%s\t%s\n", display.Cell(name), s.Binaries, s.Bytes, safe, s.Hardened, s.CBinaries,
			display.Cell(dash(strings.Join(s.Languages, ","))), display.Cell(dash(strings.Join(s.Libraries, ", "))))
	}
	for _, s := range per {
		name := "(no package)"
		if s.Name != "" {
			name = s.Name + " " + s.Version
		}
		row(name, s)
	}
	row("TOTAL", total)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nC/C++ HARDENED: no failure of %s.\n", strings.Join(CoreChecks, ", "))
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
