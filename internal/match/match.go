// Package match decides whether a package version is affected by an OSV
// record, with the semantics osv.dev uses: versions[] by parsed
// equality, ECOSYSTEM ranges (PEP 440 order for PyPI) and SEMVER ranges
// evaluated event by event, several introduced/fixed pairs per range,
// last_affected and limit, withdrawn records skipped, and a GIT range
// never ending the evaluation. A version that cannot be parsed is never
// reported as "not affected" silently: it is matched by exact strings
// only and flagged.
package match

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// Result is the verdict of one record on one package version.
type Result struct {
	Affected bool
	// Unparseable is true when the version could not be parsed; only
	// versions[] strings were compared.
	Unparseable bool
	// Fixed is the first fixed version on the branch that matched.
	Fixed string
	// LastAffected is set when the matching branch ends in last_affected.
	LastAffected string
	// Open is true when the matching range has no end.
	Open bool
	// How says what matched: "versions[]" or the range's events.
	How string
	// Diagnostics are events that could not be parsed.
	Diagnostics []string
}

// PyPI evaluates record r for PyPI package name (any spelling) at version ver.
func PyPI(r *osv.Record, name, ver string) Result { return Compile(r).Match(NewQuery(name, ver)) }

// Query is a PyPI package version to match, its name normalised and its
// version parsed once for all the records it is matched against.
type Query struct {
	name     string // as the component names it
	key, ver string
	v        pep440.Version
	vkey     string // v.Key()
	err      error  // ver is not a PEP 440 version
}

// NewQuery prepares PyPI package name (any spelling) at version ver.
func NewQuery(name, ver string) *Query {
	q := &Query{name: name, key: pep503.Normalize(name), ver: ver}
	if q.v, q.err = pep440.Parse(ver); q.err == nil {
		q.vkey = q.v.Key()
	}
	return q
}

// Key returns the queried package's normalised name.
func (q *Query) Key() string { return q.key }

// Name returns the queried package's name as given.
func (q *Query) Name() string { return q.name }

// Version returns the queried version as given.
func (q *Query) Version() string { return q.ver }

// Unparseable reports whether the version is not a PEP 440 version, which
// only a record's versions[] can then match, as written.
func (q *Query) Unparseable() bool { return q.err != nil }

// Compiled is a record with its versions parsed once, for matching many
// package versions against it.
type Compiled struct {
	rec      *osv.Record
	affected []compiledAffected
	classes  *versionClasses // shared by the records of one package
}

type compiledAffected struct {
	key      string // PEP 503 name
	versions []string
	classes  []int32 // versions[i]'s equality class; -1 where unparseable
	ranges   []compiledRange
}

type compiledRange struct {
	rg          osv.Range
	events      []event // ECOSYSTEM: parsed with PEP 440
	diagnostics []string
}

// versionClasses numbers the PEP 440 equality classes (pep440 Key) of the
// versions[] strings of a package's records, each string parsed once (the
// records of a package repeat the same versions): a queried version is in
// versions[] when its class is, found by one map lookup.
type versionClasses struct {
	byString map[string]int32
	byKey    map[string]int32
}

func (vc *versionClasses) class(s string) int32 {
	if c, ok := vc.byString[s]; ok {
		return c
	}
	c := int32(-1)
	if v, err := pep440.Parse(s); err == nil {
		k := v.Key()
		var ok bool
		if c, ok = vc.byKey[k]; !ok {
			c = int32(len(vc.byKey))
			vc.byKey[k] = c
		}
	}
	vc.byString[s] = c
	return c
}

// Record returns the record that was compiled.
func (c *Compiled) Record() *osv.Record { return c.rec }

// Compile parses the PyPI parts of a record.
func Compile(r *osv.Record) *Compiled { return compile(r, newClasses()) }

// CompileAll compiles the records of one package, sharing the parsed
// versions between them.
func CompileAll(rs []*osv.Record) []*Compiled {
	vc := newClasses()
	out := make([]*Compiled, len(rs))
	for i, r := range rs {
		out[i] = compile(r, vc)
	}
	return out
}

func newClasses() *versionClasses {
	return &versionClasses{byString: map[string]int32{}, byKey: map[string]int32{}}
}

func compile(r *osv.Record, vc *versionClasses) *Compiled {
	c := &Compiled{rec: r, classes: vc}
	if r.Withdrawn != "" {
		return c
	}
	for _, a := range r.Affected {
		if osv.EcosystemBase(a.Package.Ecosystem) != "PyPI" || (len(a.Ranges) == 0 && len(a.Versions) == 0) {
			continue
		}
		ca := compiledAffected{key: pep503.Normalize(a.Package.Name), versions: a.Versions, classes: make([]int32, len(a.Versions))}
		for i, s := range a.Versions {
			ca.classes[i] = vc.class(s)
		}
		for _, rg := range a.Ranges {
			if rg.Type != "ECOSYSTEM" && rg.Type != "SEMVER" {
				continue
			}
			cr := compiledRange{rg: rg}
			if rg.Type == "ECOSYSTEM" {
				cr.events, cr.diagnostics = parseEvents(rg, parsePEP440)
			}
			ca.ranges = append(ca.ranges, cr)
		}
		c.affected = append(c.affected, ca)
	}
	return c
}

// Match evaluates the compiled record for the queried package version.
// It only reads c, so one Compiled may serve concurrent matches.
func (c *Compiled) Match(q *Query) Result {
	var res Result
	r := c.rec
	class, listed := int32(-1), false
	if q.err == nil {
		class, listed = c.classes.byKey[q.vkey]
	}
	for _, a := range c.affected {
		if a.key != q.key {
			continue
		}
		if q.err != nil {
			for _, s := range a.versions {
				if s == q.ver {
					return Result{Affected: true, Unparseable: true, How: "versions[] (exact string)"}
				}
			}
			res.Unparseable = true
			continue
		}
		if listed {
			for i, cl := range a.classes {
				if cl == class {
					res.Affected, res.How = true, "versions[] lists "+a.versions[i]
				}
			}
		}
		for _, cr := range a.ranges {
			var rr Result
			switch cr.rg.Type {
			case "ECOSYSTEM":
				rr = evaluateEvents(cr.rg, cr.events, pepVersion{&q.v})
				if len(cr.diagnostics) > 0 { // a copy: cr is shared
					rr.Diagnostics = append(append([]string(nil), cr.diagnostics...), rr.Diagnostics...)
				}
			case "SEMVER":
				sv, err := parseSemver(q.ver)
				if err != nil {
					res.Diagnostics = append(res.Diagnostics, fmt.Sprintf("%s: version %q is not SemVer", r.ID, q.ver))
					continue
				}
				rr, _ = evaluateRange(cr.rg, parseSemverVersion, sv)
			}
			res.Diagnostics = append(res.Diagnostics, rr.Diagnostics...)
			if rr.Affected {
				return merge(res, rr)
			}
		}
	}
	return res
}

// version is a parsed version of one ordering (PEP 440 or SemVer).
type version interface {
	cmp(other version) int
}

// pepVersion points to its version, so that making it a version
// interface does not copy (and allocate) a pep440.Version.
type pepVersion struct{ v *pep440.Version }

func (a pepVersion) cmp(b version) int { return a.v.Compare(*b.(pepVersion).v) }

func parsePEP440(s string) (version, error) {
	v, err := pep440.Parse(s)
	return pepVersion{&v}, err
}

func merge(base, rr Result) Result {
	rr.Diagnostics = base.Diagnostics
	return rr
}

type event struct {
	kind  int // 0 introduced, 1 last_affected, 2 fixed, 3 limit
	value string
	inf   int     // -1 for introduced "0", +1 for limit "*", else 0
	v     version // set when inf == 0
}

var kindName = []string{"introduced", "last_affected", "fixed", "limit"}

// order compares two event versions, infinities included.
func (e event) order(f event) int {
	switch {
	case e.inf != 0 || f.inf != 0:
		return e.inf - f.inf
	}
	return e.v.cmp(f.v)
}

// against compares the event's version with the matched version t.
func (e event) against(t version) int {
	if e.inf != 0 {
		return e.inf
	}
	return e.v.cmp(t)
}

// parseEvents parses a range's events, sorted by version and then kind
// (introduced < last_affected < fixed < limit); events that cannot be
// parsed are left out and reported.
func parseEvents(rg osv.Range, parse func(string) (version, error)) ([]event, []string) {
	var diags []string
	var evs []event
	for _, e := range rg.Events {
		var ev event
		switch {
		case e.Introduced != "":
			ev = event{kind: 0, value: e.Introduced}
			if e.Introduced == "0" {
				ev.inf = -1
			}
		case e.LastAffected != "":
			ev = event{kind: 1, value: e.LastAffected}
		case e.Fixed != "":
			ev = event{kind: 2, value: e.Fixed}
		case e.Limit != "":
			ev = event{kind: 3, value: e.Limit}
			if e.Limit == "*" {
				ev.inf = 1
			}
		}
		if ev.inf == 0 {
			v, err := parse(ev.value)
			if err != nil {
				diags = append(diags, fmt.Sprintf("%s %q cannot be parsed: %v", kindName[ev.kind], ev.value, err))
				continue
			}
			ev.v = v
		}
		evs = append(evs, ev)
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if c := evs[i].order(evs[j]); c != 0 {
			return c < 0
		}
		return evs[i].kind < evs[j].kind
	})
	return evs, diags
}

// evaluateRange parses a range's events with parse and evaluates them at
// t; the result's diagnostics start with the events that could not be
// parsed. The parsed events are returned too.
func evaluateRange(rg osv.Range, parse func(string) (version, error), t version) (Result, []event) {
	evs, diags := parseEvents(rg, parse)
	rr := evaluateEvents(rg, evs, t)
	rr.Diagnostics = append(diags, rr.Diagnostics...)
	return rr, evs
}

func parseSemverVersion(s string) (version, error) { return parseSemver(s) }

// evaluateEvents applies sorted events to version t: the greatest event
// at or below t decides (introduced: affected; last_affected equal to t:
// affected; anything else: not affected), limits bound the range above.
func evaluateEvents(rg osv.Range, evs []event, t version) Result {
	var res Result
	limited, below := false, false
	for _, e := range evs {
		if e.kind == 3 {
			limited = true
			below = below || e.against(t) > 0
		}
	}
	if limited && !below {
		return res
	}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		c := e.against(t)
		if c > 0 {
			continue
		}
		switch {
		case e.kind == 0:
			res.Affected, res.How, res.Open = true, describe(rg), true
			for _, later := range evs[i+1:] {
				if later.kind == 0 {
					continue
				}
				res.Open = false
				switch later.kind {
				case 2:
					res.Fixed = later.value
				case 1:
					res.LastAffected = later.value
				}
				break
			}
			return res
		case e.kind == 1 && c == 0:
			res.Affected, res.LastAffected, res.How = true, e.value, describe(rg)
		}
		return res
	}
	return res
}

func describe(rg osv.Range) string {
	var parts []string
	for _, e := range rg.Events {
		switch {
		case e.Introduced != "":
			parts = append(parts, "introduced "+e.Introduced)
		case e.Fixed != "":
			parts = append(parts, "fixed "+e.Fixed)
		case e.LastAffected != "":
			parts = append(parts, "last_affected "+e.LastAffected)
		case e.Limit != "":
			parts = append(parts, "limit "+e.Limit)
		}
	}
	return rg.Type + " range: " + strings.Join(parts, ", ")
}
