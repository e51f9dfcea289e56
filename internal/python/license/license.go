// Package license maps the license information of Python core metadata to
// SPDX license expressions.
//
// The order is PEP 639's: a License-Expression field first, then the
// License field, then "License ::" trove classifiers. A value maps to an
// expression only when the mapping is exact: "MIT License" is MIT, but
// "BSD License" (which BSD?) and "Apache Software License" (which
// version?) map to nothing, and the declared text is kept instead.
package license

import (
	"strings"
)

// Result is the license of one distribution.
type Result struct {
	Expression string // a valid SPDX expression, or ""
	Declared   string // the text the metadata states
	Source     string // "License-Expression", "License" or "Classifier"
}

// FromMetadata chooses and maps the license of a distribution.
func FromMetadata(expression, license string, classifiers []string) Result {
	if e := strings.TrimSpace(expression); e != "" {
		r := Result{Declared: e, Source: "License-Expression"}
		if norm, ok := Normalize(e); ok {
			r.Expression = norm
		}
		return r
	}
	var trove []string
	for _, c := range classifiers {
		if strings.HasPrefix(c, "License ::") {
			trove = append(trove, c)
		}
	}
	if l := strings.TrimSpace(license); l != "" && !unknown(l) {
		r := Result{Declared: l, Source: "License"}
		if norm, ok := Normalize(l); ok {
			r.Expression = norm
		} else if id, ok := aliases[canon(l)]; ok {
			r.Expression = id
		} else if e := fromClassifiers(trove); e != "" && !strings.Contains(l, "\n") && len(l) < 100 {
			// A short free-text License ("MIT license") agreeing with
			// exact classifiers is as good as the classifiers.
			if aliasAgrees(l, e) {
				r.Expression = e
			}
		}
		if r.Expression != "" || len(trove) == 0 {
			return r
		}
		// An unmappable License field: fall through to the classifiers,
		// but only when they are exact; else keep the declared text.
		if e := fromClassifiers(trove); e != "" {
			return Result{Expression: e, Declared: strings.Join(trove, "; "), Source: "Classifier"}
		}
		return r
	}
	if len(trove) > 0 {
		return Result{Expression: fromClassifiers(trove), Declared: strings.Join(trove, "; "), Source: "Classifier"}
	}
	return Result{}
}

func unknown(s string) bool {
	return strings.EqualFold(s, "UNKNOWN") || strings.EqualFold(s, "None")
}

// aliasAgrees is true when free text names the same single license.
func aliasAgrees(text, id string) bool {
	return strings.Contains(canon(text), canon(id))
}

// fromClassifiers maps trove classifiers: one exact license gives it; two
// or more give nothing, since the classifiers do not say whether they mean
// a choice or a combination.
func fromClassifiers(cs []string) string {
	ids := map[string]bool{}
	for _, c := range cs {
		id, ok := classifiers[strings.TrimSpace(c)]
		if !ok || id == "" {
			return ""
		}
		ids[id] = true
	}
	if len(ids) != 1 {
		return ""
	}
	for id := range ids {
		return id
	}
	return ""
}

// canon lower-cases and collapses white space and punctuation.
func canon(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == ',' || r == '(' || r == ')' || r == '"':
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Normalize parses s as an SPDX license expression made of known license
// identifiers, LicenseRef- references, AND, OR, WITH and parentheses, and
// returns it with identifiers in their canonical case. ok is false when s
// is not such an expression.
func Normalize(s string) (string, bool) {
	toks := tokenize(s)
	if len(toks) == 0 {
		return "", false
	}
	p := &exprParser{toks: toks}
	out, ok := p.or()
	if !ok || p.pos != len(toks) {
		return "", false
	}
	return out, true
}

func tokenize(s string) []string {
	var toks []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r':
			flush()
		case '(', ')':
			flush()
			toks = append(toks, string(r))
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return toks
}

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peekOp(op string) bool {
	return p.pos < len(p.toks) && strings.EqualFold(p.toks[p.pos], op)
}

func (p *exprParser) or() (string, bool) {
	left, ok := p.and()
	for ok && p.peekOp("OR") {
		p.pos++
		var right string
		right, ok = p.and()
		left = left + " OR " + right
	}
	return left, ok
}

func (p *exprParser) and() (string, bool) {
	left, ok := p.with()
	for ok && p.peekOp("AND") {
		p.pos++
		var right string
		right, ok = p.with()
		left = left + " AND " + right
	}
	return left, ok
}

func (p *exprParser) with() (string, bool) {
	left, ok := p.atom()
	if ok && p.peekOp("WITH") {
		p.pos++
		if p.pos >= len(p.toks) {
			return "", false
		}
		exc, known := exceptions[strings.ToLower(p.toks[p.pos])]
		if !known {
			return "", false
		}
		p.pos++
		left = left + " WITH " + exc
	}
	return left, ok
}

func (p *exprParser) atom() (string, bool) {
	if p.pos >= len(p.toks) {
		return "", false
	}
	t := p.toks[p.pos]
	if t == "(" {
		p.pos++
		inner, ok := p.or()
		if !ok || p.pos >= len(p.toks) || p.toks[p.pos] != ")" {
			return "", false
		}
		p.pos++
		return "(" + inner + ")", true
	}
	p.pos++
	plus := strings.HasSuffix(t, "+")
	base := strings.TrimSuffix(t, "+")
	if strings.HasPrefix(base, "LicenseRef-") || strings.HasPrefix(base, "DocumentRef-") {
		return t, validRef(base)
	}
	id, ok := ids[strings.ToLower(base)]
	if !ok {
		return "", false
	}
	if plus {
		id += "+"
	}
	return id, true
}

func validRef(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}
