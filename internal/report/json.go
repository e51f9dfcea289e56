package report

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/pysbom/pysbom/internal/jsonstr"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// AppendJSON appends the scan to b as indented JSON: the database it
// used, then the result. The bytes are those encoding/json writes
// (two-space indent, no HTML escaping); the findings are written by hand because a large scan
// has thousands of them and indenting encoding/json's output doubled the
// time of the whole command.
func AppendJSON(b []byte, st *vulndb.Status, res *scan.Result) ([]byte, error) {
	var db bytes.Buffer
	enc := json.NewEncoder(&db)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(st); err != nil {
		return nil, err
	}
	b = slices.Grow(b, 64<<10+len(res.Findings)*640)
	b = append(b, "{\n  \"database\": "...)
	b = append(b, bytes.TrimSuffix(db.Bytes(), []byte("\n"))...)
	b = append(b, ",\n  \"components\": "...)
	b = strconv.AppendInt(b, int64(res.Components), 10)
	b = append(b, ",\n  \"scanned\": "...)
	b = strconv.AppendInt(b, int64(res.Scanned), 10)
	b = append(b, ",\n  \"findings\": "...)
	switch {
	case res.Findings == nil:
		b = append(b, "null"...)
	case len(res.Findings) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, '[')
		for i, f := range res.Findings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n    "...)
			b = appendFinding(b, f)
		}
		b = append(b, "\n  ]"...)
	}
	// The components no advisory could match and the VEX statements that
	// decided nothing: few, written by encoding/json. vexNotApplied is null
	// when no VEX was given, [] when every statement applied.
	var err error
	if b, err = appendIndented(b, "unscanned", res.Unscanned); err != nil {
		return nil, err
	}
	if b, err = appendIndented(b, "vexNotApplied", res.VEXNotApplied); err != nil {
		return nil, err
	}
	b = append(b, "\n}\n"...)
	return b, nil
}

// appendIndented appends `,"key": v` at depth 1, v encoded by encoding/json.
func appendIndented(b []byte, key string, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b = append(b, ",\n  \""+key+"\": "...)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

const fi = "\n      " // a finding's fields, at depth 3

func appendField(b []byte, first bool, key string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, fi...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, "\": "...)
}

func appendStrings(b []byte, ss []string, indent string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	if len(ss) == 0 {
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, indent...)
		b = append(b, "  "...)
		b = jsonstr.Append(b, s)
	}
	b = append(b, '\n')
	b = append(b, indent...)
	return append(b, ']')
}

// appendFloat writes a float64 as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendFinding(b []byte, f *scan.Finding) []byte {
	const ind = "      "
	b = append(b, '{')
	b = appendField(b, true, "component")
	b = jsonstr.Append(b, f.Component)
	b = appendField(b, false, "name")
	b = jsonstr.Append(b, f.Name)
	b = appendField(b, false, "version")
	b = jsonstr.Append(b, f.Version)
	if f.PURL != "" {
		b = appendField(b, false, "purl")
		b = jsonstr.Append(b, f.PURL)
	}
	b = appendField(b, false, "id")
	b = jsonstr.Append(b, f.ID)
	b = appendField(b, false, "aliases")
	b = appendStrings(b, f.Aliases, ind)
	if f.Summary != "" {
		b = appendField(b, false, "summary")
		b = jsonstr.Append(b, f.Summary)
	}
	b = appendField(b, false, "severity")
	b = jsonstr.Append(b, f.Severity)
	if f.Score != 0 {
		b = appendField(b, false, "score")
		b = appendFloat(b, f.Score)
	}
	for _, kv := range [][2]string{{"vector", f.Vector}, {"fixed", f.Fixed}} {
		if kv[1] != "" {
			b = appendField(b, false, kv[0])
			b = jsonstr.Append(b, kv[1])
		}
	}
	b = appendField(b, false, "advice")
	b = jsonstr.Append(b, f.Advice)
	if len(f.Labels) > 0 {
		b = appendField(b, false, "labels")
		b = appendStrings(b, f.Labels, ind)
	}
	b = appendField(b, false, "how")
	b = jsonstr.Append(b, f.How)
	if len(f.Diagnostics) > 0 {
		b = appendField(b, false, "diagnostics")
		b = appendStrings(b, f.Diagnostics, ind)
	}
	if f.SeverityFrom != "" {
		b = appendField(b, false, "severityFrom")
		b = jsonstr.Append(b, f.SeverityFrom)
	}
	if c := f.Carrier; c != nil { // rare: encoding/json writes it
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent(ind, "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err == nil {
			b = appendField(b, false, "carrier")
			b = append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	if v := f.VEX; v != nil {
		const vi = "\n        "
		b = appendField(b, false, "vex")
		b = append(b, "{"+vi+"\"status\": "...)
		b = jsonstr.Append(b, v.Status)
		for _, kv := range [][2]string{{"justification", v.Justification}, {"impactStatement", v.ImpactStatement}, {"actionStatement", v.ActionStatement}} {
			if kv[1] != "" {
				b = append(b, ","+vi+"\""...)
				b = append(b, kv[0]...)
				b = append(b, "\": "...)
				b = jsonstr.Append(b, kv[1])
			}
		}
		b = append(b, ","+vi+"\"source\": "...)
		b = jsonstr.Append(b, v.Source)
		b = append(b, ","+vi+"\"suppressed\": "...)
		b = strconv.AppendBool(b, v.Suppressed)
		b = append(b, "\n      }"...)
	}
	if f.Location != "" {
		b = appendField(b, false, "location")
		b = jsonstr.Append(b, f.Location)
	}
	if l := f.Layer; l != nil {
		const li = "\n        "
		b = appendField(b, false, "layer")
		b = append(b, "{"+li+"\"diffID\": "...)
		b = jsonstr.Append(b, l.DiffID)
		if l.CreatedBy != "" {
			b = append(b, ","+li+"\"createdBy\": "...)
			b = jsonstr.Append(b, l.CreatedBy)
		}
		b = append(b, "\n      }"...)
	}
	return append(b, "\n    }"...)
}
