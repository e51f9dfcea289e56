// Package source keeps a curated SBOM of code vendored into a source tree
// true as the tree changes, the way CPython's Tools/build/generate_sbom.py
// does for CPython, for any project.
//
// A maintainer curates a manifest (.pysbom-source.toml at the root of the
// tree): which upstream packages are vendored where, with name, version,
// originator, download URL and archive checksum, purl and/or CPE, license,
// and include/exclude globs. [Update] recomputes the rest (every covered
// file with SHA-1 and SHA-256, CRLF normalised in text files as CPython
// does, and the CONTAINS relationships) and writes the SBOM; [Check]
// reports every way the SBOM and the tree disagree.
//
// # Security
//
// Nothing outside the tree is read or written: symbolic links that leave
// it are refused, and output paths must stay inside it.
package source

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// ManifestName is the manifest's file name at the root of the tree.
const ManifestName = ".pysbom-source.toml"

// Manifest is the curated part.
type Manifest struct {
	// SPDX is the SBOM to write, relative to the tree ("Misc/sbom.spdx.json").
	SPDX string `toml:"sbom"`
	// CycloneDX is an optional second SBOM in CycloneDX 1.6.
	CycloneDX string `toml:"cyclonedx"`
	// Format is "spdx" (a complete SPDX 2.3 document, the default) or
	// "cpython" (CPython's Misc/sbom.spdx.json shape, without the
	// document-level fields).
	Format   string    `toml:"format"`
	Packages []Package `toml:"package"`
	lines    map[string]int
}

// Package is one vendored upstream package.
type Package struct {
	Name        string `toml:"name"`
	Version     string `toml:"version"`
	DownloadURL string `toml:"download_url"`
	SHA256      string `toml:"sha256"`
	Originator  string `toml:"originator"`
	Supplier    string `toml:"supplier"`
	License     string `toml:"license"`
	CPE         List   `toml:"cpe"`
	PURL        List   `toml:"purl"`
	Purpose     string `toml:"purpose"`
	Include     List   `toml:"include"`
	Exclude     List   `toml:"exclude"`
}

// List is a list of strings that a manifest may also give as one string:
// cpe = "cpe:2.3:..." is cpe = ["cpe:2.3:..."].
type List []string

// UnmarshalTOML reads a string or a list of strings.
func (l *List) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = List{v}
		return nil
	case []any:
		out := make(List, 0, len(v))
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return errNotStrings
			}
			out = append(out, s)
		}
		*l = out
		return nil
	}
	return errNotStrings
}

var errNotStrings = errors.New("must be a string or a list of strings")

// typeError reads BurntSushi/toml's message for a value of the wrong
// type ("toml: line 7 (last key \"package.version\"): incompatible types:
// TOML value has type int64; destination has type string").
var typeError = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// tomlTypes names TOML's types as a manifest's author knows them.
var tomlTypes = map[string]string{"int64": "a number", "float64": "a number", "bool": "true or false", "string": "a string",
	"slice": "a list", "map": "a table", "map[string]any": "a table", "map[string]interface {}": "a table", "[]any": "a list", "time.Time": "a date"}

// decodeError turns the TOML library's message about a value into one
// the author can act on: the line, the key, and what it must be.
func decodeError(file string, err error) *ParseError {
	m := typeError.FindStringSubmatch(err.Error())
	if m == nil {
		return &ParseError{File: file, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	key := m[2]
	if i := strings.Index(key, "."); i > 0 && strings.HasPrefix(key, "package.") {
		key = key[i+1:]
	}
	msg := m[3]
	if t := regexp.MustCompile(`TOML value has type (\S+); destination has type (\S+)`).FindStringSubmatch(msg); t != nil {
		want := tomlTypes[t[2]]
		if want == "" {
			want = t[2]
		}
		got := tomlTypes[t[1]]
		if got == "" {
			got = t[1]
		}
		example := map[string]string{"a string": `"..."`, "a list": `["..."]`, "a number": "1", "true or false": "true", "a table": "{ ... }"}[want]
		msg = fmt.Sprintf("must be %s, not %s", want, got)
		if example != "" {
			msg += fmt.Sprintf(": %s = %s", key, example)
		}
	}
	return &ParseError{File: file, Line: line, Field: m[2], Msg: msg}
}

// ParseError is a problem in the manifest, with its line.
type ParseError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ParseError) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Msg)
	}
	return where + ": " + e.Msg
}

var keyLine = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)

// ReadManifest reads and checks the shape of a manifest.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseManifest(path, data)
}

// ParseManifest parses manifest text; file names it in errors.
func ParseManifest(file string, data []byte) (*Manifest, error) {
	var m Manifest
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			e := &ParseError{File: file, Line: pe.Position.Line, Msg: pe.Message}
			if pe.Message == errNotStrings.Error() {
				e.Field, e.Msg = pe.LastKey, errNotStrings.Error()
			}
			return nil, e
		}
		return nil, decodeError(file, err)
	}
	// Lines of keys, for messages: "package.N.key" and top-level keys.
	m.lines = map[string]int{}
	pkg := -1
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if t == "[[package]]" {
			pkg++
			m.lines[fmt.Sprintf("package.%d", pkg)] = i + 1
			continue
		}
		if k := keyLine.FindStringSubmatch(l); k != nil {
			if pkg < 0 {
				m.lines[k[1]] = i + 1
			} else {
				m.lines[fmt.Sprintf("package.%d.%s", pkg, k[1])] = i + 1
			}
		}
	}
	for _, k := range md.Undecoded() {
		return nil, m.errorf(file, k.String(), "unknown field")
	}
	if m.SPDX == "" {
		return nil, &ParseError{File: file, Field: "sbom", Msg: "missing: the path of the SPDX document to keep, such as \"Misc/sbom.spdx.json\""}
	}
	for _, out := range []struct{ key, path string }{{"sbom", m.SPDX}, {"cyclonedx", m.CycloneDX}} {
		if out.path != "" && !inTree(out.path) {
			return nil, &ParseError{File: file, Line: m.lines[out.key], Field: out.key, Msg: "must be a relative path inside the tree"}
		}
	}
	if m.Format != "" && m.Format != "spdx" && m.Format != "cpython" {
		return nil, &ParseError{File: file, Line: m.lines["format"], Field: "format", Msg: fmt.Sprintf("%q: want spdx or cpython", m.Format)}
	}
	seen := map[string]int{}
	for i, p := range m.Packages {
		if p.Name == "" {
			return nil, &ParseError{File: file, Line: m.lines[fmt.Sprintf("package.%d", i)], Field: "name", Msg: "missing"}
		}
		if j, dup := seen[p.Name]; dup {
			return nil, &ParseError{File: file, Line: m.line(i, "name"), Field: "name", Msg: fmt.Sprintf("package %q is listed twice (also package %d)", p.Name, j+1)}
		}
		seen[p.Name] = i
		for _, g := range append(append([]string{}, p.Include...), p.Exclude...) {
			if !inTree(strings.ReplaceAll(g, "*", "x")) {
				return nil, &ParseError{File: file, Line: m.line(i, "include"), Field: "include", Msg: fmt.Sprintf("glob %q must be relative and stay inside the tree", g)}
			}
		}
	}
	return &m, nil
}

func (m *Manifest) errorf(file, key, msg string) *ParseError {
	line := m.lines[key]
	if field, ok := strings.CutPrefix(key, "package."); ok && line == 0 {
		for i := 0; i < len(m.Packages) && line == 0; i++ {
			line = m.lines[fmt.Sprintf("package.%d.%s", i, field)]
		}
	}
	if parts := strings.Split(key, "."); line == 0 && len(parts) > 0 {
		line = m.lines[parts[len(parts)-1]]
	}
	return &ParseError{File: file, Line: line, Field: key, Msg: msg}
}

// line is the manifest line of field key of package i (its header when
// the field is absent).
func (m *Manifest) line(i int, key string) int {
	if l := m.lines[fmt.Sprintf("package.%d.%s", i, key)]; l > 0 {
		return l
	}
	return m.lines[fmt.Sprintf("package.%d", i)]
}

// inTree reports whether a slash path is relative and has no "..".
func inTree(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return false
	}
	for _, s := range strings.Split(p, "/") {
		if s == ".." {
			return false
		}
	}
	return true
}

// Write renders the manifest as TOML, deterministically.
func (m *Manifest) Write() []byte {
	var b strings.Builder
	b.WriteString("# pysbom source manifest: curated by people. `pysbom source update` recomputes the\n")
	b.WriteString("# files, checksums and relationships of the SBOM; `pysbom source check` reports drift.\n")
	fmt.Fprintf(&b, "sbom = %s\n", strconv.Quote(m.SPDX))
	if m.CycloneDX != "" {
		fmt.Fprintf(&b, "cyclonedx = %s\n", strconv.Quote(m.CycloneDX))
	}
	if m.Format != "" {
		fmt.Fprintf(&b, "format = %s\n", strconv.Quote(m.Format))
	}
	for _, p := range m.Packages {
		b.WriteString("\n[[package]]\n")
		str := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, "%s = %s\n", k, strconv.Quote(v))
			}
		}
		list := func(k string, vs []string) {
			if len(vs) == 0 {
				return
			}
			q := make([]string, len(vs))
			for i, v := range vs {
				q[i] = strconv.Quote(v)
			}
			fmt.Fprintf(&b, "%s = [%s]\n", k, strings.Join(q, ", "))
		}
		str("name", p.Name)
		str("version", p.Version)
		str("download_url", p.DownloadURL)
		str("sha256", p.SHA256)
		str("originator", p.Originator)
		str("supplier", p.Supplier)
		str("license", p.License)
		list("cpe", p.CPE)
		list("purl", p.PURL)
		str("purpose", p.Purpose)
		list("include", p.Include)
		list("exclude", p.Exclude)
	}
	return []byte(b.String())
}
