package pyproject

import (
	"errors"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/python/metadata"
)

const sample = `
[build-system]
requires = ["hatchling"]

[project]
name = "demo"
dynamic = ["version"]
description = "A demo"
license = "MIT OR Apache-2.0"
requires-python = ">=3.9"
authors = [{name = "Ann", email = "ann@example.org"}, {name = "Bob"}]
dependencies = ["idna>=3", "colorama; sys_platform == 'win32'"]
[project.optional-dependencies]
test = ["pytest"]
[project.urls]
Homepage = "https://example.org"
`

func TestParse(t *testing.T) {
	p, err := Parse([]byte(sample))
	if err != nil || p == nil {
		t.Fatal(p, err)
	}
	md, err := metadata.ParseBytes([]byte(p.Metadata("1.2.3")))
	if err != nil {
		t.Fatalf("rendered metadata does not parse: %v\n%s", err, p.Metadata("1.2.3"))
	}
	if md.Name != "demo" || md.Version != "1.2.3" || md.LicenseExpression != "MIT OR Apache-2.0" ||
		md.Author != "Bob" || md.AuthorEmail != "Ann <ann@example.org>" || len(md.RequiresDist) != 3 ||
		md.RequiresDist[2] != `pytest; extra == "test"` || md.ProjectURLs[0].URL != "https://example.org" {
		t.Errorf("metadata = %+v", md)
	}
	if p, err := Parse([]byte("[tool.x]\na = 1\n")); p != nil || err != nil {
		t.Errorf("no [project]: %v, %v", p, err)
	}
	_, err = Parse([]byte("[project]\nname = \"x\"\nversion = \n"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("malformed: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("[project]\nlicense = {text = \"MIT\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil || p == nil {
			return
		}
		if !strings.Contains(p.Metadata("1"), "Metadata-Version: 2.4") {
			t.Fatal("no metadata version")
		}
	})
}
