package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/validate"
)

// Validation is what pysbom validate writes: a report per document.
type Validation struct {
	Reports []*validate.Report
	// Verbose lists every finding; the table shows the first 20 of each kind.
	Verbose bool
}

// Validations are the formats of validation reports.
var Validations = &Registry[*Validation]{
	Default: "table",
	Formats: []Format[*Validation]{
		{"table", "a verdict per check and the findings, for people", func(w io.Writer, v *Validation) error {
			dw := display.NewWriter(w)
			for i, r := range v.Reports {
				if i > 0 {
					io.WriteString(dw, "\n")
				}
				printReport(dw, r, v.Verbose)
			}
			return dw.Flush()
		}},
		{"json", "the reports with every finding", func(w io.Writer, v *Validation) error { return writeJSON(w, v.Reports) }},
	},
}

// writeJSON writes v as encoding/json does, indented by two spaces and
// without HTML escapes.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func printReport(w io.Writer, r *validate.Report, verbose bool) {
	t := display.Text
	fmt.Fprintf(w, "%s: %s %s\n", t(r.File), t(r.Format), t(r.Version))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	switch {
	case !r.SchemaChecked:
		fmt.Fprintf(tw, "  schema\tnot checked\tno official JSON schema for %s %s is embedded\n", t(r.Format), t(r.Version))
	default:
		fmt.Fprintf(tw, "  schema\t%s\t%s\n", verdict(r.SchemaValid()), Count(len(r.Schema), "error"))
	}
	warnings := len(r.Semantic) - r.SemanticErrors()
	fmt.Fprintf(tw, "  semantic\t%s\t%s, %s\n", verdict(r.SemanticErrors() == 0), Count(r.SemanticErrors(), "error"), Count(warnings, "warning"))
	n := r.NTIA
	var missing []string
	for _, el := range []string{"supplier", "name", "version", "unique identifier"} {
		if n.Missing[el] > 0 {
			missing = append(missing, fmt.Sprintf("%s missing in %d of %d components", el, n.Missing[el], n.Components))
		}
	}
	for _, d := range []struct {
		ok   bool
		name string
	}{{n.Author, "author"}, {n.Timestamp, "timestamp"}, {n.Relationships, "dependency relationships"}} {
		if !d.ok {
			missing = append(missing, "no "+d.name)
		}
	}
	detail := "all minimum elements present"
	if len(missing) > 0 {
		detail = strings.Join(missing, "; ")
	}
	fmt.Fprintf(tw, "  NTIA\t%s\t%s\n", verdict(n.Pass), detail)
	fmt.Fprintf(tw, "  quality\t%.1f/10\t\n", r.Quality.Score)
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, it := range r.Quality.Items {
		if it.Total == 0 {
			fmt.Fprintf(tw, "    %s\tn/a\tweight %.1f\n", it.Name, it.Weight)
			continue
		}
		fmt.Fprintf(tw, "    %s\t%d/%d (%.0f%%)\tweight %.1f\n", it.Name, it.Have, it.Total, 100*float64(it.Have)/float64(it.Total), it.Weight)
	}
	tw.Flush()
	show := func(title string, fs []validate.Finding) {
		if len(fs) == 0 {
			return
		}
		fmt.Fprintf(w, "  %s:\n", title)
		for i, f := range fs {
			if i == 20 && !verbose {
				fmt.Fprintf(w, "    ... and %d more (-v lists all)\n", len(fs)-20)
				break
			}
			path := f.Path
			if path == "" {
				path = "(document)"
			}
			fmt.Fprintf(w, "    %s %s: %s\n", f.Severity, t(path), t(f.Message))
		}
	}
	show("schema errors", r.Schema)
	show("semantic findings", r.Semantic)
	show("NTIA failures", n.Failures)
}
