package match

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// generic is a version of a C library or any project without a version
// scheme of its own: runs of digits compared as numbers, runs of letters
// as text, separators ignored ("1.1.1" < "1.1.1w" < "1.1.1x" < "3.0.13");
// alpha, beta, rc, pre and dev after a version come before it.
type generic []string

func parseGeneric(s string) (generic, error) {
	var out generic
	cur := ""
	kind := 0 // 1 digits, 2 letters
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, r := range strings.ToLower(s) {
		k := 0
		switch {
		case r >= '0' && r <= '9':
			k = 1
		case r >= 'a' && r <= 'z':
			k = 2
		}
		if k == 0 || k != kind {
			flush()
		}
		kind = k
		if k != 0 {
			cur += string(r)
		}
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("no digits or letters in %q", s)
	}
	return out, nil
}

// preRelease reports the words that mark a version before its release.
func preRelease(s string) bool {
	switch s {
	case "alpha", "beta", "rc", "pre", "dev", "snapshot":
		return true
	}
	return false
}

func isDigits(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func (a generic) cmp(o version) int {
	b := o.(generic)
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			if preRelease(b[i]) {
				return 1 // 1.0 > 1.0rc1
			}
			return -1 // 1.0 < 1.0.1 < 1.0a (OpenSSL's letter releases come after)
		case i >= len(b):
			if preRelease(a[i]) {
				return -1
			}
			return 1
		}
		x, y := a[i], b[i]
		if isDigits(x) && isDigits(y) {
			x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
			if len(x) != len(y) {
				if len(x) < len(y) {
					return -1
				}
				return 1
			}
		} else if isDigits(x) != isDigits(y) {
			if isDigits(x) {
				return 1 // a number sorts after letters at the same place
			}
			return -1
		} else if preRelease(x) != preRelease(y) {
			if preRelease(x) {
				return -1
			}
			return 1
		}
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// Generic evaluates record r for package name of ecosystem (such as
// "CPE", whose names are "vendor:product") at version ver, in the generic
// order above: versions[] by that order's equality, ECOSYSTEM ranges
// event by event.
func Generic(r *osv.Record, ecosystem, name, ver string) Result {
	var res Result
	if r.Withdrawn != "" {
		return res
	}
	v, verr := parseGeneric(ver)
	for _, a := range r.Affected {
		if osv.EcosystemBase(a.Package.Ecosystem) != ecosystem || !strings.EqualFold(a.Package.Name, name) {
			continue
		}
		if verr != nil {
			res.Unparseable = true
			continue
		}
		for _, s := range a.Versions {
			if w, err := parseGeneric(s); err == nil && w.cmp(v) == 0 {
				return Result{Affected: true, How: "versions[] lists " + s}
			}
		}
		for _, rg := range a.Ranges {
			if rg.Type != "ECOSYSTEM" {
				continue
			}
			rr, _ := evaluateRange(rg, func(s string) (version, error) { return parseGeneric(s) }, v)
			res.Diagnostics = append(res.Diagnostics, rr.Diagnostics...)
			if rr.Affected {
				return merge(res, rr)
			}
		}
	}
	return res
}
