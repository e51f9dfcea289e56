package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/imagetest"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// browser starts a headless Chromium, or skips the test when none is
// installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no Chromium installed (Debian: apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("allow-file-access-from-files", false))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(alloc)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("Chromium does not start: %v", err)
	}
	return ctx
}

// visit opens a page from disk and watches it: console errors, uncaught
// exceptions, dialogs (a script that ran) and every network request
// besides the page itself.
type visit struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func (v *visit) listen(ctx context.Context, self string) error {
	dialogs := make(chan struct{}, 16)
	go func() {
		for range dialogs {
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return chromedp.Listen(ctx, func(ev any) {
		v.mu.Lock()
		defer v.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				v.errors = append(v.errors, "console: "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			// The browser's own messages: a Content-Security-Policy
			// violation (a style or script the page's hashes do not allow)
			// is one.
			if e.Entry != nil && (e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning) {
				v.errors = append(v.errors, "browser: "+string(e.Entry.Source)+": "+e.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			v.errors = append(v.errors, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		case *page.EventJavascriptDialogOpening:
			v.errors = append(v.errors, "a dialog opened: "+e.Message)
			select {
			case dialogs <- struct{}{}:
			default:
			}
		case *network.EventRequestWillBeSent:
			if e.Request.URL != self {
				v.requests = append(v.requests, e.Request.URL)
			}
		}
	})
}

// screenshots are saved here, outside the repository: a person looks at
// them (PYSBOM_SCREENSHOTS chooses the folder).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PYSBOM_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pysbom-screenshots")
	}
	os.MkdirAll(dir, 0o755)
	return dir
}

// checkInBrowser opens file and checks it the way a user would see it, at
// 1280 and 390 px, light and dark; it returns the overview's facts.
func checkInBrowser(t *testing.T, ctx context.Context, name, file string) map[string]string {
	t.Helper()
	url := "file://" + file
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	v := &visit{}
	if err := v.listen(tab, url); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	var facts map[string]string
	for _, width := range []int64{1280, 390} {
		for _, scheme := range []string{"light", "dark"} {
			if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900), chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
				t.Fatalf("%s at %d px %s: %v", name, width, scheme, err)
			}
			overflow, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil {
				t.Fatal(err)
			}
			if overflow {
				t.Errorf("%s: the page scrolls horizontally at %d px", name, width)
			}
			shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(screenshotDir(t), fmt.Sprintf("%s-%d-%s.png", name, width, scheme)), shot, 0o644)
		}
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](`JSON.stringify(Object.fromEntries([...document.querySelectorAll('.facts li')].map(li => [li.firstChild.textContent.trim(), li.querySelector('b').textContent])))`))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(raw), &facts)
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.errors) > 0 {
		t.Errorf("%s: %s", name, strings.Join(v.errors, "; "))
	}
	if len(v.requests) > 0 {
		t.Errorf("%s: the page asked for %v", name, v.requests)
	}
	return facts
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, strings.NewReader(""), &out, &errb); code != ExitOK && code != ExitFindings {
		t.Fatalf("pysbom %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// TestPagesInBrowser: scan, audit and diff pages of a fixture and of the
// real pyenv 3.11.7 installation open in Chromium without errors or
// requests, show the counts the JSON output gives, sort and filter by
// keyboard, and do not scroll sideways on a phone.
func TestPagesInBrowser(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	osvDir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	if _, err := os.Stat(osvDir); err != nil {
		t.Skip("PyPA advisory database not present in ../shared/corpus/osv")
	}
	db := filepath.Join(dir, "v.db")
	run(t, "db", "import", "-q", "--db", db, osvDir)
	venv := fixture.Venv(t, filepath.Join(dir, "venv"))
	// An image: its scan names layers, its audit reads the image's binaries.
	image := imagetest.DockerArchive(t, filepath.Join(dir, "app.tar"), "example.com/app:1", imagetest.PythonImage(t, true))
	targets := map[string]string{"venv": venv, "image": image}
	if site := filepath.Join(realdata.PyenvPrefix(t, "3.11.7"), "lib", "python3.11", "site-packages"); site != "" {
		targets["pyenv"] = site
	}
	for name, target := range targets {
		page := filepath.Join(dir, name+"-scan.html")
		js := run(t, "scan", "-q", "--db", db, "-o", "html="+page, "-o", "json", target)
		var res struct {
			Components int `json:"components"`
			Findings   []struct {
				VEX *struct{ Suppressed bool } `json:"vex"`
			} `json:"findings"`
			Unscanned []any `json:"unscanned"`
		}
		if err := json.Unmarshal([]byte(js), &res); err != nil {
			t.Fatal(err)
		}
		facts := checkInBrowser(t, ctx, name+"-scan", page)
		if facts["components"] != fmt.Sprint(res.Components) || facts["findings"] != fmt.Sprint(len(res.Findings)) || facts["not scanned"] != fmt.Sprint(len(res.Unscanned)) {
			t.Errorf("%s: the page shows %v; the JSON has %d components, %d findings, %d not scanned", name, facts, res.Components, len(res.Findings), len(res.Unscanned))
		}
		apage := filepath.Join(dir, name+"-audit.html")
		ajs := run(t, "audit", "-q", "-o", "html="+apage, "-o", "json", target)
		var arep struct {
			Summary struct {
				Binaries int `json:"binaries"`
			} `json:"total"`
		}
		json.Unmarshal([]byte(ajs), &arep)
		afacts := checkInBrowser(t, ctx, name+"-audit", apage)
		if afacts["native binaries"] != fmt.Sprint(arep.Summary.Binaries) {
			t.Errorf("%s audit: the page shows %v binaries; the JSON %d", name, afacts["native binaries"], arep.Summary.Binaries)
		}
	}
	// The report of the real installation: SBOM, scan and audit at once.
	if _, ok := targets["pyenv"]; ok {
		rpage := filepath.Join(dir, "report.html")
		run(t, "report", "-q", "--db", db, "-o", "html="+rpage, realdata.PyenvPrefix(t, "3.11.7"))
		facts := checkInBrowser(t, ctx, "pyenv-report", rpage)
		if facts["components"] == "" || facts["native binaries"] == "" || facts["findings"] == "" {
			t.Errorf("report facts: %v", facts)
		}
		if fi, err := os.Stat(rpage); err != nil || fi.Size() > 3<<20 {
			t.Errorf("report page: %v, %d bytes (limit 3 MB)", err, fi.Size())
		}
	}
	// The report of an image.
	ipage := filepath.Join(dir, "image-report.html")
	run(t, "report", "-q", "--db", db, "-o", "html="+ipage, "docker-archive:"+image)
	if facts := checkInBrowser(t, ctx, "image-report", ipage); facts["components"] == "" || facts["native binaries"] == "" {
		t.Errorf("image report facts: %v", facts)
	}
	// Sort and filter by keyboard on the real page's findings.
	if _, ok := targets["pyenv"]; ok {
		keyboard(t, ctx, filepath.Join(dir, "pyenv-scan.html"))
	}
	// A diff page.
	a, b := filepath.Join(dir, "a.cdx.json"), filepath.Join(dir, "b.spdx.json")
	run(t, "sbom", "-q", venv, "-o", "cyclonedx-json="+a)
	os.WriteFile(filepath.Join(venv, "lib", "python3.12", "site-packages", "extra.py"), []byte("x = 1\n"), 0o644)
	run(t, "sbom", "-q", venv, "-o", "spdx-json="+b)
	dpage := filepath.Join(dir, "diff.html")
	run(t, "diff", "-q", "-o", "html="+dpage, a, b)
	checkInBrowser(t, ctx, "diff", dpage)
}

// keyboard filters the findings table by typing and sorts it with Enter
// on a column's button.
func keyboard(t *testing.T, ctx context.Context, file string) {
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	rows := `[...document.querySelectorAll('#findings tbody tr')].filter(r => !r.hidden).length`
	firstPkg := `document.querySelector('#findings tbody tr:not([hidden]) td:nth-child(3)').textContent`
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate("file://"+file), chromedp.WaitReady(chromedp.CSS("#findings tbody"))); err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(tab, chromedp.Evaluate[int](rows))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.Focus(chromedp.CSS("#findings-q")), chromedp.KeyEvent("urllib3")); err != nil {
		t.Fatal(err)
	}
	after, _ := chromedp.Run(tab, chromedp.Evaluate[int](rows))
	first, _ := chromedp.Run(tab, chromedp.Evaluate[string](firstPkg))
	// Clear the filter, then sort by package with the keyboard.
	if err := chromedp.Do(tab, chromedp.Focus(chromedp.CSS("#findings-q")), chromedp.KeyEvent(strings.Repeat(kb.Backspace, 7)),
		chromedp.Focus(chromedp.CSS("#findings thead th:nth-child(3) button")), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	firstSorted, _ := chromedp.Run(tab, chromedp.Evaluate[string](firstPkg))
	if after == 0 || after >= before {
		t.Errorf("filtering by urllib3: %d rows of %d shown", after, before)
	}
	if !strings.HasPrefix(firstSorted, "certifi") && !strings.HasPrefix(firstSorted, "idna") {
		t.Errorf("sorted by package with Enter: first row %q (was %q)", firstSorted, first)
	}
}

// TestHostilePageInBrowser: names, summaries, paths and VEX statements
// full of markup and javascript: URLs render as text; no script runs and
// no link has a javascript: scheme.
func TestHostilePageInBrowser(t *testing.T) {
	ctx := browser(t)
	const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>javascript:alert(3)`
	f := &scan.Finding{Component: "c", Name: hostile, Version: hostile, PURL: "pkg:pypi/x@1", ID: "javascript:alert(4)", Aliases: []string{hostile},
		Severity: "HIGH", Fixed: hostile, Advice: hostile, Carrier: &scan.Carrier{Name: hostile},
		VEX: &scan.VEXStatus{Status: "affected", ImpactStatement: hostile, Source: hostile}}
	doc := &output.Scan{DB: &vulndb.Status{Path: hostile, Records: 1}, Target: hostile, Tool: output.Tool{Name: "pysbom", Version: "test"},
		Result: &scan.Result{Components: 1, Scanned: 1, Findings: []*scan.Finding{f}, Unscanned: []scan.Unscanned{{Name: hostile, Reason: hostile}},
			VEXNotApplied: []scan.VEXNotApplied{{Source: hostile, Vulnerability: hostile, Products: []string{hostile}, Reason: hostile}}}}
	file := filepath.Join(t.TempDir(), "hostile.html")
	var b bytes.Buffer
	if err := output.Scans.Write(&b, "html", doc); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, b.Bytes(), 0o644)
	checkInBrowser(t, ctx, "hostile", file)
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(tab, chromedp.Navigate("file://"+file), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	js, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`[...document.querySelectorAll('a')].some(a => a.protocol === 'javascript:')`))
	imgs, _ := chromedp.Run(tab, chromedp.Evaluate[int](`document.images.length`))
	text, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.body.textContent.includes('<script>alert(1)</script>')`))
	if js || imgs != 0 || !text {
		t.Errorf("javascript: links %v, images %d, markup shown as text %v", js, imgs, text)
	}
}

// BenchmarkPageRender opens the pages $PYSBOM_BENCH_PAGES names (a list
// separated by the OS's path list separator) in headless Chromium and
// reports the browser's own navigation timing: the time to the first
// contentful paint and to the load event, and, when the page has a
// findings table, the time a filter takes. bench/report.sh runs it.
func BenchmarkPageRender(b *testing.B) {
	pages := filepath.SplitList(os.Getenv("PYSBOM_BENCH_PAGES"))
	if len(pages) == 0 {
		b.Skip("set PYSBOM_BENCH_PAGES to the pages to open (bench/report.sh does)")
	}
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		b.Skip("no Chromium installed")
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU)...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(alloc)
	defer cancel2()
	for _, p := range pages {
		b.Run(filepath.Base(p), func(b *testing.B) {
			var paint, load, filter float64
			for range b.N {
				tab, cancel := chromedp.NewContext(ctx)
				if err := chromedp.Do(tab, chromedp.Navigate("file://"+p), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
					b.Fatal(err)
				}
				m, err := chromedp.Run(tab, chromedp.Evaluate[map[string]float64](`(() => {
  const n = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const r = {load: n.loadEventEnd, paint: fcp ? fcp.startTime : n.domContentLoadedEventEnd, filter: -1};
  const q = document.querySelector('#findings-q');
  if (q) { const t0 = performance.now(); q.value = 'a'; q.dispatchEvent(new Event('input')); r.filter = performance.now() - t0; }
  return r;
})()`))
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				paint, load, filter = m["paint"], m["load"], m["filter"]
			}
			b.ReportMetric(paint, "ms-first-paint")
			b.ReportMetric(load, "ms-load")
			if filter >= 0 {
				b.ReportMetric(filter, "ms-filter")
			}
		})
	}
}
