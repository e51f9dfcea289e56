package audit

import (
	"fmt"
	"io"
	"strings"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/native/harden"
)

// maxMarkdownRows bounds each table of the Markdown report.
const maxMarkdownRows = 100

// WriteMarkdown writes a compact report for a pull-request comment: the
// summary per package, then the binaries with C/C++ code that fail a core
// check, and those that could not be read.
func (r *Report) WriteMarkdown(w io.Writer, tool string) error {
	md := display.Markdown
	per, total := r.Summaries()
	failing, _ := r.Failing(CoreChecks, true)
	fmt.Fprintf(w, "## pysbom audit: %s, %d of %d with C/C++ code fully hardened\n\n",
		plural(total.Binaries, "native binary", "native binaries"), total.Hardened, total.CBinaries)
	fmt.Fprintf(w, "Memory-safe share of measured code: %s. Core checks: %s.\n\n", pct(share(total.SafeBytes, total.CodeBytes)), strings.Join(CoreChecks, ", "))
	rows := func(head string, n int, more string, row func(i int) string) {
		fmt.Fprintf(w, "%s\n|%s\n", head, strings.Repeat("---|", strings.Count(head, "|")-1))
		for i := range n {
			if i == maxMarkdownRows {
				fmt.Fprintf(w, "\n_and %d more (%s)_\n", n-maxMarkdownRows, more)
				break
			}
			fmt.Fprintln(w, row(i))
		}
		fmt.Fprintln(w)
	}
	rows("| Package | Binaries | Memory-safe code | C/C++ hardened | Languages | C libraries |", len(per)+1, "pysbom audit -o json lists all", func(i int) string {
		name, s := "**total**", total
		if i < len(per) {
			s = per[i]
			name = "(no package)"
			if s.Name != "" {
				name = md(s.Name + " " + s.Version)
			}
		}
		return fmt.Sprintf("| %s | %d | %s | %d/%d | %s | %s |", name, s.Binaries, pct(share(s.SafeBytes, s.CodeBytes)), s.Hardened, s.CBinaries,
			md(dash(strings.Join(s.Languages, ", "))), md(dash(strings.Join(s.Libraries, ", "))))
	})
	var bad []*Binary
	for _, b := range r.Binaries {
		if b.Error != "" || HasCCode(b) && len(failedCore(b)) > 0 {
			bad = append(bad, b)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "<details><summary>%s failing a core check or unreadable</summary>\n\n", plural(failing, "binary", "binaries"))
		rows("| Binary | Package | Fails |", len(bad), "pysbom audit -o json lists all", func(i int) string {
			b := bad[i]
			owner := "-"
			if b.Owner.Name != "" {
				owner = b.Owner.Name + " " + b.Owner.Version
			}
			fails := strings.Join(failedCore(b), ", ")
			if b.Error != "" {
				fails = "unreadable: " + b.Error
			}
			return fmt.Sprintf("| %s | %s | %s |", md(b.Path), md(owner), md(fails))
		})
		fmt.Fprint(w, "</details>\n\n")
	}
	_, err := fmt.Fprintf(w, "<sub>%s</sub>\n", md(tool))
	return err
}

// failedCore lists the core checks b fails.
func failedCore(b *Binary) []string {
	var out []string
	for _, id := range CoreChecks {
		if res, ok := b.Result(id); ok && res.Verdict == harden.Fail {
			out = append(out, id)
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
