package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vulndb"
)

// std is what the command wrote before JSON existed: encoding/json with
// a two-space indent and HTML escaping off.
func std(t *testing.T, st *vulndb.Status, res *scan.Result) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Database *vulndb.Status `json:"database"`
		*scan.Result
	}{st, res}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	st := &vulndb.Status{Path: "v.db", Records: 3, Sources: []vulndb.Source{{Name: "<src>", Records: 3}}}
	tricky := []string{"", "q\"uote\\", "tab\tnl\n", "<&>", "na\xefve", "\u2028", "日本"}
	for _, res := range []*scan.Result{
		{Findings: []*scan.Finding{}},
		{Findings: nil},
		{Components: 3, Scanned: 2, Findings: []*scan.Finding{
			{Component: "c1", Name: "demo", Version: "1.5", ID: "PYSEC-1", Aliases: nil, Severity: "UNKNOWN", Advice: "a", How: "h"},
			{Component: "c2", Name: tricky[1], Version: tricky[2], PURL: "pkg:pypi/x@1", ID: "GHSA-1", Aliases: []string{},
				Summary: tricky[3], Severity: "HIGH", Score: 7.5, Vector: "CVSS:3.1/AV:N", Fixed: "2.0", Advice: tricky[4],
				Labels: []string{"native", tricky[5]}, How: tricky[6], Diagnostics: []string{"d1", "d2"},
				VEX: &scan.VEXStatus{Status: "not_affected", Justification: "j", ImpactStatement: "<i>", Source: "s", Suppressed: true}},
			{Component: "c3", Name: "n", Version: "v", ID: "X", Aliases: []string{"A", "B"}, Severity: "LOW", Score: 10, Advice: "", How: "",
				VEX: &scan.VEXStatus{Status: "affected", ActionStatement: "upgrade", Source: "s"}},
			{Component: "c4", Name: "n", Version: "v", ID: "Y", Severity: "LOW", Score: 0.1, How: "x", SeverityFrom: "GHSA-<1>",
				Carrier: &scan.Carrier{Component: "c<1>", Name: tricky[1], Version: "1", Through: []string{tricky[2], "pip 23"}},
				VEX:     &scan.VEXStatus{Status: "affected", Source: "s"}},
			{Component: "c5", Name: "n", Version: "v", ID: "Z", Severity: "LOW", How: "x", Carrier: &scan.Carrier{Component: "c", Name: "pip", PURL: "pkg:pypi/pip@1"}},
			{Component: "c6", Name: "n", Version: "v", ID: "W", Severity: "LOW", How: "x", Location: tricky[1],
				Layer: &scan.Layer{DiffID: "sha256:ab", CreatedBy: "RUN pip install <x> && echo \"ok\""}},
			{Component: "c7", Name: "n", Version: "v", ID: "V", Severity: "LOW", How: "x", Layer: &scan.Layer{DiffID: "sha256:cd"},
				VEX: &scan.VEXStatus{Status: "affected", Source: "s"}},
		}, Unscanned: []scan.Unscanned{{Component: "u", Name: tricky[3], Reason: "no version"}, {Component: "v", Name: "n", Version: "1", PURL: "pkg:x/n@1", Reason: tricky[1]}}},
		{Findings: []*scan.Finding{}, Unscanned: []scan.Unscanned{}},
	} {
		got, err := AppendJSON([]byte("kept:"), st, res)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff("kept:"+std(t, st, res), string(got)); diff != "" {
			t.Errorf("JSON differs from encoding/json (-want +got):\n%s", diff)
		}
	}
}

// fill sets every exported field of the value v points to, recursively:
// a field the hand-written writer does not know would then show up as a
// difference from encoding/json.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 6 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("v<&>\"\u2028" + strconv.Itoa(depth))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(7 + depth))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(7.25)
	}
}

// TestJSONEveryField: with every field of the scan result filled, the
// hand-written JSON is encoding/json's, so no field can be dropped.
func TestJSONEveryField(t *testing.T) {
	var res scan.Result
	fill(reflect.ValueOf(&res).Elem(), 0)
	var st vulndb.Status
	fill(reflect.ValueOf(&st).Elem(), 0)
	got, err := AppendJSON(nil, &st, &res)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(std(t, &st, &res), string(got)); diff != "" {
		t.Errorf("JSON differs from encoding/json (-want +got):\n%s", diff)
	}
}
