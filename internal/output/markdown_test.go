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
