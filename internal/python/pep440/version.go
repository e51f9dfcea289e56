// Package pep440 implements Python version identifiers and version
// specifiers as PEP 440 and the PyPA version-specifiers specification define
// them, with the behaviour of pypa/packaging.
//
// # Versions
//
// [Parse] accepts every spelling the specification normalises (a leading
// "v", "-", "_" and "." separators, "alpha"/"c"/"pre"/"rev"/"r", implicit
// numbers) and [Version.String] gives the normal form. Numeric components
// may have any number of digits; they are compared as numbers.
//
// # Specifiers
//
// [ParseSpecifierSet] parses comma-separated specifiers; [SpecifierSet.Contains]
// decides membership, including the exclusion of pre-releases and
// post-releases of the version named by "<" and ">", and local-version
// handling, as pypa/packaging 25 does. The test suite checks every table of
// pypa/packaging's own tests.
package pep440

import (
	"fmt"
	"regexp"
	"strings"
)

// maxLen bounds the length of version strings accepted by Parse, so that a
// hostile input cannot make the regular expression work on megabytes.
const maxLen = 1024

var versionRE = regexp.MustCompile(`(?i)^\s*v?` +
	`(?:(?P<epoch>[0-9]+)!)?` +
	`(?P<release>[0-9]+(?:\.[0-9]+)*)` +
	`(?P<pre>[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?` +
	`(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?` +
	`(?P<dev>[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?` +
	`(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$`)

// num is a non-negative integer of any size, kept as its decimal digits
// without leading zeros ("" is zero).
type num string

func mkNum(digits string) num { return num(strings.TrimLeft(digits, "0")) }

func (n num) String() string {
	if n == "" {
		return "0"
	}
	return string(n)
}

func (n num) cmp(m num) int {
	if len(n) != len(m) {
		if len(n) < len(m) {
			return -1
		}
		return 1
	}
	return strings.Compare(string(n), string(m))
}

// PreKind is the kind of a pre-release: "a", "b" or "rc".
type PreKind string

// Version is a parsed PEP 440 version. The zero value is not a valid version.
type Version struct {
	epoch   num
	release []num
	preKind PreKind // "" when not a pre-release
	preN    num
	hasPost bool
	post    num
	hasDev  bool
	dev     num
	local   []string // lower case segments; numeric ones without leading zeros
}

// ParseError reports a string that is not a valid PEP 440 version.
type ParseError struct {
	Input string
}

func (e *ParseError) Error() string {
	in := e.Input
	if len(in) > 80 {
		in = in[:80] + "..."
	}
	return fmt.Sprintf("invalid PEP 440 version %q", in)
}

// Parse parses a version string.
func Parse(s string) (Version, error) {
	if len(s) > maxLen {
		return Version{}, &ParseError{Input: s}
	}
	if v, ok := parseRelease(s); ok {
		return v, nil
	}
	// Trim Unicode white space as Python's str.strip does; anything else
	// outside ASCII is invalid (and must not case-fold into ASCII: "ſ").
	m := versionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || !isASCII(s) {
		return Version{}, &ParseError{Input: s}
	}
	g := func(name string) string { return m[versionRE.SubexpIndex(name)] }
	var v Version
	v.epoch = mkNum(g("epoch"))
	for _, p := range strings.Split(g("release"), ".") {
		v.release = append(v.release, mkNum(p))
	}
	if g("pre") != "" {
		switch strings.ToLower(g("pre_l")) {
		case "a", "alpha":
			v.preKind = "a"
		case "b", "beta":
			v.preKind = "b"
		default: // c, rc, pre, preview
			v.preKind = "rc"
		}
		v.preN = mkNum(g("pre_n"))
	}
	if g("post") != "" {
		v.hasPost = true
		if n := g("post_n1"); n != "" {
			v.post = mkNum(n)
		} else {
			v.post = mkNum(g("post_n2"))
		}
	}
	if g("dev") != "" {
		v.hasDev = true
		v.dev = mkNum(g("dev_n"))
	}
	if l := g("local"); l != "" {
		for _, seg := range strings.FieldsFunc(strings.ToLower(l), func(r rune) bool {
			return r == '-' || r == '_' || r == '.'
		}) {
			if isDigits(seg) {
				seg = mkNum(seg).String()
			}
			v.local = append(v.local, seg)
		}
	}
	return v, nil
}

// parseRelease parses the common plain form "N(.N)*" without the regular
// expression; ok is false for anything else.
func parseRelease(s string) (Version, bool) {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return Version{}, false
	}
	n := 1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if s[i-1] == '.' {
				return Version{}, false
			}
			n++
		case c < '0' || c > '9':
			return Version{}, false
		}
	}
	v := Version{release: make([]num, 0, n)}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			v.release = append(v.release, mkNum(s[start:i]))
			start = i + 1
		}
	}
	return v, true
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func isASCII(s string) bool {
	for _, r := range strings.TrimSpace(s) {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the normal form of the version.
func (v Version) String() string {
	var b strings.Builder
	b.WriteString(v.Public())
	if len(v.local) > 0 {
		b.WriteByte('+')
		b.WriteString(strings.Join(v.local, "."))
	}
	return b.String()
}

// Public returns the normal form without the local version label.
func (v Version) Public() string {
	var b strings.Builder
	b.WriteString(v.BaseVersion())
	if v.preKind != "" {
		b.WriteString(string(v.preKind))
		b.WriteString(v.preN.String())
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(v.post.String())
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(v.dev.String())
	}
	return b.String()
}

// BaseVersion returns the epoch and release segment in normal form.
func (v Version) BaseVersion() string {
	var b strings.Builder
	if v.epoch != "" {
		b.WriteString(string(v.epoch))
		b.WriteByte('!')
	}
	for i, r := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// Key returns a string two versions share exactly when Compare finds them
// equal: the normal form with the release segment's trailing zeros
// dropped (1.0 == 1.0.0). It lets a set of versions be searched by
// string.
func (v Version) Key() string {
	release := v.release
	for len(release) > 1 && release[len(release)-1] == "" {
		release = release[:len(release)-1]
	}
	w := v
	w.release = release
	return w.String()
}

// Epoch returns the epoch as a decimal string.
func (v Version) Epoch() string { return v.epoch.String() }

// Release returns the release segment's components as decimal strings.
func (v Version) Release() []string {
	out := make([]string, len(v.release))
	for i, r := range v.release {
		out[i] = r.String()
	}
	return out
}

// Pre returns the pre-release kind and number; ok is false for none.
func (v Version) Pre() (kind PreKind, n string, ok bool) {
	return v.preKind, v.preN.String(), v.preKind != ""
}

// Post returns the post-release number; ok is false for none.
func (v Version) Post() (n string, ok bool) { return v.post.String(), v.hasPost }

// Dev returns the development-release number; ok is false for none.
func (v Version) Dev() (n string, ok bool) { return v.dev.String(), v.hasDev }

// Local returns the local version label in normal form, or "".
func (v Version) Local() string { return strings.Join(v.local, ".") }

// IsPrerelease reports whether v is a pre-release or a development release.
func (v Version) IsPrerelease() bool { return v.preKind != "" || v.hasDev }

// IsPostrelease reports whether v is a post-release.
func (v Version) IsPostrelease() bool { return v.hasPost }

// withoutLocal returns v with its local label removed.
func (v Version) withoutLocal() Version {
	v.local = nil
	return v
}

// Compare orders versions as PEP 440 does: -1, 0 or +1.
func (v Version) Compare(w Version) int {
	if c := v.epoch.cmp(w.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(v.release, w.release); c != 0 {
		return c
	}
	if c := cmpInt(v.preRank(), w.preRank()); c != 0 {
		return c
	}
	if v.preKind != "" && w.preKind != "" {
		if c := v.preN.cmp(w.preN); c != 0 {
			return c
		}
	}
	// A version without a post-release sorts before any with one.
	if c := cmpOpt(v.hasPost, v.post, w.hasPost, w.post, -1); c != 0 {
		return c
	}
	// A version without a development release sorts after any with one.
	if c := cmpOpt(v.hasDev, v.dev, w.hasDev, w.dev, +1); c != 0 {
		return c
	}
	return cmpLocal(v.local, w.local)
}

// preRank places the pre-release part: a development release of the final
// version (1.0.dev0) sorts before every pre-release (1.0a1), and the final
// version after all of them.
func (v Version) preRank() int {
	switch {
	case v.preKind == "" && !v.hasPost && v.hasDev:
		return -1
	case v.preKind == "a":
		return 0
	case v.preKind == "b":
		return 1
	case v.preKind == "rc":
		return 2
	default:
		return 3
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpOpt compares optional numbers; absent sorts at side (-1 first, +1 last).
func cmpOpt(aOK bool, a num, bOK bool, b num, absent int) int {
	switch {
	case !aOK && !bOK:
		return 0
	case !aOK:
		return absent
	case !bOK:
		return -absent
	}
	return a.cmp(b)
}

func cmpRelease(a, b []num) int {
	n := max(len(a), len(b))
	for i := 0; i < n; i++ {
		var x, y num
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := x.cmp(y); c != 0 {
			return c
		}
	}
	return 0
}

// cmpLocal compares local labels: none sorts first; numeric segments sort
// after alphanumeric ones and compare as numbers; a longer label that starts
// with a shorter one sorts after it.
func cmpLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := isDigits(a[i]), isDigits(b[i])
		switch {
		case an && bn:
			if c := num(a[i]).cmp(num(b[i])); c != 0 {
				return c
			}
		case an:
			return 1
		case bn:
			return -1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return cmpInt(len(a), len(b))
}
