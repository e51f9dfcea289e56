package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/osv"
)

// debVersion is a Debian package version: [epoch:]upstream[-revision],
// ordered as Debian Policy §5.6.12 says.
type debVersion struct {
	epoch              int
	upstream, revision string
}

func parseDebian(s string) (debVersion, error) {
	var v debVersion
	s = strings.TrimSpace(s)
	if s == "" {
		return v, fmt.Errorf("empty Debian version")
	}
	if e, rest, ok := strings.Cut(s, ":"); ok {
		n := 0
		for _, c := range e {
			if c < '0' || c > '9' {
				return v, fmt.Errorf("Debian version %q: epoch is not a number", s)
			}
			n = n*10 + int(c-'0')
			if n > 1<<20 {
				return v, fmt.Errorf("Debian version %q: epoch too large", s)
			}
		}
		v.epoch, s = n, rest
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		v.upstream, v.revision = s[:i], s[i+1:]
	} else {
		v.upstream = s
	}
	if v.upstream == "" || v.upstream[0] < '0' || v.upstream[0] > '9' {
		return v, fmt.Errorf("Debian version %q: the upstream part must start with a digit", s)
	}
	return v, nil
}

func (a debVersion) cmp(o version) int {
	b := o.(debVersion)
	if a.epoch != b.epoch {
		if a.epoch < b.epoch {
			return -1
		}
		return 1
	}
	if c := debCompare(a.upstream, b.upstream); c != 0 {
		return c
	}
	return debCompare(a.revision, b.revision)
}

// debOrder is the sort weight of a character in a non-digit part: "~"
// sorts before everything, even the end of the part; letters before other
// characters.
func debOrder(c byte) int {
	switch {
	case c == '~':
		return -1
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		return int(c)
	}
	return int(c) + 256
}

// debCompare compares two upstream or revision parts: alternately the
// non-digit prefixes (by debOrder) and the digit runs (as numbers).
func debCompare(a, b string) int {
	for a != "" || b != "" {
		for (a != "" && (a[0] < '0' || a[0] > '9')) || (b != "" && (b[0] < '0' || b[0] > '9')) {
			ac, bc := 0, 0
			if a != "" && (a[0] < '0' || a[0] > '9') {
				ac = debOrder(a[0])
			}
			if b != "" && (b[0] < '0' || b[0] > '9') {
				bc = debOrder(b[0])
			}
			if ac != bc {
				if ac < bc {
					return -1
				}
				return 1
			}
			a, b = a[1:], b[1:]
		}
		i, j := 0, 0
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		a, b = a[i:], b[j:]
		i, j = 0, 0
		for i < len(a) && a[i] >= '0' && a[i] <= '9' {
			i++
		}
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if i != j {
			if i < j {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a[:i], b[:j]); c != 0 {
			return c
		}
		a, b = a[i:], b[j:]
	}
	return 0
}

// Debian evaluates record r for the Debian source package name at
// version ver of release ("12", or "" for any): the record's ecosystem
// must be "Debian" and, when both name one, the same release.
func Debian(r *osv.Record, release, name, ver string) Result {
	return distro(r, "Debian", sameRelease(release), []string{name}, ver, func(s string) (version, error) { return parseDebian(s) })
}

// Ubuntu evaluates record r for the Ubuntu source package name at
// version ver of release ("22.04"), in Debian's version order: the
// record's ecosystem must be "Ubuntu:22.04" or "Ubuntu:22.04:LTS". Ubuntu
// Pro's records ("Ubuntu:Pro:22.04:LTS") are fixes an image without Pro
// cannot install: they do not decide.
func Ubuntu(r *osv.Record, release, name, ver string) Result {
	in := func(rel string) bool { return rel == release || rel == release+":LTS" }
	return distro(r, "Ubuntu", in, []string{name}, ver, func(s string) (version, error) { return parseDebian(s) })
}

// sameRelease accepts an ecosystem's release suffix when it is release,
// or when either names none.
func sameRelease(release string) func(string) bool {
	return func(rel string) bool { return rel == "" || release == "" || rel == release }
}

// distro evaluates record r for a package (any of its names: source,
// binary) at version ver, in the distribution's version order: the
// record's ecosystem must be base ("Debian", "Alpine", "Red Hat") with a
// release suffix inRelease accepts.
func distro(r *osv.Record, base string, inRelease func(string) bool, names []string, ver string, parse func(string) (version, error)) Result {
	var res Result
	if r.Withdrawn != "" {
		return res
	}
	v, err := parse(ver)
	if err != nil {
		return Result{Unparseable: true, Diagnostics: []string{err.Error()}}
	}
	for _, a := range r.Affected {
		b, rel, _ := strings.Cut(a.Package.Ecosystem, ":")
		if b != base || !slices.Contains(names, a.Package.Name) || !inRelease(rel) {
			continue
		}
		for _, s := range a.Versions {
			if w, err := parse(s); err == nil && w.cmp(v) == 0 {
				return Result{Affected: true, How: "versions[] lists " + s}
			}
		}
		for _, rg := range a.Ranges {
			if rg.Type != "ECOSYSTEM" {
				continue
			}
			rr, evs := evaluateRange(rg, parse, v)
			res.Diagnostics = append(res.Diagnostics, rr.Diagnostics...)
			if rr.Affected {
				return merge(res, rr)
			}
			// Remember the fix that the evaluation passed, for evidence.
			for _, e := range evs {
				if e.kind == 2 && e.against(v) <= 0 {
					res.Fixed = e.value
				}
			}
		}
	}
	return res
}
