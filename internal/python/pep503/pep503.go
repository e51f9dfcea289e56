// Package pep503 normalises Python distribution names as PEP 503 defines.
//
// The normalised form is the one package indexes, installers and package URLs
// (pkg:pypi) use: lower case, with every run of "-", "_" and "." replaced by a
// single "-".
package pep503

import "strings"

// Normalize returns the PEP 503 normalised form of a distribution name.
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	if sep && b.Len() == 0 {
		// A name made only of separators has no normal form; keep one.
		return "-"
	}
	return b.String()
}

// Valid reports whether name is a valid distribution name under the core
// metadata specification: ASCII letters and digits at both ends, with ".",
// "_" and "-" allowed in between.
func Valid(name string) bool {
	if name == "" {
		return false
	}
	alnum := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !alnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}
