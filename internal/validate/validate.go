// Package validate checks SBOM documents: conformance to the official JSON
// schema, semantic rules the schema cannot express, the NTIA minimum
// elements, and a quality report.
//
// # Subset
//
// SPDX 2.2 and 2.3 JSON and CycloneDX 1.4, 1.5 and 1.6 JSON are validated
// against their official schemas (embedded, see package schemas). Other
// versions get the semantic, NTIA and quality checks, with the schema
// verdict "not checked". SPDX tag-value documents are converted to the
// JSON form and checked as such. XML documents are not read yet.
//
// # NTIA
//
// The minimum elements are judged as the SPDX NTIA conformance checker
// and sbomqs do where they agree, with the stricter reading where they
// differ: a component's unique identifier is a purl, CPE or SWID (an
// SPDXID or bom-ref alone does not count), and a supplier of NOASSERTION
// is missing.
//
// # Security
//
// Documents larger than [MaxSize] are refused before they are read;
// nesting deeper than encoding/json's limit is an error, not a crash.
package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/validate/schemas"
)

// MaxSize bounds the documents Read reads (a variable for tests).
var MaxSize int64 = 512 << 20

// Severity of a finding.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in a document.
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// Path is a JSON pointer into the document.
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// Report is the verdict on one document.
type Report struct {
	File    string `json:"file"`
	Format  string `json:"format"` // "SPDX", "CycloneDX"
	Version string `json:"version"`
	// Encoding is "JSON" or "tag-value" (checked as the JSON it converts to).
	Encoding string `json:"encoding"`
	// SchemaChecked is false when no schema is available for the version.
	SchemaChecked bool      `json:"schemaChecked"`
	Schema        []Finding `json:"schema"`
	Semantic      []Finding `json:"semantic"`
	NTIA          NTIA      `json:"ntia"`
	Quality       Quality   `json:"quality"`
}

// SchemaValid reports whether the schema check passed (or could not run).
func (r *Report) SchemaValid() bool { return len(r.Schema) == 0 }

// KnownVersion reports whether pysbom has the official schema of the
// document's version; a document of another version cannot be said to
// conform.
func (r *Report) KnownVersion() bool { return r.SchemaChecked }

// SemanticErrors counts semantic findings of severity error.
func (r *Report) SemanticErrors() int {
	n := 0
	for _, f := range r.Semantic {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// The official schemas by the version a document states.
var (
	cyclonedxSchemas = map[string]schemas.Kind{"1.4": schemas.CycloneDX14, "1.5": schemas.CycloneDX15, "1.6": schemas.CycloneDX16}
	spdxSchemas      = map[string]schemas.Kind{"2.2": schemas.SPDX22, "2.3": schemas.SPDX23}
)

// ErrNotSBOM is wrapped by errors for documents that are no SBOM pysbom reads.
var ErrNotSBOM = errors.New("not an SPDX or CycloneDX JSON document")

// Read reads and checks a document.
func Read(r io.Reader, name string) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxSize>>20)
	}
	return Document(data, name)
}

// Document checks one document held in memory.
func Document(data []byte, name string) (*Report, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	encoding := "JSON"
	if spdx.IsTagValue(trimmed) {
		// Tag-value is checked as the JSON document it converts to; paths
		// in findings refer to that JSON form.
		doc, err := spdx.TagValueToJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: SPDX tag-value: %w", name, err)
		}
		if data, err = json.Marshal(doc); err != nil {
			return nil, err
		}
		trimmed, encoding = data, "tag-value"
	}
	if trimmed[0] != '{' {
		if trimmed[0] == '<' {
			return nil, fmt.Errorf("%s: XML documents are not read yet; use JSON", name)
		}
		return nil, fmt.Errorf("%s: %w: it does not start with '{'", name, ErrNotSBOM)
	}
	if encoding == "JSON" {
		if r, ok, err := inParts(data, name); ok {
			return r, err
		}
	}
	return whole(data, name, encoding)
}

// whole checks a document held whole as one JSON tree: a tag-value
// document converted, or what inParts does not take (to say what it is).
func whole(data []byte, name, encoding string) (*Report, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not valid JSON: %s", name, jsonError(data, err))
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: %w: the top level is not an object", name, ErrNotSBOM)
	}
	r := &Report{File: name, Encoding: encoding}
	var kind schemas.Kind
	switch {
	case obj["bomFormat"] != nil && obj["bomFormat"] != "CycloneDX":
		return nil, fmt.Errorf("%s: %w: bomFormat is %v, not CycloneDX", name, ErrNotSBOM, obj["bomFormat"])
	case obj["bomFormat"] == "CycloneDX":
		r.Format = "CycloneDX"
		r.Version, _ = obj["specVersion"].(string)
		kind = cyclonedxSchemas[r.Version]
	case obj["spdxVersion"] != nil:
		r.Format = "SPDX"
		v, _ := obj["spdxVersion"].(string)
		r.Version = strings.TrimPrefix(v, "SPDX-")
		kind = spdxSchemas[r.Version]
	default:
		return nil, fmt.Errorf("%s: %w: no bomFormat (CycloneDX) or spdxVersion (SPDX) at the top level", name, ErrNotSBOM)
	}
	if kind != "" {
		r.SchemaChecked = true
		s, err := schemas.Load(kind)
		if err != nil {
			return nil, err
		}
		r.Schema = schemaFindings(s.Validate(doc))
	}
	if encoding == "JSON" {
		// Duplicate keys and strings that are not UTF-8 break the JSON
		// every schema assumes, whatever the version.
		r.Schema = append(wellFormed(data), r.Schema...)
	}
	switch r.Format {
	case "SPDX":
		checkSPDX(r, obj)
	default:
		checkCycloneDX(r, obj)
	}
	sort.SliceStable(r.Semantic, func(i, j int) bool { return r.Semantic[i].Path < r.Semantic[j].Path })
	return r, nil
}

// jsonError says where JSON stops being valid.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("line %d (byte %d): %v", line, se.Offset, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the document is truncated"
	}
	return err.Error()
}

// schemaMessage says what a schema error is about; a value outside a long
// enumeration (the schema's 700 SPDX license IDs) is named with what it
// should have been, not followed by every allowed value.
func schemaMessage(e *jsonschema.ValidationError) string {
	// The validator lists property names in map order; sorted, the same
	// document gets the same message every time.
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		slices.Sort(k.Properties)
	case *kind.Required:
		slices.Sort(k.Missing)
	case *kind.Dependency:
		slices.Sort(k.Missing)
	case *kind.DependentRequired:
		slices.Sort(k.Missing)
	}
	if en, ok := e.ErrorKind.(*kind.Enum); ok && len(en.Want) > 10 {
		got := fmt.Sprintf("%v", en.Got)
		if s, ok := en.Got.(string); ok {
			got = strconv.Quote(s)
		}
		loc := e.InstanceLocation
		if len(loc) >= 2 && loc[len(loc)-1] == "id" && loc[len(loc)-2] == "license" || len(loc) > 0 && loc[len(loc)-1] == "licenseId" {
			return fmt.Sprintf("%s is not an SPDX license ID (a license outside the SPDX list goes in license.name, or use an expression with LicenseRef-)", got)
		}
		return fmt.Sprintf("%s is not one of the %d values the schema allows here", got, len(en.Want))
	}
	return e.ErrorKind.LocalizedString(printer)
}

// schemaFindings flattens a validation error into its leaf causes.
func schemaFindings(err error) []Finding {
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Finding{{Check: "schema", Severity: Error, Message: err.Error()}}
	}
	var out []Finding
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			msg := schemaMessage(e)
			out = append(out, Finding{Check: "schema", Severity: Error, Path: "/" + strings.Join(e.InstanceLocation, "/"), Message: msg})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	// The same message at the same place from several oneOf branches once.
	uniq := out[:0]
	for i, f := range out {
		if i == 0 || f != out[i-1] {
			uniq = append(uniq, f)
		}
	}
	return uniq
}

// Gate is what makes a document fail: the checks a user asked to fail on.
type Gate struct {
	Schema, Strict, NTIA bool
	MinScore             float64
	// AllowUnknownVersion lets a document of a version without an
	// official schema pass the schema check.
	AllowUnknownVersion bool
}

// Failures says why r fails the gate; nil when it passes.
func (g Gate) Failures(r *Report) []string {
	var why []string
	if g.Schema && !r.SchemaValid() {
		why = append(why, "schema")
	}
	if g.Schema && !r.KnownVersion() && !g.AllowUnknownVersion {
		why = append(why, fmt.Sprintf("no schema for %s %s; --allow-unknown-version checks the rest", r.Format, r.Version))
	}
	if g.Strict && r.SemanticErrors() > 0 {
		why = append(why, "semantic errors")
	}
	if g.NTIA && !r.NTIA.Pass {
		why = append(why, "NTIA")
	}
	if g.MinScore > 0 && r.Quality.Score < g.MinScore {
		why = append(why, fmt.Sprintf("score %.1f < %.1f", r.Quality.Score, g.MinScore))
	}
	return why
}
