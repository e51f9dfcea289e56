// Package metadata parses Python core metadata: the METADATA file of a
// .dist-info directory and the PKG-INFO file of an .egg-info directory or
// sdist.
//
// # Format
//
// Core metadata is a set of RFC 822 style headers ("Name: value"), where a
// line starting with white space continues the previous header, followed
// by an optional blank line and a message body that holds the long
// description (Metadata-Version 2.1 and later). Every field of the core
// metadata specification up to version 2.4 is kept; multiple-use fields
// keep their order. Values that are not valid UTF-8 are decoded with
// replacement characters rather than rejected.
//
// # Security
//
// Parse reads at most [MaxSize] bytes and never executes anything.
package metadata

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxSize is the largest metadata file Parse accepts (long descriptions of
// real packages stay well below 1 MiB).
const MaxSize = 16 << 20

// Metadata holds the fields of one core metadata file.
type Metadata struct {
	MetadataVersion        string
	Name                   string
	Version                string
	Summary                string
	Description            string // the body, or the Description header
	DescriptionContentType string
	Keywords               string
	HomePage               string
	DownloadURL            string
	Author                 string
	AuthorEmail            string
	Maintainer             string
	MaintainerEmail        string
	License                string
	LicenseExpression      string // PEP 639
	LicenseFiles           []string
	Classifiers            []string
	RequiresDist           []string
	RequiresPython         string
	RequiresExternal       []string
	ProvidesExtra          []string
	ProvidesDist           []string
	ObsoletesDist          []string
	ProjectURLs            []ProjectURL
	Platforms              []string
	Dynamic                []string
	// Fields holds every header in file order, including unknown ones.
	Fields []Field
}

// ProjectURL is one Project-URL entry.
type ProjectURL struct {
	Label, URL string
}

// Field is one header as found in the file.
type Field struct {
	Name, Value string
}

// ParseError reports a malformed metadata file; Line is 1-based.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrTooLarge is returned for input larger than MaxSize.
var ErrTooLarge = errors.New("metadata file larger than 16 MiB")

// Parse parses a core metadata file. Name and Version must be present.
func Parse(r io.Reader) (*Metadata, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, ErrTooLarge
	}
	return ParseBytes(data)
}

// ParseBytes is Parse for data already in memory.
func ParseBytes(data []byte) (*Metadata, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &ParseError{Line: 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte("\n")), Msg: "NUL byte: not a text file"}
	}
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	m := &Metadata{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxSize+1)
	line := 0
	var body strings.Builder
	inBody := false
	// Continuation lines of the last field gather here and join its
	// value once, when the next field (or the body) begins: appending to
	// the value line by line would copy it again for every line.
	var cont strings.Builder
	flush := func() {
		if cont.Len() > 0 {
			f := &m.Fields[len(m.Fields)-1]
			f.Value += cont.String()
			cont.Reset()
		}
	}
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if inBody {
			body.WriteString(text)
			body.WriteByte('\n')
			continue
		}
		if text == "" {
			flush()
			inBody = true
			continue
		}
		if text[0] == ' ' || text[0] == '\t' {
			if len(m.Fields) == 0 {
				return nil, &ParseError{Line: line, Msg: "continuation line before any header"}
			}
			cont.WriteByte('\n')
			cont.WriteString(unindent(text))
			continue
		}
		flush()
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, &ParseError{Line: line, Msg: fmt.Sprintf("expected \"Field: value\", found %q", clip(text))}
		}
		m.Fields = append(m.Fields, Field{Name: name, Value: strings.TrimSpace(value)})
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{Line: line + 1, Msg: err.Error()}
	}
	flush()
	for _, f := range m.Fields {
		m.set(f)
	}
	if b := strings.TrimRight(body.String(), "\n"); b != "" {
		m.Description = b
	}
	if m.Name == "" {
		return nil, &ParseError{Line: 1, Msg: "no Name field"}
	}
	if m.Version == "" {
		return nil, &ParseError{Line: 1, Msg: "no Version field"}
	}
	return m, nil
}

// unindent removes the indentation of a continuation line, including the
// "|" that setuptools writes before each line of a legacy Description.
func unindent(s string) string {
	t := strings.TrimLeft(s, " \t")
	if len(s)-len(t) >= 7 && strings.HasPrefix(t, "|") {
		return strings.TrimPrefix(t, "|")
	}
	return t
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func (m *Metadata) set(f Field) {
	v := f.Value
	switch strings.ToLower(f.Name) {
	case "metadata-version":
		m.MetadataVersion = v
	case "name":
		m.Name = v
	case "version":
		m.Version = v
	case "summary":
		m.Summary = v
	case "description":
		m.Description = v
	case "description-content-type":
		m.DescriptionContentType = v
	case "keywords":
		m.Keywords = v
	case "home-page":
		m.HomePage = v
	case "download-url":
		m.DownloadURL = v
	case "author":
		m.Author = v
	case "author-email":
		m.AuthorEmail = v
	case "maintainer":
		m.Maintainer = v
	case "maintainer-email":
		m.MaintainerEmail = v
	case "license":
		m.License = v
	case "license-expression":
		m.LicenseExpression = v
	case "license-file":
		m.LicenseFiles = append(m.LicenseFiles, v)
	case "classifier":
		m.Classifiers = append(m.Classifiers, v)
	case "requires-dist":
		m.RequiresDist = append(m.RequiresDist, v)
	case "requires-python":
		m.RequiresPython = v
	case "requires-external":
		m.RequiresExternal = append(m.RequiresExternal, v)
	case "provides-extra":
		m.ProvidesExtra = append(m.ProvidesExtra, v)
	case "provides-dist":
		m.ProvidesDist = append(m.ProvidesDist, v)
	case "obsoletes-dist":
		m.ObsoletesDist = append(m.ObsoletesDist, v)
	case "project-url":
		label, url, ok := strings.Cut(v, ",")
		if !ok {
			label, url = "", v
		}
		m.ProjectURLs = append(m.ProjectURLs, ProjectURL{Label: strings.TrimSpace(label), URL: strings.TrimSpace(url)})
	case "platform", "supported-platform":
		m.Platforms = append(m.Platforms, v)
	case "dynamic":
		m.Dynamic = append(m.Dynamic, v)
	}
}

// Unknown reports whether a field value means "nothing": empty or "UNKNOWN",
// which old setuptools versions wrote for every missing field.
func Unknown(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || strings.EqualFold(v, "UNKNOWN") || strings.EqualFold(v, "None")
}
