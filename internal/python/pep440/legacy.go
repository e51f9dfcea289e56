package pep440

import (
	"regexp"
	"strings"
)

// CompareAny orders any two version strings the way pypa/packaging did
// before it dropped LegacyVersion (and as osv-scalibr still does): valid
// PEP 440 versions by PEP 440; strings that are not PEP 440 ("legacy"
// versions such as "0.9-doduo") sort below every valid version and among
// themselves by packaging's legacy key. Matching never relies on this
// order for legacy strings (see package match); it serves tools that sort
// every version a registry has published.
func CompareAny(a, b string) int {
	va, ea := Parse(a)
	vb, eb := Parse(b)
	switch {
	case ea == nil && eb == nil:
		return va.Compare(vb)
	case ea == nil:
		return 1
	case eb == nil:
		return -1
	}
	ka, kb := legacyKey(a), legacyKey(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if c := strings.Compare(ka[i], kb[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(ka), len(kb))
}

var legacyPartRE = regexp.MustCompile(`(\d+|[a-z]+|\.|-)`)

var legacyReplace = map[string]string{"pre": "c", "preview": "c", "-": "final-", "rc": "c", "dev": "@"}

// legacyKey is packaging's _legacy_cmpkey: numbers zero-padded to eight
// digits, words prefixed with "*", "*final" appended, trailing zeros and
// "final-" markers before pre-release words dropped.
func legacyKey(s string) []string {
	var parts []string
	add := func(part string) {
		if strings.HasPrefix(part, "*") {
			if part < "*final" {
				for len(parts) > 0 && parts[len(parts)-1] == "*final-" {
					parts = parts[:len(parts)-1]
				}
			}
			for len(parts) > 0 && parts[len(parts)-1] == "00000000" {
				parts = parts[:len(parts)-1]
			}
		}
		parts = append(parts, part)
	}
	for _, p := range splitKeep(strings.ToLower(s)) {
		if r, ok := legacyReplace[p]; ok {
			p = r
		}
		if p == "" || p == "." {
			continue
		}
		if p[0] >= '0' && p[0] <= '9' {
			if len(p) < 8 {
				p = strings.Repeat("0", 8-len(p)) + p
			}
			add(p)
		} else {
			add("*" + p)
		}
	}
	add("*final")
	return parts
}

// splitKeep splits like Python's re.split with a capturing group: the
// pieces between matches and the matches themselves, in order.
func splitKeep(s string) []string {
	var out []string
	last := 0
	for _, m := range legacyPartRE.FindAllStringIndex(s, -1) {
		out = append(out, s[last:m[0]], s[m[0]:m[1]])
		last = m[1]
	}
	return append(out, s[last:])
}
