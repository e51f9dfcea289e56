// Package scan matches the components of an inventory against the local
// vulnerability database and reports findings: one per component and
// group of aliased records, with the fix on the matched branch, the
// severity computed from CVSS vectors, and labels where the answer needs
// care (a distro package whose fix may be backported, an open range, a
// version that cannot be parsed). A copy a package carries is advised as
// an upgrade of its carrier (Carrier). The components no advisory could
// match are listed with why (Unscanned), and the VEX statements that
// decided nothing with why (VEXNotApplied, filled by package vex).
package scan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/match"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/severity"
)

// Source gives the records for a package; *vulndb.DB is one.
type Source interface {
	Lookup(ctx context.Context, ecosystem, name string) ([]*osv.Record, error)
}

// Options refine a scan.
type Options struct {
	// Changelog, when set, returns the version of an installed distro
	// package and the CVEs its changelog says are fixed (by version). A
	// finding on a component of that package version whose ID or alias
	// the changelog names is labelled fixed-by-distro.
	Changelog func(pkg string) (version string, fixed map[string]string, err error)
	// CPE also matches components by their CPEs against CPE records (NVD
	// feeds imported into the database); off by default, as CPE matching
	// is prone to false positives. Such findings are labelled
	// confidence=cpe.
	CPE bool
}

// bulkSource is a Source that can return the records of many names in
// one pass.
type bulkSource interface {
	LookupAll(ctx context.Context, ecosystem string, names []string) (map[string][]*osv.Record, error)
}

// nameLister is a Source that can list the names it has records for.
type nameLister interface {
	Names(ctx context.Context, ecosystem string) (map[string]bool, error)
}

// Finding is one vulnerability of one component.
type Finding struct {
	Component string   `json:"component"` // inventory ID
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	PURL      string   `json:"purl,omitempty"`
	ID        string   `json:"id"`      // the record that matched
	Aliases   []string `json:"aliases"` // every other ID of the same vulnerability
	Summary   string   `json:"summary,omitempty"`
	Severity  string   `json:"severity"`
	Score     float64  `json:"score,omitempty"`
	Vector    string   `json:"vector,omitempty"`
	Fixed     string   `json:"fixed,omitempty"`
	// Advice is the fix advice for people.
	Advice string `json:"advice"`
	// Labels: "distro-package", "fixed-by-distro", "distro-affected",
	// "open-range", "version-unparseable", "carried"; "native" for a
	// component outside PyPI (a crate, a Go module, a C library), with
	// "confidence=tag" when a C library matched by its release tag.
	Labels []string `json:"labels,omitempty"`
	// How says what matched: versions[] or the range's events.
	How         string   `json:"how"`
	Diagnostics []string `json:"diagnostics,omitempty"`
	// SeverityFrom names the record the severity was taken from when it
	// is not the finding's own (an alias's, such as a GHSA or NVD record).
	SeverityFrom string `json:"severityFrom,omitempty"`
	// Carrier is the package the component is carried in, if any; the
	// advice is then to upgrade it.
	Carrier *Carrier `json:"carrier,omitempty"`
	// VEX is the VEX statement that applies, if any.
	VEX *VEXStatus `json:"vex,omitempty"`
	// Location is where the component is installed (a site directory, an
	// interpreter's path), when the SBOM says.
	Location string `json:"location,omitempty"`
	// Layer is the image layer that brought the component's version
	// (the Dockerfile line to change), for a component of an image.
	Layer        *Layer `json:"layer,omitempty"`
	record       *osv.Record
	lastAffected string
}

// Layer is an image layer, by its diff ID and the history line that made it.
type Layer struct {
	DiffID    string `json:"diffID"`
	CreatedBy string `json:"createdBy,omitempty"`
}

// placeOf finds where component p is: its location, and the layer that
// brought its version (the last that changed it, else the one that added it).
func placeOf(p *inventory.Package) (string, *Layer) {
	loc := ""
	if p.Python != nil {
		loc = p.Python.Location
	}
	var added, changed Layer
	for _, pr := range p.Properties {
		switch pr.Name {
		case inventory.PropLayerAdded:
			added.DiffID = pr.Value
		case inventory.PropLayerAddedBy:
			added.CreatedBy = pr.Value
		case inventory.PropLayerChanged:
			changed.DiffID = pr.Value
		case inventory.PropLayerChangedBy:
			changed.CreatedBy = pr.Value
		case inventory.PropInterpreterPath:
			if loc == "" {
				loc = pr.Value
			}
		}
	}
	switch {
	case changed.DiffID != "":
		return loc, &changed
	case added.DiffID != "":
		return loc, &added
	}
	return loc, nil
}

// VEXStatus is what a VEX statement says of a finding.
type VEXStatus struct {
	Status          string `json:"status"`
	Justification   string `json:"justification,omitempty"`
	ImpactStatement string `json:"impactStatement,omitempty"`
	ActionStatement string `json:"actionStatement,omitempty"`
	Source          string `json:"source"`
	// Suppressed is true when not_affected or fixed statements cover the
	// component on every path from the root.
	Suppressed bool `json:"suppressed"`
}

// Suppressed reports whether VEX suppresses the finding.
func (f *Finding) Suppressed() bool { return f.VEX != nil && f.VEX.Suppressed }

// Record returns the OSV record behind the finding.
func (f *Finding) Record() *osv.Record { return f.record }

// FixedByDistro reports whether the distro package that ships the
// component says (in its changelog) that it fixed the vulnerability.
func (f *Finding) FixedByDistro() bool {
	for _, l := range f.Labels {
		if l == "fixed-by-distro" {
			return true
		}
	}
	return false
}

// Rating is the finding's severity rating.
func (f *Finding) Rating() severity.Rating {
	r, _ := severity.ParseRating(f.Severity)
	return r
}

// Result is a scan.
type Result struct {
	Components int        `json:"components"`
	Scanned    int        `json:"scanned"` // components with an identity the database can match
	Findings   []*Finding `json:"findings"`
	// Unscanned are the components no advisory could match, and why:
	// silence about them would read as "no known vulnerabilities".
	Unscanned []Unscanned `json:"unscanned"`
	// VEXNotApplied are the VEX statements that decided no finding: a
	// stale statement (its product renamed, its vulnerability gone) is
	// said, not silently ignored.
	VEXNotApplied []VEXNotApplied `json:"vexNotApplied"`
}

// VEXNotApplied is a VEX statement that applied to no finding, and why.
type VEXNotApplied struct {
	Source        string   `json:"source"` // the file it came from
	Vulnerability string   `json:"vulnerability"`
	Status        string   `json:"status"`
	Products      []string `json:"products"`
	Reason        string   `json:"reason"`
}

// Unscanned is a component the scan could not match.
type Unscanned struct {
	Component string `json:"component"` // inventory ID
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	PURL      string `json:"purl,omitempty"`
	Reason    string `json:"reason"`
}

// Failing counts the findings a gate fails on: not suppressed by VEX, not
// fixed by the distro, at or above threshold; of unknown severity only
// when unknown is set.
func (r *Result) Failing(threshold severity.Rating, unknown bool) int {
	n := 0
	for _, f := range r.Findings {
		if f.FixedByDistro() || f.Suppressed() {
			continue
		}
		if rt := f.Rating(); rt == severity.Unknown && unknown || rt != severity.Unknown && rt >= threshold {
			n++
		}
	}
	return n
}

// NoSeverity counts the findings whose records give no severity.
func (r *Result) NoSeverity() int {
	n := 0
	for _, f := range r.Findings {
		if f.Rating() == severity.Unknown {
			n++
		}
	}
	return n
}

// Scan matches every PyPI component of inv.
func Scan(ctx context.Context, inv *inventory.Inventory, src Source) (*Result, error) {
	return ScanWith(ctx, inv, src, Options{})
}

// ScanWith is Scan with options.
func ScanWith(ctx context.Context, inv *inventory.Inventory, src Source, opt Options) (*Result, error) {
	res := &Result{Findings: []*Finding{}, Unscanned: []Unscanned{}}
	all := inv.Packages
	if inv.Root != nil {
		all = append([]*inventory.Package{inv.Root}, all...)
	}
	s := newScanner(ctx, inv, all, src, opt)
	// Each name is looked up, and its records compiled, once per scan;
	// names the source has no record for are not asked about.
	var known map[string]bool
	if nl, lists := src.(nameLister); lists {
		var err error
		if known, err = nl.Names(ctx, "PyPI"); err != nil {
			return nil, err
		}
	}
	// A component's name is all that is kept until the source is known
	// to have records for it: a million components cost a million names,
	// not a million parsed queries.
	keys := make([]string, len(all)) // "" when not a PyPI component
	for i, p := range all {
		if name, _, ok := pypiIdentity(p); ok {
			keys[i] = pep503.Normalize(name)
		}
	}
	nameOf := func(i int) string { name, _, _ := pypiIdentity(all[i]); return name }
	if err := prefetch(ctx, src, keys, nameOf, known, s.cache); err != nil {
		return nil, err
	}
	queries := make([]*match.Query, len(all)) // nil: no record names the component's name
	for i, p := range all {
		if keys[i] != "" && len(s.cache[keys[i]]) > 0 {
			name, version, _ := pypiIdentity(p)
			queries[i] = match.NewQuery(name, version)
		}
	}
	hits := matchAll(ctx, queries, s.cache)
	// A database without a distribution's advisories cannot clear its
	// packages: those are said to be not scanned, not counted as clean.
	noAdvisories := map[string]bool{}
	if nl, lists := src.(nameLister); lists {
		for _, p := range all {
			dp, ok := osPackage(p)
			if _, asked := noAdvisories[dp.ecosystem]; !ok || asked {
				continue
			}
			names, err := nl.Names(ctx, dp.ecosystem)
			if err != nil {
				return nil, err
			}
			noAdvisories[dp.ecosystem] = len(names) == 0
		}
	}
	for i, p := range all {
		res.Components++
		var found []*Finding
		var err error
		dp, isOS := osPackage(p)
		switch {
		case removedBy(p) != "":
			res.Unscanned = append(res.Unscanned, Unscanned{Component: p.ID, Name: p.Name, Version: p.Version, PURL: p.PURL,
				Reason: "an earlier layer held it and a later one removed it (" + removedBy(p) + "): the image does not"})
		case keys[i] != "":
			res.Scanned++
			if q := queries[i]; q != nil && q.Unparseable() {
				res.Unscanned = append(res.Unscanned, Unscanned{Component: p.ID, Name: p.Name, Version: q.Version(), PURL: p.PURL,
					Reason: fmt.Sprintf("version %q is not a PEP 440 version: only advisories that list it exactly can match", q.Version())})
			}
			found, err = s.pypi(p, queries[i], hits[i])
		case s.matchable(p):
			res.Scanned++
			found, err = s.native(p)
		case isOS && s.shipsPython[p.ID]:
			res.Unscanned = append(res.Unscanned, Unscanned{Component: p.ID, Name: p.Name, Version: p.Version, PURL: p.PURL,
				Reason: fmt.Sprintf("pkg:%s: the Python packages it ships are matched, with %s's advisories, in its stead", dp.purlType, dp.ecosystem)})
		case isOS && noAdvisories[dp.ecosystem]:
			res.Unscanned = append(res.Unscanned, Unscanned{Component: p.ID, Name: p.Name, Version: p.Version, PURL: p.PURL,
				Reason: fmt.Sprintf("pkg:%s: the database holds no %s advisories (pysbom db update --ecosystem %s)", dp.purlType, dp.ecosystem, dp.ecosystem)})
		case isOS:
			res.Scanned++
			found, err = s.distroPackage(p, dp)
		case inv.Root == nil || p.ID != inv.Root.ID: // the root is the subject, not a component to match
			res.Unscanned = append(res.Unscanned, Unscanned{Component: p.ID, Name: p.Name, Version: p.Version, PURL: p.PURL,
				Reason: notScanned(p, opt.CPE)})
		}
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, dedupe(found)...)
	}
	if err := aliasSeverities(ctx, src, res.Findings); err != nil {
		return nil, err
	}
	sortFindings(res.Findings)
	return res, nil
}

// scanner is one scan's state: the source, its caches, and what the
// inventory says of each component's place (a distro package's file, a
// carried copy).
type scanner struct {
	ctx         context.Context
	src         Source
	opt         Options
	cache       map[string][]*match.Compiled // PyPI name -> compiled records
	debCache    map[string][]*osv.Record     // "Debian/SOURCE", "Alpine/ORIGIN" -> records
	nativeCache map[string][]*osv.Record
	distroOwned map[string]*inventory.Package   // component -> the distro package containing it
	carried     map[string][]*inventory.Package // component -> its carriers, innermost first
	shipsPython map[string]bool                 // distro package -> it CONTAINS a PyPI component
	changelogs  map[string]changelog            // distro package name -> what its changelog in the inventory says
	image       bool                            // an image or root file system: this system's changelogs are not its
}

func newScanner(ctx context.Context, inv *inventory.Inventory, all []*inventory.Package, src Source, opt Options) *scanner {
	s := &scanner{ctx: ctx, src: src, opt: opt, cache: map[string][]*match.Compiled{}, debCache: map[string][]*osv.Record{},
		nativeCache: map[string][]*osv.Record{}, distroOwned: map[string]*inventory.Package{}, carried: carriers(inv),
		shipsPython: map[string]bool{}, changelogs: changelogsOf(all),
		image: inv.Root != nil && (inv.Root.Kind == inventory.KindImage || inv.Root.Prop(inventory.PropImageDistro) != "")}
	byID := map[string]*inventory.Package{}
	for _, p := range all {
		byID[p.ID] = p
	}
	for _, r := range inv.Relationships {
		from := byID[r.From]
		if r.Type != inventory.Contains || from == nil || !isDistro(from) {
			continue
		}
		if isOSDistro(from) {
			s.distroOwned[r.To] = from
		}
		if to := byID[r.To]; to != nil {
			if _, _, ok := pypiIdentity(to); ok {
				s.shipsPython[from.ID] = true
			}
		}
	}
	return s
}

// matchable reports whether a component outside PyPI can be matched: by
// its purl (a crate, a Go module, a known C library) or, with --cpe, by
// its CPEs.
func (s *scanner) matchable(p *inventory.Package) bool {
	_, byPURL := nativeQueryOf(p)
	return byPURL || s.opt.CPE && len(p.More().CPEs) > 0
}

// native matches a component outside PyPI.
func (s *scanner) native(p *inventory.Package) ([]*Finding, error) {
	var found []*Finding
	if nq, byPURL := nativeQueryOf(p); byPURL {
		f, err := native(s.ctx, s.src, s.nativeCache, p, nq)
		if err != nil {
			return nil, err
		}
		found = f
	}
	if s.opt.CPE && len(p.More().CPEs) > 0 {
		f, err := cpeFindings(s.ctx, s.src, s.nativeCache, p)
		if err != nil {
			return nil, err
		}
		found = append(found, f...)
	}
	if c := s.carried[p.ID]; len(c) > 0 {
		for _, f := range found {
			carry(f, p, c)
		}
	}
	return found, nil
}

// pypi turns the records that affect a PyPI component into findings.
func (s *scanner) pypi(p *inventory.Package, q *match.Query, hits []hit) ([]*Finding, error) {
	var found []*Finding
	for _, h := range hits {
		rec, m := h.c.Record(), h.m
		f := newFinding(p, q.Version(), rec, m, q.Name())
		if c := s.carried[p.ID]; len(c) > 0 {
			carry(f, p, c)
		}
		if m.Open {
			f.Labels = append(f.Labels, "open-range")
			if note := openRangeNote(rec); note != "" {
				f.Advice += "; the advisory says: " + note
			}
		}
		if m.Unparseable {
			f.Labels = append(f.Labels, "version-unparseable")
		}
		if p.Distro != nil || s.distroOwned[p.ID] != nil {
			if err := s.distroAdvice(f, p, rec); err != nil {
				return nil, err
			}
		}
		found = append(found, f)
	}
	return found, nil
}

// sortFindings puts the worst first; then by package.
func sortFindings(fs []*Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := a.Rating(), b.Rating(); ra != rb {
			return ra > rb
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		return a.ID < b.ID
	})
}

// notScanned says why no advisory can match component p.
func notScanned(p *inventory.Package, cpe bool) string {
	if p.PURL == "" {
		if len(p.More().CPEs) > 0 {
			return "no package URL; its CPE is matched only with --cpe"
		}
		return "no package URL or CPE: nothing names it in an advisory database"
	}
	u, err := packageurl.FromString(p.PURL)
	if err != nil {
		return fmt.Sprintf("package URL %q does not parse", p.PURL)
	}
	if u.Version == "" && p.Version == "" {
		if u.Type == "pypi" {
			return "no version (an unpinned requirement): which advisories apply is unknown"
		}
		return "no version: which advisories apply is unknown"
	}
	more := ""
	if len(p.More().CPEs) > 0 && !cpe {
		more = "; its CPE is matched only with --cpe"
	}
	switch u.Type {
	case "generic":
		return "pkg:generic/" + u.Name + ": not a library pysbom maps to an upstream repository's advisories" + more
	case "deb":
		return "pkg:deb: a Debian package is matched only with its distro qualifier (debian-N)" + more
	case "conda":
		return "pkg:conda: no advisory database covers conda packages; the Python distributions they install are matched as PyPI packages" + more
	case "apk":
		if u.Namespace != "alpine" {
			return "pkg:apk/" + u.Namespace + ": this distribution's advisories are not matched (Alpine's, Wolfi's and Chainguard's are)" + more
		}
		return "pkg:apk: an Alpine package is matched only with its distro qualifier (alpine-X.Y)" + more
	case "rpm":
		if u.Namespace != "" && rpmEcosystems[u.Namespace] != "" {
			return "pkg:rpm: a " + rpmEcosystems[u.Namespace] + " package is matched only with its distro qualifier (its major release)" + more
		}
		return "pkg:rpm/" + u.Namespace + ": this distribution's advisories are not matched (Red Hat's, AlmaLinux's and Rocky Linux's are; the Python packages it ships are)" + more
	}
	return "pkg:" + u.Type + ": not an ecosystem pysbom scans" + more
}

// idSource is a Source that can return records by ID.
type idSource interface {
	Records(ctx context.Context, ids []string) (map[string]*osv.Record, error)
}

// aliasSeverities gives a finding without a severity the highest one a
// record of its aliases gives (a PYSEC record carries none; the GHSA or
// NVD record of the same vulnerability often does), and names that record.
func aliasSeverities(ctx context.Context, src Source, fs []*Finding) error {
	ids, ok := src.(idSource)
	if !ok {
		return nil
	}
	var want []string
	for _, f := range fs {
		if f.Rating() == severity.Unknown {
			want = append(want, f.Aliases...)
		}
	}
	if len(want) == 0 {
		return nil
	}
	slices.Sort(want)
	recs, err := ids.Records(ctx, slices.Compact(want))
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.Rating() != severity.Unknown {
			continue
		}
		for _, a := range f.Aliases {
			rec := recs[a]
			if rec == nil {
				continue
			}
			var g Finding
			rate(&g, rec, f.Name)
			if g.Rating() != severity.Unknown && (g.Rating() > f.Rating() || g.Score > f.Score) {
				f.Severity, f.Score, f.Vector, f.SeverityFrom = g.Severity, g.Score, g.Vector, rec.ID
			}
		}
	}
	return nil
}

// newFinding is record rec affecting component p at version, as m found
// it: rated (name is the affected package's name in the record) and with
// the fix advice.
func newFinding(p *inventory.Package, version string, rec *osv.Record, m match.Result, name string) *Finding {
	f := &Finding{Component: p.ID, Name: p.Name, Version: version, PURL: p.PURL, ID: rec.ID, Aliases: rec.Aliases,
		Summary: summary(rec), How: m.How, Fixed: m.Fixed, Diagnostics: m.Diagnostics, record: rec, lastAffected: m.LastAffected}
	rate(f, rec, name)
	f.Location, f.Layer = placeOf(p)
	switch {
	case strings.HasPrefix(m.Fixed, "commit "): // a GIT range fixed by a commit no release tag names
		f.Advice = "upgrade to a release that contains " + m.Fixed
	case m.Fixed != "":
		f.Advice = "upgrade to " + m.Fixed + " or later"
	case m.LastAffected != "":
		f.Advice = "no fix known (last affected " + m.LastAffected + ")"
	default:
		f.Advice = "no fix known"
	}
	return f
}

// hit is a record that affects a component.
type hit struct {
	c *match.Compiled
	m match.Result
}

// matchAll matches every PyPI component against the records prefetch
// compiled for its name, in parallel; hits[i] are the records affecting
// the component of queries[i].
func matchAll(ctx context.Context, queries []*match.Query, cache map[string][]*match.Compiled) [][]hit {
	hits := make([][]hit, len(queries))
	parallel.For(ctx, len(queries), 0, func(i int) {
		if q := queries[i]; q != nil {
			for _, c := range cache[q.Key()] {
				if m := c.Match(q); m.Affected {
					hits[i] = append(hits[i], hit{c, m})
				}
			}
		}
	})
	return hits
}

// pypiIdentity returns the PyPI name and version of a component.
func pypiIdentity(p *inventory.Package) (name, version string, ok bool) {
	if p.PURL != "" {
		u, err := packageurl.FromString(p.PURL)
		if err != nil || u.Type != "pypi" {
			return "", "", false
		}
		version = u.Version
		if version == "" {
			version = p.Version
		}
		return u.Name, version, version != ""
	}
	if p.Kind == inventory.KindDistribution && p.Version != "" {
		return p.Name, p.Version, true
	}
	return "", "", false
}

// maxSummary is the longest summary taken from a record's details.
const maxSummary = 160

// summary is the record's summary, or else the first sentence of the
// first paragraph of its details (markdown headings skipped, white space
// collapsed, hard-wrapped lines joined): up to a ".", "!" or "?" that is
// followed by white space or the end and is not inside quotes,
// parentheses or brackets, nor the end of an abbreviation ("e.g.", "ie.")
// or a version ("before 8.1.0, users" is not cut at "8."). Longer than
// 160 bytes, it is cut at a word boundary with an ellipsis.
func summary(r *osv.Record) string {
	if r.Summary != "" {
		return r.Summary
	}
	para := firstParagraph(r.Details)
	if end := sentenceEnd(para); end > 0 {
		para = para[:end]
	}
	if len(para) <= maxSummary {
		return para
	}
	cut := strings.LastIndexByte(para[:maxSummary-2], ' ')
	if cut < maxSummary/2 { // one long word: cut between characters
		cut = maxSummary - 3
		for cut > 0 && !utf8.RuneStart(para[cut]) {
			cut--
		}
	}
	return strings.TrimRight(para[:cut], " ,;:") + "…"
}

// firstParagraph is the first paragraph of markdown text that is not a
// heading, on one line.
func firstParagraph(text string) string {
	var words []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" && len(words) > 0:
			return strings.Join(words, " ")
		case t == "", strings.HasPrefix(t, "#"):
			continue
		}
		words = append(words, strings.Fields(t)...)
	}
	return strings.Join(words, " ")
}

var abbreviations = []string{"e.g.", "i.e.", "ie.", "eg.", "etc.", "vs.", "cf.", "incl.", "approx.", "no.", "inc.", "ltd.", "co."}

// sentenceEnd is the index just after the first sentence of s, 0 when s
// has no end of sentence outside quotes and brackets.
func sentenceEnd(s string) int {
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '`':
			quoted = !quoted
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case '.', '!', '?':
			if quoted || depth > 0 || i+1 < len(s) && s[i+1] != ' ' {
				continue
			}
			if c == '.' {
				word := strings.ToLower(s[strings.LastIndexByte(s[:i], ' ')+1 : i+1])
				if slices.Contains(abbreviations, word) {
					continue
				}
			}
			return i + 1
		}
	}
	return 0
}

// rate sets the severity: the package's own severity over the record's,
// a CVSS vector's computed base score over a text rating.
func rate(f *Finding, rec *osv.Record, name string) {
	sevs := rec.Severity
	for _, a := range rec.Affected {
		if len(a.Severity) > 0 && strings.EqualFold(osv.EcosystemBase(a.Package.Ecosystem), "PyPI") {
			sevs = a.Severity
		}
	}
	best := -1.0
	for _, s := range sevs {
		if !strings.HasPrefix(s.Type, "CVSS_") {
			continue
		}
		score, err := severity.Score(s.Score)
		if err != nil {
			f.Diagnostics = append(f.Diagnostics, "severity vector "+s.Score+": "+err.Error())
			continue
		}
		if score > best {
			best, f.Vector = score, s.Score
		}
	}
	if best >= 0 {
		f.Score, f.Severity = best, severity.Of(best).String()
		return
	}
	if s, ok := rec.DatabaseSpecific["severity"].(string); ok {
		if r, err := severity.ParseRating(s); err == nil {
			f.Severity = r.String()
			return
		}
	}
	f.Severity = severity.Unknown.String()
}

func openRangeNote(rec *osv.Record) string {
	for _, a := range rec.Affected {
		if s, ok := a.DatabaseSpecific["last_known_affected_version_range"].(string); ok {
			return "last known affected " + s
		}
	}
	return ""
}

// dedupe keeps one finding per group of aliased records for a component
// (union of IDs and aliases). It shows the PyPI-native ID (PYSEC, then
// GHSA, then CVE), takes the highest severity of the group, and keeps
// every ID of the group as an alias.
func dedupe(fs []*Finding) []*Finding {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	union := func(a, b string) { parent[find(a)] = find(b) }
	for _, f := range fs {
		for _, a := range f.Aliases {
			union(f.ID, a)
		}
	}
	groups := map[string][]*Finding{}
	var order []string
	for _, f := range fs {
		g := find(f.ID)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], f)
	}
	var out []*Finding
	for _, g := range order {
		members := groups[g]
		sort.SliceStable(members, func(i, j int) bool {
			if pi, pj := idRank(members[i].ID), idRank(members[j].ID); pi != pj {
				return pi < pj
			}
			return members[i].ID < members[j].ID
		})
		best := members[0]
		// The group's severity is the highest any of its records gives.
		for _, m := range members[1:] {
			if m.Rating() > best.Rating() || m.Score > best.Score {
				best.Score, best.Severity, best.Vector, best.SeverityFrom = m.Score, m.Severity, m.Vector, m.ID
			}
		}
		ids := map[string]bool{}
		for _, m := range members {
			ids[m.ID] = true
			for _, a := range m.Aliases {
				ids[a] = true
			}
		}
		delete(ids, best.ID)
		best.Aliases = best.Aliases[:0:0]
		for id := range ids {
			best.Aliases = append(best.Aliases, id)
		}
		sort.Strings(best.Aliases)
		out = append(out, best)
	}
	return out
}

// idRank orders the ID a finding is shown under.
func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "PYSEC-"):
		return 0
	case strings.HasPrefix(id, "GHSA-"):
		return 1
	case strings.HasPrefix(id, "CVE-"):
		return 2
	}
	return 3
}

// prefetch looks up and compiles the records of every PyPI name the
// components use, on all cores: lookups and compilation are most of a
// large scan's time, and each name is independent. Names known to have
// no records are not asked about.
func prefetch(ctx context.Context, src Source, componentKeys []string, nameOf func(int) string, known map[string]bool, cache map[string][]*match.Compiled) error {
	var keys, names []string
	seen := map[string]bool{}
	for i, key := range componentKeys {
		if key == "" || seen[key] || known != nil && !known[key] {
			continue
		}
		seen[key] = true
		keys, names = append(keys, key), append(names, nameOf(i))
	}
	out := make([][]*match.Compiled, len(keys))
	errs := make([]error, len(keys))
	var bulk map[string][]*osv.Record
	if b, ok := src.(bulkSource); ok && len(keys) > 32 {
		var err error
		if bulk, err = b.LookupAll(ctx, "PyPI", keys); err != nil {
			return err
		}
	}
	parallel.For(ctx, len(keys), 0, func(i int) {
		recs := bulk[keys[i]] // all of a name's records, or none
		if bulk == nil {
			if recs, errs[i] = src.Lookup(ctx, "PyPI", names[i]); errs[i] != nil {
				return
			}
		}
		out[i] = match.CompileAll(recs)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, k := range keys {
		if errs[i] != nil {
			return errs[i]
		}
		cache[k] = out[i]
	}
	return nil
}

// removedBy names the image layer that removed component p (an SBOM
// written with --layers all reports such components): its history line,
// else its diff ID; "" for a component the image holds.
func removedBy(p *inventory.Package) string {
	return cmp.Or(p.Prop(inventory.PropLayerRemovedBy), p.Prop(inventory.PropLayerRemoved))
}
