package match

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// An apk version (Alpine's, after Gentoo's) is read as a run of parts:
//
//	NUM{.NUM}[letter]{_suffix[NUM]}[-rNUM]
//
// Parts are compared in order; the first that differs decides. When one
// version runs out of parts first, the other is greater, unless what it
// has next is a pre-release suffix (_alpha, _beta, _pre, _rc), which
// sorts before the end. After a dot, leading zeros make the part smaller
// than any number without them (1.02 < 1.1, compared as 0-then-2).
type apkPart int

// Parts in the order in which a version may hold them: a version that
// stops where the other goes on to a part of an earlier kind is the
// smaller one ("1.2" < "1.2.1", "1.2-r1" < "1.2.1").
const (
	apkBad    apkPart = iota - 1
	apkDotNum         // a number after a dot: leading zeros count
	apkNum            // the first number, or digits after a letter or zeros
	apkLetter         // one lower-case letter after a number
	apkSuffix         // _alpha, _beta, _pre, _rc (negative); _cvs, _svn, _git, _hg, _p
	apkSuffixNum
	apkRevision // -rNUM
	apkEnd
)

// apkSuffixes give each suffix its weight: pre-releases below zero.
var apkSuffixes = []struct {
	name   string
	weight int64
}{{"alpha", -4}, {"beta", -3}, {"pre", -2}, {"rc", -1}, {"cvs", 0}, {"svn", 1}, {"git", 2}, {"hg", 3}, {"p", 4}}

// apkScanner reads the parts of a version one by one.
type apkScanner struct {
	s    string
	next apkPart // the kind of the part at s
}

func newAPKScanner(s string) *apkScanner {
	sc := &apkScanner{s: s, next: apkNum}
	if s == "" {
		sc.next = apkEnd
	}
	return sc
}

// take reads the part at s, of kind sc.next, and gives its value; sc.next
// becomes the kind of the part after it.
func (sc *apkScanner) take() int64 {
	if sc.s == "" {
		sc.next = apkEnd
		return 0
	}
	var v int64
	n := 0
	zeros := false
	switch sc.next {
	case apkDotNum:
		if sc.s[0] == '0' {
			for n < len(sc.s) && sc.s[n] == '0' {
				n++
			}
			v, zeros = -int64(n), true
			break
		}
		fallthrough
	case apkNum, apkSuffixNum, apkRevision:
		for n < len(sc.s) && sc.s[n] >= '0' && sc.s[n] <= '9' {
			if v < 1<<58 {
				v = v*10 + int64(sc.s[n]-'0')
			}
			n++
		}
	case apkLetter:
		v, n = int64(sc.s[0]), 1
	case apkSuffix:
		found := false
		for _, suf := range apkSuffixes {
			if strings.HasPrefix(sc.s, suf.name) {
				v, n, found = suf.weight, len(suf.name), true
				break
			}
		}
		if !found {
			sc.next = apkBad
			return -1
		}
	default:
		sc.next = apkBad
		return -1
	}
	kind := sc.next
	sc.s = sc.s[n:]
	switch {
	case sc.s == "":
		sc.next = apkEnd
	case zeros:
		sc.next = apkNum // the digits after the zeros
	default:
		sc.next = sc.after(kind)
	}
	return v
}

// after tells the kind of the part that follows one of kind, consuming
// the separator before it.
func (sc *apkScanner) after(kind apkPart) apkPart {
	c := sc.s[0]
	isDigit := c >= '0' && c <= '9'
	var n apkPart
	switch {
	case (kind == apkNum || kind == apkDotNum) && c >= 'a' && c <= 'z':
		return apkLetter
	case kind == apkLetter && isDigit:
		return apkNum
	case kind == apkSuffix && isDigit:
		return apkSuffixNum
	case c == '.':
		n = apkDotNum
	case c == '_':
		n = apkSuffix
	case c == '-' && len(sc.s) > 1 && sc.s[1] == 'r':
		n = apkRevision
		sc.s = sc.s[1:]
	default:
		n = apkBad
	}
	sc.s = sc.s[1:]
	// Parts only go forward (a letter after a suffix is not a version),
	// but for a new number, and a suffix after a suffix's number.
	if n < kind && !(n == apkDotNum && kind == apkNum) && !(n == apkSuffix && kind == apkSuffixNum) && !(n == apkNum && kind == apkLetter) {
		n = apkBad
	}
	return n
}

// compareAPK orders two apk versions: -1, 0 or 1.
func compareAPK(a, b string) int {
	sa, sb := newAPKScanner(a), newAPKScanner(b)
	var va, vb int64
	for sa.next == sb.next && sa.next != apkEnd && sa.next != apkBad && va == vb {
		va, vb = sa.take(), sb.take()
	}
	switch {
	case va < vb:
		return -1
	case va > vb:
		return 1
	case sa.next == sb.next:
		return 0
	}
	// Equal so far, and one goes on: a pre-release suffix makes it the
	// smaller, any other part the greater.
	if sa.next == apkSuffix && (&apkScanner{s: sa.s, next: apkSuffix}).take() < 0 {
		return -1
	}
	if sb.next == apkSuffix && (&apkScanner{s: sb.s, next: apkSuffix}).take() < 0 {
		return 1
	}
	if sa.next > sb.next {
		return -1
	}
	return 1
}

// apkVersion is a version for range evaluation.
type apkVersion string

func (a apkVersion) cmp(o version) int { return compareAPK(string(a), string(o.(apkVersion))) }

// validAPK tells whether s reads to its end as an apk version that
// starts with a number.
func validAPK(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	sc := newAPKScanner(s)
	for sc.next != apkEnd && sc.next != apkBad {
		sc.take()
	}
	return sc.next == apkEnd
}

func parseAPK(s string) (version, error) {
	if !validAPK(s) {
		return nil, fmt.Errorf("apk version %q does not parse", s)
	}
	return apkVersion(s), nil
}

// Alpine evaluates record r for the Alpine source package (origin) name
// at version ver of release ("v3.20", or "" for any): the record's
// ecosystem must be "Alpine" and, when both name one, the same release.
func Alpine(r *osv.Record, release, name, ver string) Result {
	return distro(r, "Alpine", sameRelease(release), []string{name}, ver, parseAPK)
}

// APK evaluates record r for a package of an apk distribution whose
// records name no release (Wolfi, Chainguard: ecosystem base), by any of
// its names, in apk's version order.
func APK(r *osv.Record, base string, names []string, ver string) Result {
	return distro(r, base, func(string) bool { return true }, names, ver, parseAPK)
}
