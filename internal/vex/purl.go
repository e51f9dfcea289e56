package vex

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
)

// ValidPURL reports whether s is a package URL a statement can name.
func ValidPURL(s string) bool { return purlProblem(s) == "" }

// purlProblem says why s can never name a component ("" when it can):
// it does not parse as a package URL, or a part of it holds a control
// character (a name with %00 in it).
func purlProblem(s string) string {
	p, err := packageurl.FromString(s)
	if err != nil {
		return "is not a package URL"
	}
	parts := []string{p.Type, p.Namespace, p.Name, p.Version, p.Subpath}
	for _, q := range p.Qualifiers {
		parts = append(parts, q.Key, q.Value)
	}
	for _, part := range parts {
		if strings.IndexFunc(part, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			return "has a control character in it"
		}
	}
	return ""
}

// purl is a package URL parsed once for matching.
type purl struct {
	typ, namespace, name, version string
	qualifiers                    map[string]string
	pypi                          bool
	v                             pep440.Version
	vOK                           bool
}

func parsePURL(s string) *purl {
	p, err := packageurl.FromString(s)
	if err != nil {
		return nil
	}
	out := &purl{typ: strings.ToLower(p.Type), namespace: p.Namespace, name: p.Name, version: p.Version, qualifiers: p.Qualifiers.Map()}
	if out.typ == "pypi" {
		out.pypi = true
		out.name = pep503.Normalize(out.name)
		if out.version != "" {
			v, err := pep440.Parse(out.version)
			out.v, out.vOK = v, err == nil
		}
	}
	return out
}

// covers reports whether statement purl s covers component purl c.
func (s *purl) covers(c *purl) bool {
	if s == nil || c == nil || s.typ != c.typ || s.namespace != c.namespace || s.name != c.name {
		return false
	}
	if s.version != "" && s.version != c.version {
		if !s.pypi || !s.vOK || !c.vOK || s.v.Compare(c.v) != 0 {
			return false
		}
	}
	for k, v := range s.qualifiers {
		if c.qualifiers[k] != v {
			return false
		}
	}
	return true
}

// purls parses each package URL once.
type purls map[string]*purl

func (m purls) get(s string) *purl {
	p, ok := m[s]
	if !ok {
		p = parsePURL(s)
		m[s] = p
	}
	return p
}

// PURLMatches reports whether a statement's purl covers a component's.
func PURLMatches(statement, component string) bool {
	return parsePURL(statement).covers(parsePURL(component))
}

// StableProduct is purl without a version that is a digest of content
// ("sha256:..."), which pysbom gives an environment's root: the digest
// changes with every install, the product stays the same.
func StableProduct(s string) string {
	p, err := packageurl.FromString(s)
	if err != nil || !strings.HasPrefix(p.Version, "sha256:") {
		return s
	}
	p.Version = ""
	return p.ToString()
}
