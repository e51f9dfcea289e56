package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/diff"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// TestMarkdownBounded: a Markdown report stays a readable comment (tables
// cut at MaxMarkdownRows, the rest counted) and a hostile name cannot
// inject HTML, links or table cells.
func TestMarkdownBounded(t *testing.T) {
	res := &scan.Result{Components: 300, Scanned: 300}
	for i := range 150 {
		res.Findings = append(res.Findings, &scan.Finding{Component: fmt.Sprint("c", i), Name: "<script>alert(1)</script>|[x](http://e)",
			Version: "1", ID: fmt.Sprint("PYSEC-", i), Severity: "HIGH", Advice: "upgrade"})
	}
	var b bytes.Buffer
	if err := Scans.Write(&b, "markdown", &Scan{DB: &vulndb.Status{Records: 1}, Result: res, Target: "t", Tool: Tool{"pysbom", "x"}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, "\n| HIGH |"); n != MaxMarkdownRows {
		t.Errorf("%d rows, want %d", n, MaxMarkdownRows)
	}
	if !strings.Contains(out, "_and 50 more (pysbom scan -o json lists all)_") {
		t.Error("the cut rows are not counted")
	}
	if strings.Contains(out, "<script>") || strings.Contains(out, "[x](http") || strings.Contains(out, "</script>|") {
		t.Errorf("a name got through unescaped:\n%s", out[:400])
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| HIGH |") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 6 {
			t.Errorf("a row has extra cells: %s", line)
		}
	}
	// A diff says no differences plainly.
	b.Reset()
	if err := Diffs.Write(&b, "markdown", &Diff{Old: "a", New: "b", Result: &diff.Result{}}); err != nil || !strings.Contains(b.String(), "No differences.") {
		t.Errorf("empty diff: %v\n%s", err, b.String())
	}
}

// TestUnscannedGrouped: the components a reason many share are one line
// with their count; the rest are listed, twenty lines at most, with the
// count of those left out.
func TestUnscannedGrouped(t *testing.T) {
	var us []scan.Unscanned
	for i := 0; i < 30; i++ {
		us = append(us, scan.Unscanned{Name: fmt.Sprintf("deb%d", i), Version: "1", Reason: "no Debian advisories"})
	}
	for i := 0; i < 25; i++ {
		us = append(us, scan.Unscanned{Name: fmt.Sprintf("lib%d", i), Version: "2", Reason: fmt.Sprintf("reason %d", i)})
	}
	var b strings.Builder
	printUnscanned(&b, us)
	out := b.String()
	for _, want := range []string{"55 components not scanned", "30 components (deb0 1, deb1 1, deb2 1, ...)", "lib18 2", "... and 6 more (-o json lists all)"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "deb5 1") || strings.Contains(out, "lib19 2") {
		t.Errorf("grouped or capped entries listed:\n%s", out)
	}
}

// TestUnscannedGroupedMarkdown: the pull-request comment groups them too.
func TestUnscannedGroupedMarkdown(t *testing.T) {
	var us []scan.Unscanned
	for i := 0; i < 30; i++ {
		us = append(us, scan.Unscanned{Name: fmt.Sprintf("deb%d", i), Version: "1", Reason: "no Debian advisories"})
	}
	var b strings.Builder
	if err := Scans.Write(&b, "markdown", &Scan{DB: &vulndb.Status{Records: 1}, Result: &scan.Result{Components: 30, Unscanned: us}, Target: "t", Tool: Tool{"pysbom", "x"}}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "| 30 components (deb0 1, deb1 1, deb2 1, ...) | no Debian advisories |") || strings.Contains(out, "| deb7 1 |") {
		t.Errorf("markdown:\n%s", out)
	}
}
