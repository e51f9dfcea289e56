package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/diff"
	"github.com/pysbom/pysbom/internal/native/audit"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// hostile is what an attacker can put in names, summaries, paths and VEX
// statements.
const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>javascript:alert(3)`

func hostileScan() *Scan {
	f := &scan.Finding{Component: "c", Name: hostile, Version: hostile, PURL: "pkg:pypi/x@1", ID: "PYSEC-1", Aliases: []string{hostile},
		Severity: "HIGH", Score: 7.5, Fixed: hostile, Advice: hostile,
		Carrier: &scan.Carrier{Name: hostile, Version: "1"},
		VEX:     &scan.VEXStatus{Status: "affected", ImpactStatement: hostile, Source: hostile}}
	res := &scan.Result{Components: 2, Scanned: 1, Findings: []*scan.Finding{f},
		Unscanned:     []scan.Unscanned{{Component: "u", Name: hostile, Reason: hostile}},
		VEXNotApplied: []scan.VEXNotApplied{{Source: hostile, Vulnerability: hostile, Status: "fixed", Products: []string{hostile}, Reason: hostile}}}
	return &Scan{DB: &vulndb.Status{Path: hostile, Records: 1, Newest: "2025-01-01"}, Result: res, Target: hostile,
		Created: time.Unix(0, 0), Tool: Tool{"pysbom", "test"}}
}

// checkPage asserts what every page must hold: the only script is ours,
// allowed by its hash as the style is, nothing is fetched, and nothing
// hostile became markup.
func checkPage(t *testing.T, name string, page []byte) {
	t.Helper()
	s := string(page)
	if n := strings.Count(s, "<script"); n != 1 {
		t.Errorf("%s: %d script elements", name, n)
	}
	for _, bad := range []string{"<script>alert", "<img", `href="javascript:`, "onerror=alert(2)>", "<link", "@import", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: contains %q", name, bad)
		}
	}
	unquoted := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(s, `""`)
	if m := regexp.MustCompile(`<[a-zA-Z]+[^<>]*\s(src|srcset|action|formaction|on[a-z]+)=`).FindString(unquoted); m != "" {
		t.Errorf("%s: an element that loads something: %s", name, m)
	}
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindStringSubmatch(s)
	if csp == nil {
		t.Fatalf("%s: no CSP", name)
	}
	policy := html.UnescapeString(csp[1])
	if !strings.HasPrefix(policy, "default-src 'none';") {
		t.Errorf("%s: CSP %s", name, policy)
	}
	for _, el := range []string{"style", "script"} {
		m := regexp.MustCompile(`(?s)<` + el + `>(.*?)</` + el + `>`).FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%s: no %s", name, el)
		}
		sum := sha256.Sum256([]byte(m[1]))
		if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(policy, el+"-src "+want) {
			t.Errorf("%s: the CSP does not allow the page's own %s (%s)", name, el, want)
		}
	}
}

func TestHTMLEscapesEverything(t *testing.T) {
	var b bytes.Buffer
	if err := Scans.Write(&b, "html", hostileScan()); err != nil {
		t.Fatal(err)
	}
	checkPage(t, "scan", b.Bytes())
	if !strings.Contains(b.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile name is not shown as text")
	}
	rep := &audit.Report{Target: hostile, Binaries: []*audit.Binary{{Path: hostile, Owner: audit.Owner{Name: hostile}, Error: hostile}}}
	b.Reset()
	if err := Audits.Write(&b, "html", &Audit{Report: rep, Tool: Tool{"pysbom", "test"}}); err != nil {
		t.Fatal(err)
	}
	checkPage(t, "audit", b.Bytes())
	b.Reset()
	d := &diff.Result{Added: []diff.Component{{Name: hostile, Version: hostile, Carrier: []string{hostile}}},
		RelationshipsAdded: []string{hostile}}
	if err := Diffs.Write(&b, "html", &Diff{Old: hostile, New: hostile, Result: d}); err != nil {
		t.Fatal(err)
	}
	checkPage(t, "diff", b.Bytes())
}

func TestHTMLDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	Scans.Write(&a, "html", hostileScan())
	Scans.Write(&b, "html", hostileScan())
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two pages of one scan differ")
	}
}

func TestSafeLink(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/advisories/GHSA-1": "https://github.com/advisories/GHSA-1",
		"javascript:alert(1)":                  "",
		"JaVaScRiPt:alert(1)":                  "",
		"data:text/html,x":                     "",
		"//evil.example/x":                     "",
	} {
		if got := safeLink(in); got != want {
			t.Errorf("safeLink(%q) = %q, want %q", in, got, want)
		}
	}
}
