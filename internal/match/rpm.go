package match

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// An rpm version is compared as rpm does (rpmvercmp): runs of digits and
// runs of letters are compared in turn, anything else only separates
// them; numbers compare as numbers and beat letters; "~" sorts before
// everything, even the end ("1.0~rc1" < "1.0"), and "^" after the end but
// before anything else ("1.0" < "1.0^git1" < "1.0.1"). When all runs are
// equal, the version with runs left over is the greater.
func compareRPMVersion(a, b string) int {
	if a == b {
		return 0
	}
	sep := func(c byte) bool { return !isAlnum(c) && c != '~' && c != '^' }
	for a != "" || b != "" {
		for a != "" && sep(a[0]) {
			a = a[1:]
		}
		for b != "" && sep(b[0]) {
			b = b[1:]
		}
		at, bt := strings.HasPrefix(a, "~"), strings.HasPrefix(b, "~")
		if at || bt {
			if !at {
				return 1
			}
			if !bt {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		ac, bc := strings.HasPrefix(a, "^"), strings.HasPrefix(b, "^")
		if ac || bc {
			switch {
			case a == "":
				return -1
			case b == "":
				return 1
			case !ac:
				return 1
			case !bc:
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if a == "" || b == "" {
			break
		}
		numeric := isDigit(a[0])
		run := func(s string) (string, string) {
			i := 0
			for i < len(s) && (numeric && isDigit(s[i]) || !numeric && isAlpha(s[i])) {
				i++
			}
			return s[:i], s[i:]
		}
		var ra, rb string
		ra, a = run(a)
		rb, b = run(b)
		if rb == "" {
			// a number against letters: the number is the greater
			if numeric {
				return 1
			}
			return -1
		}
		if numeric {
			ra, rb = strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			if len(ra) != len(rb) {
				if len(ra) < len(rb) {
					return -1
				}
				return 1
			}
		}
		if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// rpmEVR is [epoch:]version[-release]; a missing epoch is 0.
type rpmEVR struct {
	epoch            int
	version, release string
}

func parseRPM(s string) (version, error) {
	var v rpmEVR
	if s == "" {
		return nil, fmt.Errorf("empty rpm version")
	}
	if e, rest, ok := strings.Cut(s, ":"); ok {
		n := 0
		for _, c := range e {
			if c < '0' || c > '9' || n > 1<<20 {
				return nil, fmt.Errorf("rpm version %q: epoch is not a number", s)
			}
			n = n*10 + int(c-'0')
		}
		v.epoch, s = n, rest
	}
	v.version = s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		v.version, v.release = s[:i], s[i+1:]
	}
	if v.version == "" {
		return nil, fmt.Errorf("rpm version %q has no version", s)
	}
	return v, nil
}

func (a rpmEVR) cmp(o version) int {
	b := o.(rpmEVR)
	switch {
	case a.epoch < b.epoch:
		return -1
	case a.epoch > b.epoch:
		return 1
	}
	if c := compareRPMVersion(a.version, b.version); c != 0 {
		return c
	}
	return compareRPMVersion(a.release, b.release)
}

// RPM evaluates record r for an rpm package known by names (its binary
// and source package names) at epoch:version-release evr: the record's
// ecosystem must be base ("Red Hat", "AlmaLinux", "Rocky Linux") with a
// release suffix inRelease accepts.
func RPM(r *osv.Record, base string, inRelease func(string) bool, names []string, evr string) Result {
	return distro(r, base, inRelease, names, evr, parseRPM)
}
