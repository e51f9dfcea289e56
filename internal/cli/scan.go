package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/config"
	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/image"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/severity"
	"github.com/pysbom/pysbom/internal/vex"
	"github.com/pysbom/pysbom/internal/vulndb"
)

func scanCommand() *command {
	return &command{
		name: "scan", args: "[SBOM|TARGET...]",
		summary: "known vulnerabilities of an SBOM's or a target's components, offline",
		help: `Matches the components of an SBOM (SPDX or CycloneDX, any tool's) or of a target pysbom
sbom reads (PyPI packages, Rust crates, Go modules, known C libraries) against the local OSV
database, offline. Several targets (the lock files a commit changed) are each reported as a table or
Markdown. A container image or root file system (docker-archive:, oci-dir:, oci-archive:,
registry:, dir:) has its distro packages matched too (Debian, Ubuntu, Alpine, Wolfi, RHEL,
AlmaLinux, Rocky Linux: pysbom db update --ecosystem NAME fetches their records), and each
finding names the image layer that brought it.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			o := scanFlags(fs, e)
			o.outs = newOutputs(fs, output.Scans, output.Scans.Default)
			fs.StringVar(&o.namespace, "vex-namespace", "urn:pysbom:publisher:unknown", "the publisher's `URI` -o csaf names")
			fs.StringVar(&o.author, "vex-author", "unknown", "the `AUTHOR` -o openvex and csaf name")
			fs.StringVar(&o.explain, "explain", "", "show the record, the range and the comparison behind the findings of vulnerability `ID`")
			fs.BoolVar(&o.showSuppressed, "show-suppressed", false, "list the findings VEX suppresses in the table too")
			return func(ctx context.Context, pos []string) error { return runScan(ctx, e, pos, o) }
		},
	}
}

// scanFlags registers what decides a scan's findings: the database, the
// matching, VEX and ignore rules, and what fails it. scan and report
// share them.
func scanFlags(fs *flag.FlagSet, e *env) *scanOptions {
	o := &scanOptions{}
	fs.StringVar(&o.db, "db", defaultDB(e), "vulnerability database `FILE` (pysbom db import creates it)")
	fs.BoolVar(&o.cpe, "cpe", false, "also match components by their CPEs against CPE records (NVD CVE JSON 2.0 feeds imported with db import); prone to false positives, labelled confidence=cpe")
	fs.StringVar(&o.failOn, "fail-on", "", "exit 3 when a finding is at or above `SEVERITY` (LOW, MEDIUM, HIGH, CRITICAL); findings a distro package's changelog shows fixed, or VEX suppresses, do not count")
	fs.BoolVar(&o.failUnknown, "fail-on-unknown", false, "with --fail-on, count findings of unknown severity too (no record of the vulnerability gives one)")
	fs.BoolVar(&o.failUnscanned, "fail-on-unscanned", false, "exit 3 when any component could not be scanned (no version, a version that is not PEP 440, an ecosystem pysbom does not scan)")
	o.in = inputFlagsOf(fs)
	o.maxAge = ageFlag{d: staleAfter}
	fs.Var(&o.maxAge, "max-db-age", "fail (exit 1) when a source of the database was imported longer than `AGE` ago (7d, 36h); without it, a source older than 7 days is a warning")
	fs.Var(&o.vexFiles, "vex", "apply the statements of VEX document `FILE`, OpenVEX or CycloneDX (repeatable); findings it shows not_affected or fixed are suppressed")
	fs.StringVar(&o.vexProduct, "vex-product", "", "the `PURL` VEX statements name the scanned SBOM or target by, when its root has none or another")
	fs.Var(&o.ignores, "ignore", "ignore the findings of vulnerability `ID[=REASON]` (repeatable); [[ignore]] rules in the configuration file do the same with a package, a reason and an end date")
	return o
}

type scanOptions struct {
	db, namespace, author, failOn, explain, vexProduct string
	cpe, failUnknown, failUnscanned, showSuppressed    bool
	outs                                               *outputsFlag
	in                                                 inputFlags
	maxAge                                             ageFlag
	vexFiles, ignores                                  listFlag
	threshold                                          severity.Rating
}

// check reads the flags that need more than the flag package's parsing.
func (o *scanOptions) check() error {
	if o.failOn != "" {
		var err error
		if o.threshold, err = severity.ParseRating(o.failOn); err != nil || o.threshold < severity.Low {
			return &usageError{msg: fmt.Sprintf("--fail-on %q: want LOW, MEDIUM, HIGH or CRITICAL", o.failOn)}
		}
	}
	if o.vexProduct != "" && !vex.ValidPURL(o.vexProduct) {
		return &usageError{msg: fmt.Sprintf("--vex-product %q: not a purl", o.vexProduct)}
	}
	return nil
}

// openDB opens the database and checks it holds advisories recent enough.
func (o *scanOptions) openDB(ctx context.Context, e *env) (*vulndb.DB, *vulndb.Status, error) {
	db, err := vulndb.Open(o.db)
	if err != nil {
		return nil, nil, err
	}
	st, err := db.Status(ctx)
	if err == nil {
		err = checkAge(e.stderr, st, o.maxAge, time.Now())
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, st, nil
}

// scan matches inv against db and applies VEX (the documents given, the
// statements the SBOM carried, the ignore rules).
func (o *scanOptions) scan(ctx context.Context, e *env, db *vulndb.DB, inv *inventory.Inventory, embedded []vex.Statement, arg string) (*scan.Result, error) {
	res, err := scan.ScanWith(ctx, inv, db, scan.Options{Changelog: localChangelog, CPE: o.cpe})
	if err != nil {
		return nil, err
	}
	if o.vexProduct != "" {
		if inv.Root == nil {
			return nil, fmt.Errorf("--vex-product: %s has no root component to name", arg)
		}
		inv.Root.PURL = o.vexProduct
	}
	// Ignore rules are VEX statements of their own.
	var rules []config.Ignore
	file := "--ignore"
	if e.config != nil {
		rules, file = e.config.Ignore, e.config.File
	}
	ignored := ignoreStatements(rules, file, res, rootPURL(inv), time.Now())
	var flagRules []config.Ignore
	for _, v := range o.ignores {
		flagRules = append(flagRules, parseIgnoreFlag(v))
	}
	ignored = append(ignored, ignoreStatements(flagRules, "--ignore", res, rootPURL(inv), time.Now())...)
	if len(embedded) > 0 || len(o.vexFiles) > 0 || len(ignored) > 0 {
		if err := applyVEX(e.stderr, o.vexFiles, append(embedded, ignored...), res, inv); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// gate is the exit the findings ask for: exit 3 when --fail-on or
// --fail-on-unscanned holds.
func (o *scanOptions) gate(res *scan.Result) error {
	if o.failOn != "" {
		if n := res.Failing(o.threshold, o.failUnknown); n > 0 {
			also := ""
			if o.failUnknown {
				also = " (or of unknown severity)"
			}
			return &findingsError{fmt.Sprintf("%s at or above %s%s", output.Count(n, "finding"), o.threshold, also)}
		}
	}
	if o.failUnscanned && len(res.Unscanned) > 0 {
		return &findingsError{fmt.Sprintf("%s not scanned (--fail-on-unscanned)", output.Count(len(res.Unscanned), "component"))}
	}
	return nil
}

func runScan(ctx context.Context, e *env, pos []string, o *scanOptions) error {
	// A scan allocates many short-lived records; a less eager collector
	// saves a tenth of a large scan's time and stays far under 150 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(250))
	outs, err := o.outs.outputs()
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		// Several targets (the lock files a commit changed): a report
		// each, for people; machine formats take one target at a time.
		for _, x := range outs {
			if x.file != "" || (x.format != "table" && x.format != "markdown") || o.explain != "" {
				return &usageError{msg: "several targets are scanned only to a table or markdown on standard output; scan one target per -o " + x.format}
			}
		}
	}
	if err := o.check(); err != nil {
		return err
	}
	db, st, err := o.openDB(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(pos) > 1 {
		var failed []string
		for _, arg := range pos {
			fmt.Fprintf(e.stdout, "== %s\n", display.Text(arg))
			if err := o.scanOne(ctx, e, db, st, arg); err != nil {
				var fe *findingsError
				if !errors.As(err, &fe) {
					return err
				}
				failed = append(failed, arg+": "+fe.msg)
			}
			fmt.Fprintln(e.stdout)
		}
		if len(failed) > 0 {
			return &findingsError{strings.Join(failed, "; ")}
		}
		return nil
	}
	arg := ""
	if len(pos) == 1 {
		arg = pos[0]
	}
	return o.scanOne(ctx, e, db, st, arg)
}

// scanOne scans one SBOM or target and writes its outputs.
func (o *scanOptions) scanOne(ctx context.Context, e *env, db *vulndb.DB, st *vulndb.Status, arg string) error {
	inv, embedded, err := scanInput(ctx, e, arg, o.in)
	if err != nil {
		return err
	}
	res, err := o.scan(ctx, e, db, inv, embedded, arg)
	if err != nil {
		return err
	}
	if o.explain != "" {
		if err := writeAtomic("", e.stdout, func(w io.Writer) error { return output.Explain(w, res, o.explain) }); err != nil {
			return err
		}
		return o.gate(res)
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	doc := &output.Scan{DB: st, Result: res, Inventory: inv, Target: arg, Created: created, Tool: tool(),
		ShowSuppressed: o.showSuppressed, VEXAuthor: o.author, VEXNamespace: o.namespace,
		Warn: func(format string, args ...any) { fmt.Fprintf(e.stderr, "pysbom: "+format+"\n", args...) }}
	if err := o.outs.write(e.stdout, func(w io.Writer, format string) error { return output.Scans.Write(w, format, doc) }); err != nil {
		return err
	}
	return o.gate(res)
}

func rootPURL(inv *inventory.Inventory) string {
	if inv.Root == nil {
		return ""
	}
	return inv.Root.PURL
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
	// buildInventory, as does an image archive.
	if _, isImage := image.Detect(arg); isFile(arg) && !isImage && !*in.lock && !lockfile.IsLockFile(arg) {
		inv, format, data, err := decodeSBOM(arg)
		switch {
		case err == nil:
			if data == nil && format == "cyclonedx" && hasAnalysis(arg) {
				data, _ = readSBOM(arg) // the VEX it carries refers to its components
			}
			return inv, embeddedVEX(data, arg), nil
		case !errors.Is(err, sbom.ErrUnknownFormat):
			return nil, nil, fmt.Errorf("%s: %w", arg, err)
		}
		notSBOM := err
		if data == nil {
			if data, err = readSBOM(arg); err != nil {
				return nil, nil, err
			}
		}
		if sbom.LooksStructured(data) && lockfile.Detect(arg, data) == "" {
			return nil, nil, fmt.Errorf("%s: %w", arg, notSBOM)
		}
	}
	inv, err = buildInventory(ctx, e, arg, extract.Options{}, in)
	return inv, nil, err
}
