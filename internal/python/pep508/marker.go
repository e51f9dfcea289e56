package pep508

import (
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// Env holds the values of the marker variables for one interpreter.
// Variables absent from the map evaluate as the empty string.
type Env map[string]string

// Variables lists the marker variables of the dependency-specifiers
// specification (with the legacy dotted spellings mapped when parsing).
var Variables = []string{
	"implementation_name", "implementation_version", "os_name", "platform_machine",
	"platform_python_implementation", "platform_release", "platform_system",
	"platform_version", "python_full_version", "python_version", "sys_platform", "extra",
}

var legacyNames = map[string]string{
	"os.name": "os_name", "sys.platform": "sys_platform",
	"platform.version": "platform_version", "platform.machine": "platform_machine",
	"platform.python_implementation": "platform_python_implementation",
	"python_implementation":          "platform_python_implementation",
}

// Marker is a parsed environment marker expression.
type Marker struct {
	// Either Op is "and"/"or" with Left and Right, or it is a comparison.
	Op          string
	Left, Right *Marker
	LHS, RHS    value
}

type value struct {
	Var string // a marker variable, or "" for a literal
	Lit string
}

func (v value) String() string {
	if v.Var != "" {
		return v.Var
	}
	if strings.Contains(v.Lit, `"`) {
		return "'" + v.Lit + "'"
	}
	return `"` + v.Lit + `"`
}

// ParseMarker parses a marker expression on its own.
func ParseMarker(s string) (*Marker, error) {
	if len(s) > maxLen {
		return nil, &Error{Input: s, Msg: "too long"}
	}
	p := &parser{src: s}
	m, err := p.markerOr()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.src) {
		return nil, p.errf("unexpected %q", p.src[p.pos:])
	}
	return m, nil
}

// String returns the marker in a canonical spelling.
func (m *Marker) String() string {
	switch m.Op {
	case "and", "or":
		l, r := m.Left.String(), m.Right.String()
		if m.Op == "and" {
			if m.Left.Op == "or" {
				l = "(" + l + ")"
			}
			if m.Right.Op == "or" {
				r = "(" + r + ")"
			}
		}
		return l + " " + m.Op + " " + r
	}
	return m.LHS.String() + " " + m.Op + " " + m.RHS.String()
}

// UsesExtra reports whether the marker mentions the "extra" variable.
func (m *Marker) UsesExtra() bool {
	if m == nil {
		return false
	}
	if m.Op == "and" || m.Op == "or" {
		return m.Left.UsesExtra() || m.Right.UsesExtra()
	}
	return m.LHS.Var == "extra" || m.RHS.Var == "extra"
}

func (p *parser) markerOr() (*Marker, error) {
	left, err := p.markerAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.ws()
		if !p.keyword("or") {
			return left, nil
		}
		right, err := p.markerAnd()
		if err != nil {
			return nil, err
		}
		left = &Marker{Op: "or", Left: left, Right: right}
	}
}

func (p *parser) markerAnd() (*Marker, error) {
	left, err := p.markerAtom()
	if err != nil {
		return nil, err
	}
	for {
		p.ws()
		if !p.keyword("and") {
			return left, nil
		}
		right, err := p.markerAtom()
		if err != nil {
			return nil, err
		}
		left = &Marker{Op: "and", Left: left, Right: right}
	}
}

// keyword consumes word if it stands alone at the current position.
func (p *parser) keyword(word string) bool {
	if !p.peek(word) {
		return false
	}
	end := p.pos + len(word)
	if end < len(p.src) && isIdent(p.src[end]) {
		return false
	}
	p.pos = end
	return true
}

func (p *parser) markerAtom() (*Marker, error) {
	p.ws()
	if p.eat("(") {
		m, err := p.markerOr()
		if err != nil {
			return nil, err
		}
		p.ws()
		if !p.eat(")") {
			return nil, p.errf("expected ')'")
		}
		return m, nil
	}
	lhs, err := p.markerValue()
	if err != nil {
		return nil, err
	}
	p.ws()
	op := ""
	for _, o := range []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"} {
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		switch {
		case p.keyword("in"):
			op = "in"
		case p.keyword("not"):
			p.ws()
			if !p.keyword("in") {
				return nil, p.errf("expected 'in' after 'not'")
			}
			op = "not in"
		default:
			return nil, p.errf("expected a marker operator")
		}
	}
	rhs, err := p.markerValue()
	if err != nil {
		return nil, err
	}
	return &Marker{Op: op, LHS: lhs, RHS: rhs}, nil
}

func (p *parser) markerValue() (value, error) {
	p.ws()
	if p.pos < len(p.src) && (p.src[p.pos] == '\'' || p.src[p.pos] == '"') {
		q := p.src[p.pos]
		end := strings.IndexByte(p.src[p.pos+1:], q)
		if end < 0 {
			return value{}, p.errf("unterminated string")
		}
		v := value{Lit: p.src[p.pos+1 : p.pos+1+end]}
		p.pos += end + 2
		return v, nil
	}
	name := p.identifier()
	if mapped, ok := legacyNames[name]; ok {
		name = mapped
	}
	for _, v := range Variables {
		if name == v {
			return value{Var: name}, nil
		}
	}
	if name == "" {
		return value{}, p.errf("expected a marker variable or a quoted string")
	}
	return value{}, p.errf("unknown marker variable %q", name)
}

// Evaluate evaluates the marker in env. A nil marker is true.
func (m *Marker) Evaluate(env Env) bool {
	if m == nil {
		return true
	}
	switch m.Op {
	case "and":
		return m.Left.Evaluate(env) && m.Right.Evaluate(env)
	case "or":
		return m.Left.Evaluate(env) || m.Right.Evaluate(env)
	}
	lhs, rhs := m.LHS.resolve(env), m.RHS.resolve(env)
	if m.LHS.Var == "extra" || m.RHS.Var == "extra" {
		lhs, rhs = pep503.Normalize(lhs), pep503.Normalize(rhs)
	}
	switch m.Op {
	case "in":
		return strings.Contains(rhs, lhs)
	case "not in":
		return !strings.Contains(rhs, lhs)
	}
	if spec, err := pep440.ParseSpecifier(m.Op + rhs); err == nil {
		yes := true
		return spec.Contains(lhs, &yes)
	}
	switch m.Op {
	case "==", "===":
		return lhs == rhs
	case "!=":
		return lhs != rhs
	case "<":
		return lhs < rhs
	case "<=":
		return lhs <= rhs
	case ">":
		return lhs > rhs
	case ">=":
		return lhs >= rhs
	}
	return false // "~=" on something that is not a version
}

func (v value) resolve(env Env) string {
	if v.Var != "" {
		return env[v.Var]
	}
	return v.Lit
}
