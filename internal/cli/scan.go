package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/report"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/severity"
	"github.com/pysbom/pysbom/internal/vex"
	"github.com/pysbom/pysbom/internal/vulndb"
)

func runScan(ctx context.Context, e *env, args []string) error {
	// A scan allocates many short-lived records; a less eager collector
	// saves a tenth of a large scan's time and stays far under 150 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(250))
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dbPath := fs.String("db", defaultDB(e), "vulnerability database `FILE` (pysbom db import creates it)")
	format := choiceFlag{allowed: map[string]bool{"table": true, "json": true, "sarif": true, "cyclonedx": true, "cyclonedx-vex": true, "openvex": true, "csaf-vex": true}, value: "table"}
	fs.Var(&format, "o", "output `FORMAT`: table, json, sarif (SARIF 2.1.0), cyclonedx (CycloneDX 1.6 with vulnerabilities), cyclonedx-vex (the same, every vulnerability with an analysis) openvex or csaf-vex (the triage state as OpenVEX or CSAF 2.0 VEX: VEXed findings as stated, the rest under_investigation)")
	namespace := fs.String("vex-namespace", "urn:pysbom:publisher:unknown", "the publisher's `URI` -o csaf-vex names")
	author := fs.String("vex-author", "unknown", "the `AUTHOR` -o openvex and csaf-vex name")
	cpe := fs.Bool("cpe", false, "also match components by their CPEs against CPE records (NVD CVE JSON 2.0 feeds imported with db import); prone to false positives, labelled confidence=cpe")
	failOn := fs.String("fail-on", "", "exit 3 when a finding is at or above `SEVERITY` (LOW, MEDIUM, HIGH, CRITICAL); findings a distro package's changelog shows fixed, or VEX suppresses, do not count")
	failUnknown := fs.Bool("fail-on-unknown", false, "with --fail-on, count findings of unknown severity too (no record of the vulnerability gives one)")
	failUnscanned := fs.Bool("fail-on-unscanned", false, "exit 3 when any component could not be scanned (no version, a version that is not PEP 440, an ecosystem pysbom does not scan)")
	explain := fs.String("explain", "", "show the record, the range and the comparison behind the findings of vulnerability `ID`")
	in := inputFlagsOf(fs)
	maxAge := ageFlag{d: staleAfter}
	fs.Var(&maxAge, "max-db-age", "fail (exit 1) when a source of the database was imported longer than `AGE` ago (7d, 36h); without it, a source older than 7 days is a warning")
	var vexFiles listFlag
	fs.Var(&vexFiles, "vex", "apply the statements of VEX document `FILE`, OpenVEX or CycloneDX (repeatable); findings it shows not_affected or fixed are suppressed")
	vexProduct := fs.String("vex-product", "", "the `PURL` VEX statements name the scanned SBOM or target by, when its root has none or another")
	showSuppressed := fs.Bool("show-suppressed", false, "list the findings VEX suppresses in the table too")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: pysbom scan [flags] [SBOM|TARGET]")
		fmt.Fprintln(e.stderr, "\nMatches the PyPI components of an SBOM (SPDX or CycloneDX, any tool's) or of a target")
		fmt.Fprintln(e.stderr, "pysbom sbom reads against the local OSV database, offline.\n\nflags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return &usageError{"scan takes one SBOM or TARGET"}
	}
	var threshold severity.Rating
	if *failOn != "" {
		if threshold, err = severity.ParseRating(*failOn); err != nil || threshold < severity.Low {
			return &usageError{fmt.Sprintf("--fail-on %q: want LOW, MEDIUM, HIGH or CRITICAL", *failOn)}
		}
	}
	db, err := vulndb.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if err := checkAge(e.stderr, st, maxAge, time.Now()); err != nil {
		return err
	}
	arg := ""
	if len(pos) == 1 {
		arg = pos[0]
	}
	inv, embedded, err := scanInput(ctx, e, arg, in)
	if err != nil {
		return err
	}
	res, err := scan.ScanWith(ctx, inv, db, scan.Options{Changelog: localChangelog, CPE: *cpe})
	if err != nil {
		return err
	}
	if *vexProduct != "" {
		if !vex.ValidPURL(*vexProduct) {
			return &usageError{fmt.Sprintf("--vex-product %q: not a purl", *vexProduct)}
		}
		if inv.Root == nil {
			return fmt.Errorf("--vex-product: %s has no root component to name", arg)
		}
		inv.Root.PURL = *vexProduct
	}
	if len(embedded) > 0 || len(vexFiles) > 0 {
		if err := applyVEX(e.stderr, vexFiles, embedded, res, inv); err != nil {
			return err
		}
	}
	// People's formats are built in out and written at the end; the
	// machine formats, megabytes for a large scan, go out through direct
	// (their writers fail only on a failed write).
	var out bytes.Buffer
	var body []byte // the report, when written without out
	direct := bufio.NewWriterSize(e.stdout, 1<<20)
	switch {
	case *explain != "":
		explainFindings(&out, res, *explain)
	case format.value == "sarif":
		if err := report.SARIF(direct, res, inv, arg, Version); err != nil {
			return err
		}
	case format.value == "cyclonedx", format.value == "cyclonedx-vex":
		created, err := creationTime(e.getenv)
		if err != nil {
			return err
		}
		write := report.CycloneDX
		if format.value == "cyclonedx-vex" {
			write = report.CycloneDXVEX
		}
		if err := write(direct, res, inv, created, Version); err != nil {
			return err
		}
	case format.value == "openvex", format.value == "csaf-vex":
		created, err := creationTime(e.getenv)
		if err != nil {
			return err
		}
		stmts, skipped := vex.FromFindings(res, inv)
		if skipped > 0 {
			fmt.Fprintf(e.stderr, "pysbom: %d findings on components without a purl are not in the VEX document\n", skipped)
		}
		if format.value == "csaf-vex" {
			err = vex.WriteCSAF(direct, stmts, vex.CSAFPublisher{Name: *author, Namespace: *namespace}, "pysbom", Version, created)
		} else {
			err = vex.WriteOpenVEX(direct, stmts, *author, "pysbom "+Version, created)
		}
		if err != nil {
			return err
		}
	case format.value == "json":
		if body, err = report.AppendJSON(nil, st, res); err != nil { // not copied: a large scan's is megabytes
			return err
		}
	default:
		printScan(&out, st, res, *showSuppressed)
	}
	if err := direct.Flush(); err != nil {
		return err
	}
	if body == nil {
		body = out.Bytes()
	}
	if _, err := e.stdout.Write(body); err != nil {
		return err
	}
	if *failOn != "" {
		if n := res.Failing(threshold, *failUnknown); n > 0 {
			also := ""
			if *failUnknown {
				also = " (or of unknown severity)"
			}
			return &findingsError{fmt.Sprintf("%s at or above %s%s", count(n, "finding"), threshold, also)}
		}
	}
	if *failUnscanned && len(res.Unscanned) > 0 {
		return &findingsError{fmt.Sprintf("%s not scanned (--fail-on-unscanned)", count(len(res.Unscanned), "component"))}
	}
	return nil
}

// count says "1 finding", "2 findings", "2 binaries".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if stem, ok := strings.CutSuffix(noun, "y"); ok && !strings.HasSuffix(stem, "a") && !strings.HasSuffix(stem, "e") && !strings.HasSuffix(stem, "o") {
		return fmt.Sprintf("%d %sies", n, stem)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// staleAfter is the age at which a database source is worth a warning.
const staleAfter = 7 * 24 * time.Hour

// ageFlag is a duration that also takes days ("7d").
type ageFlag struct {
	d   time.Duration
	set bool
}

func (a *ageFlag) String() string { return a.d.String() }

func (a *ageFlag) Set(s string) error {
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n float64
		if n, err = strconv.ParseFloat(days, 64); err == nil {
			a.d = time.Duration(n * float64(24*time.Hour))
		}
	} else {
		a.d, err = time.ParseDuration(s)
	}
	if err != nil || a.d <= 0 {
		return fmt.Errorf("%q is not an age such as 7d or 36h", s)
	}
	a.set = true
	return nil
}

// checkAge refuses a database with no records, and warns about (or,
// with --max-db-age, refuses) a source whose newest record is older than
// the limit: data is as old as its newest advisory, not as its import.
func checkAge(w io.Writer, st *vulndb.Status, maxAge ageFlag, now time.Time) error {
	if st.Records == 0 {
		return fmt.Errorf("%s holds no advisories: a scan against it would find nothing (pysbom db update, or db import PATH)", st.Path)
	}
	for _, src := range st.Sources {
		if src.Newest.IsZero() {
			continue
		}
		age := now.Sub(src.Newest)
		if age <= maxAge.d {
			continue
		}
		how := fmt.Sprintf("its newest advisory was modified %s, %.0f days ago", src.Newest.UTC().Format("2006-01-02"), age.Hours()/24)
		if maxAge.set {
			return fmt.Errorf("%s: %s: %s, longer than --max-db-age %s allows (pysbom db update, or db import)", st.Path, src.Name, how, maxAge.d)
		}
		fmt.Fprintf(w, "pysbom: warning: %s: %s: %s; newer advisories are missing (pysbom db update, or db import)\n", st.Path, src.Name, how)
	}
	return nil
}

// localChangelog reads an installed Debian package's changelog.
func localChangelog(pkg string) (string, map[string]string, error) {
	c, err := dpkg.ReadChangelog(pkg)
	if err != nil {
		return "", nil, err
	}
	return c.Version, c.Fixed, nil
}

// scanInput reads an SBOM document, or builds the inventory of a target;
// embedded are the VEX statements a CycloneDX document carries. The
// document's bytes are let go as soon as they are read.
func scanInput(ctx context.Context, e *env, arg string, in inputFlags) (inv *inventory.Inventory, embedded []vex.Statement, err error) {
	// A regular file is an SBOM when it decodes as one (read once); a JSON
	// or XML file that is neither an SBOM nor a lock file is an error that
	// says so; a lock file, requirements file or anything else goes to
	// buildInventory.
	if isFile(arg) && !*in.lock && !lockfile.IsLockFile(arg) {
		data, err := readSBOM(arg)
		if err != nil {
			return nil, nil, err
		}
		inv, _, err := sbom.Decode(data)
		switch {
		case err == nil:
			return inv, embeddedVEX(data, arg), nil
		case !errors.Is(err, sbom.ErrUnknownFormat):
			return nil, nil, fmt.Errorf("%s: %w", arg, err)
		case sbom.LooksStructured(data) && lockfile.Detect(arg, data) == "":
			return nil, nil, fmt.Errorf("%s: %w", arg, err)
		}
	}
	inv, err = buildInventory(ctx, e, arg, extract.Options{}, in)
	return inv, nil, err
}

func printScan(out io.Writer, st *vulndb.Status, res *scan.Result, showSuppressed bool) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	fmt.Fprintf(w, "Scanned %s (%d matchable: PyPI, crates, Go modules, known C libraries) against %s: %d records, newest modified %s\n\n",
		count(res.Components, "component"), res.Scanned, st.Path, st.Records, st.Newest)
	findings := res.Findings
	if !showSuppressed {
		findings = unsuppressed(res.Findings)
	}
	hidden := len(res.Findings) - len(findings)
	if len(findings) == 0 {
		fmt.Fprintln(w, "No known vulnerabilities.")
		if hidden > 0 {
			fmt.Fprintf(w, "%s suppressed by VEX (--show-suppressed lists them).\n", count(hidden, "finding"))
		}
		printUnscanned(w, res.Unscanned)
		return
	}
	withVEX := false
	for _, f := range findings {
		withVEX = withVEX || f.VEX != nil
	}
	tw := display.NewTable(w)
	if withVEX {
		tw.Row("PACKAGE", "VERSION", "VULNERABILITY", "SEVERITY", "VEX", "ADVICE", "ALIASES")
	} else {
		tw.Row("PACKAGE", "VERSION", "VULNERABILITY", "SEVERITY", "ADVICE", "ALIASES")
	}
	pkgs := map[string]bool{}
	for _, f := range findings {
		pkgs[f.Component] = true
		name := f.Name
		if c := f.Carrier; c != nil {
			name += " (in " + strings.Join(append(slices.Clone(c.Through), strings.TrimSpace(c.Name+" "+c.Version)), " in ") + ")"
		}
		sev := f.Severity
		if f.Score > 0 {
			sev = fmt.Sprintf("%s %.1f", f.Severity, f.Score)
		}
		if withVEX {
			tw.Row(name, f.Version, f.ID, sev, vexCell(f), f.Advice, strings.Join(f.Aliases, ", "))
		} else {
			tw.Row(name, f.Version, f.ID, sev, f.Advice, strings.Join(f.Aliases, ", "))
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s in %s.\n", count(len(findings), "finding"), count(len(pkgs), "component"))
	if n := (&scan.Result{Findings: findings}).NoSeverity(); n > 0 {
		verb := map[bool]string{true: "has", false: "have"}[n == 1]
		fmt.Fprintf(w, "%d of them %s no severity in any record of the database (UNKNOWN; --fail-on counts them with --fail-on-unknown).\n", n, verb)
	}
	if hidden > 0 {
		fmt.Fprintf(w, "%s suppressed by VEX (--show-suppressed lists them).\n", count(hidden, "finding"))
	}
	printUnscanned(w, res.Unscanned)
}

// printUnscanned lists the components no advisory could match: a table
// without them would read as if they were clean.
func printUnscanned(w io.Writer, us []scan.Unscanned) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s not scanned (no advisory could match %s):\n", count(len(us), "component"), map[bool]string{true: "it", false: "them"}[len(us) == 1])
	tw := display.NewTable(w)
	for i, u := range us {
		if i == 20 {
			tw.Flush()
			fmt.Fprintf(w, "  ... and %d more (-o json lists all)\n", len(us)-20)
			return
		}
		tw.Row("  "+strings.TrimSpace(u.Name+" "+u.Version), u.Reason)
	}
	tw.Flush()
}

func explainFindings(out io.Writer, res *scan.Result, id string) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	t := display.Text
	n := 0
	for _, f := range res.Findings {
		hit := f.ID == id
		for _, a := range f.Aliases {
			hit = hit || a == id
		}
		if !hit {
			continue
		}
		n++
		r := f.Record()
		fmt.Fprintf(w, "%s %s (%s)\n  record:   %s (modified %s)\n  aliases:  %s\n  summary:  %s\n  matched:  %s\n  verdict:  %s %s is affected; %s\n",
			t(f.Name), t(f.Version), t(f.Component), t(r.ID), t(r.Modified), t(strings.Join(f.Aliases, ", ")), t(f.Summary), t(f.How), t(f.Name), t(f.Version), t(f.Advice))
		if f.Vector != "" {
			fmt.Fprintf(w, "  severity: %s %.1f from %s\n", f.Severity, f.Score, t(f.Vector))
		}
		for _, d := range f.Diagnostics {
			fmt.Fprintf(w, "  note:     %s\n", t(d))
		}
		if v := f.VEX; v != nil {
			fmt.Fprintf(w, "  vex:      %s from %s (suppressed: %v)\n", t(vexCell(f)), t(v.Source), v.Suppressed)
			if v.ImpactStatement != "" {
				fmt.Fprintf(w, "  impact:   %s\n", t(v.ImpactStatement))
			}
		}
	}
	if n == 0 {
		fmt.Fprintf(w, "No finding of %s in this scan.\n", t(id))
	}
}

// vexCell is the VEX column of a finding: the status and justification,
// marked when the finding is suppressed.
func vexCell(f *scan.Finding) string {
	if f.VEX == nil {
		return "-"
	}
	c := f.VEX.Status
	if f.VEX.Justification != "" {
		c += " (" + f.VEX.Justification + ")"
	}
	if f.VEX.Suppressed {
		c += " [suppressed]"
	}
	return c
}
