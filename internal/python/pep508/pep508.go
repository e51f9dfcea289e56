// Package pep508 parses dependency specifiers (PEP 508), as found in
// Requires-Dist, and evaluates their environment markers.
//
// # Subset
//
// Names, extras, version specifiers (with or without parentheses), direct
// references ("name @ url") and markers with and/or/parentheses and every
// marker variable of the dependency-specifiers specification. Marker
// comparisons follow pypa/packaging: a comparison whose right side is a
// valid version specifier is a PEP 440 comparison (pre-releases allowed),
// anything else is a string comparison; "extra" values are compared in
// PEP 503 normal form.
package pep508

import (
	"fmt"
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// maxLen bounds the length of a requirement line.
const maxLen = 64 << 10

// Requirement is one parsed dependency specifier.
type Requirement struct {
	Name      string // as written
	Extras    []string
	Specifier pep440.SpecifierSet
	URL       string  // direct reference, "" when none
	Marker    *Marker // nil when there is none
}

// Key returns the PEP 503 normalised name.
func (r Requirement) Key() string { return pep503.Normalize(r.Name) }

// String returns the requirement in a canonical spelling.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		if r.Marker != nil {
			b.WriteString(" ")
		}
	} else {
		b.WriteString(r.Specifier.String())
	}
	if r.Marker != nil {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// Error reports a malformed dependency specifier.
type Error struct {
	Input string
	Pos   int
	Msg   string
}

func (e *Error) Error() string {
	in := e.Input
	if len(in) > 120 {
		in = in[:120] + "..."
	}
	return fmt.Sprintf("invalid requirement %q at column %d: %s", in, e.Pos+1, e.Msg)
}

// Parse parses one dependency specifier.
func Parse(s string) (Requirement, error) {
	if len(s) > maxLen {
		return Requirement{}, &Error{Input: s, Msg: "too long"}
	}
	p := &parser{src: s}
	r, err := p.requirement()
	if err != nil {
		return Requirement{}, err
	}
	return r, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) errf(format string, args ...any) error {
	return &Error{Input: p.src, Pos: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) ws() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *parser) peek(tok string) bool { return strings.HasPrefix(p.src[p.pos:], tok) }

func (p *parser) eat(tok string) bool {
	if p.peek(tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func isIdent(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

func (p *parser) identifier() string {
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *parser) requirement() (Requirement, error) {
	var r Requirement
	p.ws()
	r.Name = p.identifier()
	if !pep503.Valid(r.Name) {
		return r, p.errf("expected a distribution name")
	}
	p.ws()
	if p.eat("[") {
		for {
			p.ws()
			if p.eat("]") {
				break
			}
			e := p.identifier()
			if !pep503.Valid(e) {
				return r, p.errf("expected an extra name")
			}
			r.Extras = append(r.Extras, e)
			p.ws()
			if p.eat("]") {
				break
			}
			if !p.eat(",") {
				return r, p.errf("expected ',' or ']' after extra")
			}
		}
		p.ws()
	}
	switch {
	case p.eat("@"):
		p.ws()
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != ' ' && p.src[p.pos] != '\t' {
			p.pos++
		}
		r.URL = p.src[start:p.pos]
		if r.URL == "" {
			return r, p.errf("expected a URL after '@'")
		}
		p.ws()
		if p.pos < len(p.src) && !p.peek(";") {
			return r, p.errf("expected ';' after URL")
		}
	default:
		paren := p.eat("(")
		start := p.pos
		for p.pos < len(p.src) && !strings.ContainsRune(";)", rune(p.src[p.pos])) {
			p.pos++
		}
		text := strings.TrimSpace(p.src[start:p.pos])
		if paren && !p.eat(")") {
			return r, p.errf("expected ')'")
		}
		if text != "" {
			set, err := pep440.ParseSpecifierSet(text)
			if err != nil {
				return r, &Error{Input: p.src, Pos: start, Msg: err.Error()}
			}
			r.Specifier = set
		}
	}
	p.ws()
	if p.eat(";") {
		m, err := p.markerOr()
		if err != nil {
			return r, err
		}
		r.Marker = m
		p.ws()
	}
	if p.pos != len(p.src) {
		return r, p.errf("unexpected %q", p.src[p.pos:])
	}
	return r, nil
}
