package pep440

import (
	"fmt"
	"regexp"
	"strings"
)

// Operator is a version comparison operator of a specifier.
type Operator string

// The operators of PEP 440, in the order the parser tries them.
const (
	OpArbitrary  Operator = "==="
	OpCompatible Operator = "~="
	OpEqual      Operator = "=="
	OpNotEqual   Operator = "!="
	OpLessEq     Operator = "<="
	OpGreaterEq  Operator = ">="
	OpLess       Operator = "<"
	OpGreater    Operator = ">"
)

var operators = []Operator{OpArbitrary, OpCompatible, OpEqual, OpNotEqual, OpLessEq, OpGreaterEq, OpLess, OpGreater}

// Version forms allowed after each operator (pypa/packaging's grammar).
var (
	releaseRE  = `v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`
	preRE      = `(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`
	postRE     = `(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`
	devRE      = `(?:[-_.]?dev[-_.]?[0-9]*)?`
	localRE    = `(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`
	eqVerRE    = regexp.MustCompile(`(?i)^` + releaseRE + `(?:\.\*|` + preRE + postRE + devRE + localRE + `)$`)
	compatRE   = regexp.MustCompile(`(?i)^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` + preRE + postRE + devRE + `$`)
	orderVerRE = regexp.MustCompile(`(?i)^` + releaseRE + preRE + postRE + devRE + `$`)
)

// Specifier is one version clause such as ">=1.0" or "==2.1.*".
type Specifier struct {
	Op       Operator
	Raw      string  // the version text as written, for "===" and String
	Version  Version // unset for "===" with a non-PEP 440 string
	Wildcard bool    // "==X.*" or "!=X.*"
	valid    bool    // Version was parsed
	// Prereleases overrides whether pre-releases match; nil for the default.
	Prereleases *bool
}

// SpecifierError reports a malformed specifier.
type SpecifierError struct {
	Input string
	Msg   string
}

func (e *SpecifierError) Error() string {
	return fmt.Sprintf("invalid version specifier %q: %s", e.Input, e.Msg)
}

// ParseSpecifier parses a single specifier clause.
func ParseSpecifier(s string) (Specifier, error) {
	in := strings.TrimSpace(s)
	if !isASCII(in) {
		return Specifier{}, &SpecifierError{Input: s, Msg: "not ASCII"}
	}
	if len(in) > maxLen {
		return Specifier{}, &SpecifierError{Input: s[:80], Msg: "too long"}
	}
	var op Operator
	for _, o := range operators {
		if strings.HasPrefix(in, string(o)) {
			op = o
			break
		}
	}
	if op == "" {
		return Specifier{}, &SpecifierError{Input: s, Msg: "no comparison operator"}
	}
	ver := strings.TrimSpace(in[len(op):])
	if ver == "" {
		return Specifier{}, &SpecifierError{Input: s, Msg: "no version after " + string(op)}
	}
	sp := Specifier{Op: op, Raw: ver}
	switch op {
	case OpArbitrary:
		if strings.ContainsAny(ver, " \t,;)") {
			return Specifier{}, &SpecifierError{Input: s, Msg: "=== takes a single token"}
		}
		if v, err := Parse(ver); err == nil {
			sp.Version, sp.valid = v, true
		}
		return sp, nil
	case OpEqual, OpNotEqual:
		if !eqVerRE.MatchString(ver) {
			return Specifier{}, &SpecifierError{Input: s, Msg: "not a version or version prefix"}
		}
		if strings.HasSuffix(ver, ".*") {
			sp.Wildcard = true
			ver = strings.TrimSuffix(ver, ".*")
		}
	case OpCompatible:
		if !compatRE.MatchString(ver) {
			return Specifier{}, &SpecifierError{Input: s, Msg: "~= needs a version with at least two release components and no local label"}
		}
	default:
		if !orderVerRE.MatchString(ver) {
			return Specifier{}, &SpecifierError{Input: s, Msg: "ordered comparison needs a version without wildcard or local label"}
		}
	}
	v, err := Parse(ver)
	if err != nil {
		return Specifier{}, &SpecifierError{Input: s, Msg: err.Error()}
	}
	sp.Version, sp.valid = v, true
	return sp, nil
}

// String returns the specifier as operator and version text.
func (s Specifier) String() string {
	if s.Wildcard && !strings.HasSuffix(s.Raw, ".*") {
		return string(s.Op) + s.Raw + ".*"
	}
	return string(s.Op) + s.Raw
}

// AllowsPrereleases reports whether the specifier, by itself, admits
// pre-releases: as set explicitly, or because it names one (except "!=").
func (s Specifier) AllowsPrereleases() bool {
	if s.Prereleases != nil {
		return *s.Prereleases
	}
	return s.Op != OpNotEqual && s.valid && s.Version.IsPrerelease()
}

// Contains reports whether the version string v satisfies the specifier.
// prereleases, when not nil, overrides whether pre-releases may match; by
// default they do unless the specifier was built to refuse them.
func (s Specifier) Contains(v string, prereleases *bool) bool {
	if s.Op == OpArbitrary {
		return strings.EqualFold(strings.TrimSpace(v), s.Raw)
	}
	pv, err := Parse(v)
	if err != nil {
		return false
	}
	return s.ContainsVersion(pv, prereleases)
}

// ContainsVersion is Contains for a parsed version.
func (s Specifier) ContainsVersion(v Version, prereleases *bool) bool {
	allow := true
	if prereleases != nil {
		allow = *prereleases
	} else if s.Prereleases != nil {
		allow = *s.Prereleases
	}
	if v.IsPrerelease() && !allow {
		return false
	}
	return s.match(v)
}

// match applies the operator, ignoring pre-release policy.
func (s Specifier) match(v Version) bool {
	sv := s.Version
	switch s.Op {
	case OpArbitrary:
		return strings.EqualFold(v.String(), s.Raw)
	case OpEqual:
		return s.equal(v)
	case OpNotEqual:
		return !s.equal(v)
	case OpCompatible:
		prefix := Specifier{Op: OpEqual, Wildcard: true, valid: true,
			Version: Version{epoch: sv.epoch, release: sv.release[:len(sv.release)-1]}}
		return v.withoutLocal().Compare(sv) >= 0 && prefix.equal(v)
	case OpLessEq:
		return v.withoutLocal().Compare(sv) <= 0
	case OpGreaterEq:
		return v.withoutLocal().Compare(sv) >= 0
	case OpLess:
		pub := v.withoutLocal()
		if pub.Compare(sv) >= 0 {
			return false
		}
		// "<V" excludes pre-releases of V itself unless V is one.
		if !sv.IsPrerelease() && v.IsPrerelease() && finalOf(pub).Compare(sv) == 0 {
			return false
		}
		return true
	case OpGreater:
		pub := v.withoutLocal()
		if pub.Compare(sv) <= 0 {
			return false
		}
		// ">V" excludes post-releases of V itself unless V is one.
		if !sv.IsPostrelease() && v.IsPostrelease() {
			stripped := pub
			stripped.hasPost, stripped.post, stripped.hasDev, stripped.dev = false, "", false, ""
			if stripped.Compare(sv) == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// finalOf returns the release that a pre-release or development release
// leads up to: 1.0a1 and 1.0.dev0 lead to 1.0, 1.0.post1.dev0 to 1.0.post1.
func finalOf(v Version) Version {
	v.hasDev, v.dev = false, ""
	if v.preKind != "" {
		v.preKind, v.preN = "", ""
		v.hasPost, v.post = false, ""
	}
	return v
}

// equal implements "==": prefix matching for wildcards, and local labels
// ignored unless the specifier has one.
func (s Specifier) equal(v Version) bool {
	sv := s.Version
	if s.Wildcard {
		if v.epoch.cmp(sv.epoch) != 0 {
			return false
		}
		for i, want := range sv.release {
			var got num
			if i < len(v.release) {
				got = v.release[i]
			}
			if got.cmp(want) != 0 {
				return false
			}
		}
		return true
	}
	if len(sv.local) == 0 {
		v = v.withoutLocal()
	}
	return v.Compare(sv) == 0
}

// SpecifierSet is a conjunction of specifiers; the empty set matches all.
type SpecifierSet struct {
	Specs []Specifier
	// Prereleases overrides whether pre-releases match; nil for the default.
	Prereleases *bool
}

// ParseSpecifierSet parses a comma-separated list of specifiers.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	if strings.TrimSpace(s) == "" {
		return set, nil
	}
	for _, part := range strings.Split(s, ",") {
		sp, err := ParseSpecifier(part)
		if err != nil {
			return SpecifierSet{}, err
		}
		set.Specs = append(set.Specs, sp)
	}
	return set, nil
}

// String returns the specifiers joined by commas, in the order written.
func (set SpecifierSet) String() string {
	parts := make([]string, len(set.Specs))
	for i, s := range set.Specs {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// Contains reports whether v satisfies every specifier. When installed is
// true, v is a version already installed and pre-releases always match, as
// installers check installed distributions.
func (set SpecifierSet) Contains(v string, prereleases *bool, installed bool) bool {
	pv, err := Parse(v)
	if err != nil {
		for _, s := range set.Specs {
			if s.Op != OpArbitrary || !s.Contains(v, nil) {
				return false
			}
		}
		return len(set.Specs) > 0
	}
	allow := true
	switch {
	case installed:
	case prereleases != nil:
		allow = *prereleases
	case set.Prereleases != nil:
		allow = *set.Prereleases
	}
	if pv.IsPrerelease() && !allow {
		return false
	}
	yes := true
	for _, s := range set.Specs {
		if s.Op == OpArbitrary {
			if !s.Contains(v, nil) {
				return false
			}
			continue
		}
		if !s.ContainsVersion(pv, &yes) {
			return false
		}
	}
	return true
}

// Filter returns the versions in vs that the specifier admits, in order.
// Strings that are not versions are left out (unless "===" names them).
// Unless pre-releases are allowed (by prereleases, or by the specifier),
// pre-releases are returned only when no final release matches.
func (s Specifier) Filter(vs []string, prereleases *bool) []string {
	yes := true
	kw := &yes
	if prereleases != nil {
		kw = prereleases
	}
	allowPre := s.AllowsPrereleases() || (prereleases != nil && *prereleases)
	var out, pre []string
	for _, v := range vs {
		if s.Op == OpArbitrary {
			if s.Contains(v, nil) {
				out = append(out, v)
			}
			continue
		}
		pv, err := Parse(v)
		if err != nil || !s.ContainsVersion(pv, kw) {
			continue
		}
		if pv.IsPrerelease() && !allowPre {
			pre = append(pre, v)
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return pre
	}
	return out
}
