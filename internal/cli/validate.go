package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/validate"
)

var validateFormats = map[string]bool{"table": true, "json": true}

func runValidate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := choiceFlag{allowed: validateFormats, value: "table"}
	fs.Var(&format, "o", "output `FORMAT`: table or json")
	schema := fs.Bool("schema", true, "exit 3 when a document does not conform to its official JSON schema")
	strict := fs.Bool("strict", false, "exit 3 on semantic errors too (dangling references, duplicate IDs, bad purls, CPEs, checksums, licenses)")
	ntia := fs.Bool("ntia", false, "exit 3 when a document does not meet the NTIA minimum elements")
	minScore := fs.Float64("min-score", 0, "exit 3 when a document's quality score is below `N` (0-10)")
	verbose := fs.Bool("v", false, "list every finding (the table shows the first 20 of each kind)")
	allowUnknown := fs.Bool("allow-unknown-version", false, "do not fail a document of a version pysbom has no official schema for (its other checks still run)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: pysbom validate [flags] SBOM...")
		fmt.Fprintln(e.stderr, "\nChecks SPDX 2.2/2.3 and CycloneDX 1.4-1.6 JSON documents: the official schema, semantic")
		fmt.Fprintln(e.stderr, "rules, the NTIA minimum elements, and a quality score.\n\nflags:")
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return &usageError{"validate needs at least one SBOM file"}
	}
	var reports []*validate.Report
	var failed []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := readSBOM(f)
		if err != nil {
			return err
		}
		r, err := validate.Document(data, f)
		if err != nil {
			return err
		}
		reports = append(reports, r)
		var why []string
		if *schema && !r.SchemaValid() {
			why = append(why, "schema")
		}
		if *schema && !r.KnownVersion() && !*allowUnknown {
			why = append(why, fmt.Sprintf("no schema for %s %s; --allow-unknown-version checks the rest", r.Format, display.Text(r.Version)))
		}
		if *strict && r.SemanticErrors() > 0 {
			why = append(why, "semantic errors")
		}
		if *ntia && !r.NTIA.Pass {
			why = append(why, "NTIA")
		}
		if *minScore > 0 && r.Quality.Score < *minScore {
			why = append(why, fmt.Sprintf("score %.1f < %.1f", r.Quality.Score, *minScore))
		}
		if len(why) > 0 {
			failed = append(failed, f+" ("+strings.Join(why, ", ")+")")
		}
	}
	var out strings.Builder
	if format.value == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		for i, r := range reports {
			if i > 0 {
				out.WriteString("\n")
			}
			printReport(&out, r, *verbose)
		}
	}
	if _, err := io.WriteString(e.stdout, out.String()); err != nil {
		return err
	}
	if len(failed) > 0 {
		return &findingsError{"failed: " + strings.Join(failed, "; ")}
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func printReport(out io.Writer, r *validate.Report, verbose bool) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	t := display.Text
	fmt.Fprintf(w, "%s: %s %s\n", t(r.File), t(r.Format), t(r.Version))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	switch {
	case !r.SchemaChecked:
		fmt.Fprintf(tw, "  schema\tnot checked\tno official JSON schema for %s %s is embedded\n", t(r.Format), t(r.Version))
	default:
		fmt.Fprintf(tw, "  schema\t%s\t%d errors\n", verdict(r.SchemaValid()), len(r.Schema))
	}
	warnings := len(r.Semantic) - r.SemanticErrors()
	fmt.Fprintf(tw, "  semantic\t%s\t%d errors, %d warnings\n", verdict(r.SemanticErrors() == 0), r.SemanticErrors(), warnings)
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

// choiceFlag is a flag with a fixed set of values.
type choiceFlag struct {
	allowed map[string]bool
	value   string
}

func (c *choiceFlag) String() string { return c.value }

func (c *choiceFlag) Set(v string) error {
	if !c.allowed[v] {
		return fmt.Errorf("unknown format %q (want one of %s)", v, choice(c.allowed))
	}
	c.value = v
	return nil
}
