// Package pyproject reads the [project] table of pyproject.toml (PEP 621)
// into core metadata terms, for sdists that carry no PKG-INFO.
package pyproject

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Project is the subset of [project] pysbom uses.
type Project struct {
	Name           string              `toml:"name"`
	Version        string              `toml:"version"`
	Description    string              `toml:"description"`
	RequiresPython string              `toml:"requires-python"`
	License        any                 `toml:"license"` // a string (PEP 639) or {text=..} / {file=..}
	LicenseFiles   []string            `toml:"license-files"`
	Authors        []Contact           `toml:"authors"`
	Maintainers    []Contact           `toml:"maintainers"`
	Classifiers    []string            `toml:"classifiers"`
	URLs           map[string]string   `toml:"urls"`
	Dependencies   []string            `toml:"dependencies"`
	Optional       map[string][]string `toml:"optional-dependencies"`
	Dynamic        []string            `toml:"dynamic"`
}

// Contact is an author or maintainer.
type Contact struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
}

// Error reports a malformed pyproject.toml; Line is 1-based, 0 if unknown.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Parse reads the [project] table. It returns nil and no error when there
// is none.
func Parse(data []byte) (*Project, error) {
	var doc struct {
		Project *Project `toml:"project"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		var pe toml.ParseError
		if ok := asParseError(err, &pe); ok {
			return nil, &Error{Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &Error{Msg: err.Error()}
	}
	return doc.Project, nil
}

func asParseError(err error, pe *toml.ParseError) bool {
	if e, ok := err.(toml.ParseError); ok {
		*pe = e
		return true
	}
	return false
}

// Metadata renders the table as core metadata text, so that one mapping
// (the core metadata one) serves PKG-INFO and pyproject.toml alike.
// fallbackVersion is used when the version is dynamic.
func (p *Project) Metadata(fallbackVersion string) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			b.WriteString(k + ": " + strings.ReplaceAll(v, "\n", "\n        ") + "\n")
		}
	}
	version := p.Version
	if version == "" {
		version = fallbackVersion
	}
	line("Metadata-Version", "2.4")
	line("Name", p.Name)
	line("Version", version)
	line("Summary", p.Description)
	line("Requires-Python", p.RequiresPython)
	switch l := p.License.(type) {
	case string:
		line("License-Expression", l)
	case map[string]any:
		if t, ok := l["text"].(string); ok {
			line("License", t)
		}
	}
	for _, f := range p.LicenseFiles {
		line("License-File", f)
	}
	contacts := func(field string, cs []Contact) {
		var names, emails []string
		for _, c := range cs {
			switch {
			case c.Email != "" && c.Name != "":
				emails = append(emails, fmt.Sprintf("%s <%s>", c.Name, c.Email))
			case c.Email != "":
				emails = append(emails, c.Email)
			case c.Name != "":
				names = append(names, c.Name)
			}
		}
		line(field, strings.Join(names, ", "))
		line(field+"-email", strings.Join(emails, ", "))
	}
	contacts("Author", p.Authors)
	contacts("Maintainer", p.Maintainers)
	for _, c := range p.Classifiers {
		line("Classifier", c)
	}
	for _, u := range sortedURLs(p.URLs) {
		line("Project-URL", u)
	}
	for _, d := range p.Dependencies {
		line("Requires-Dist", d)
	}
	for _, extra := range sortedKeys(p.Optional) {
		line("Provides-Extra", extra)
		for _, d := range p.Optional[extra] {
			if strings.Contains(d, ";") {
				r, m, _ := strings.Cut(d, ";")
				line("Requires-Dist", fmt.Sprintf("%s; (%s) and extra == %q", strings.TrimSpace(r), strings.TrimSpace(m), extra))
			} else {
				line("Requires-Dist", fmt.Sprintf("%s; extra == %q", d, extra))
			}
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedURLs returns "label, url" lines in label order.
func sortedURLs(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+", "+m[k])
	}
	return out
}
