package vex

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestCorpusOpenVEX reads every OpenVEX document of the corpus; the CSAF
// files among the examples are refused as not OpenVEX.
func TestCorpusOpenVEX(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "vex", "openvex", "examples", "*.json"))
	if len(files) == 0 {
		t.Skip("OpenVEX examples not present in ../shared/corpus/vex")
	}
	read := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		stmts, err := ReadOpenVEX(data, filepath.Base(f))
		// Only the files that hold CSAF rather than OpenVEX are named
		// *_csaf.json; vexctl's csaf_openvex.json is OpenVEX converted from CSAF.
		csaf := strings.HasSuffix(filepath.Base(f), "csaf.json")
		if csaf != (err != nil) {
			t.Errorf("%s: %d statements, %v", filepath.Base(f), len(stmts), err)
			continue
		}
		if err == nil {
			read++
			if len(stmts) == 0 {
				t.Errorf("%s: no statements", filepath.Base(f))
			}
			// None of them is about this inventory: each is said not
			// applied, with the reason.
			res := &scan.Result{}
			Apply(res, &inventory.Inventory{Root: &inventory.Package{ID: "r", PURL: "pkg:generic/unrelated@1"}}, stmts)
			if len(res.VEXNotApplied) != len(stmts) {
				t.Errorf("%s: %d of %d statements reported not applied", filepath.Base(f), len(res.VEXNotApplied), len(stmts))
			}
			for _, n := range res.VEXNotApplied {
				if n.Reason != "its products name no component of what was scanned" && !strings.HasPrefix(n.Reason, "invalid: ") {
					t.Errorf("%s: %s: reason %q", filepath.Base(f), n.Vulnerability, n.Reason)
				}
			}
		}
	}
	t.Logf("%d OpenVEX documents read", read)
}

func TestPURLMatches(t *testing.T) {
	tests := []struct {
		stmt, comp string
		want       bool
	}{
		{"pkg:pypi/zope.interface", "pkg:pypi/zope-interface@5.0", true},
		{"pkg:pypi/Zope_Interface@5.0.0", "pkg:pypi/zope-interface@5", true},
		{"pkg:pypi/requests@2.31.0", "pkg:pypi/requests@2.32.0", false},
		{"pkg:pypi/requests?file_name=x.whl", "pkg:pypi/requests@1?file_name=x.whl&repository_url=y", true},
		{"pkg:pypi/requests?file_name=x.whl", "pkg:pypi/requests@1", false},
		{"pkg:npm/requests", "pkg:pypi/requests@1", false},
		{"not a purl", "pkg:pypi/requests@1", false},
	}
	for _, tt := range tests {
		if got := PURLMatches(tt.stmt, tt.comp); got != tt.want {
			t.Errorf("PURLMatches(%s, %s) = %v", tt.stmt, tt.comp, got)
		}
	}
}

type src map[string][]*osv.Record

func (s src) Lookup(_ context.Context, _, name string) ([]*osv.Record, error) { return s[name], nil }

// TestApply: a vulnerable fixture app whose findings VEX documents cover
// by alias, by a versionless purl, by a non-normalised PyPI name, and with
// two conflicting statements of different times.
func TestApply(t *testing.T) {
	rec := func(id, alias, pkg string) *osv.Record {
		return &osv.Record{ID: id, Modified: "m", Aliases: []string{alias}, Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: "PyPI", Name: pkg},
			Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "99"}}}}}}}
	}
	db := src{
		"requests":       {rec("PYSEC-1", "CVE-2099-1", "requests")},
		"zope.interface": {rec("PYSEC-2", "CVE-2099-2", "zope.interface")},
		"urllib3":        {rec("PYSEC-3", "CVE-2099-3", "urllib3")},
		"idna":           {rec("PYSEC-4", "CVE-2099-4", "idna")},
	}
	pkg := func(name, v string) *inventory.Package {
		return &inventory.Package{ID: name, Kind: inventory.KindDistribution, Name: name, Version: v, PURL: "pkg:pypi/" + name + "@" + v}
	}
	inv := &inventory.Inventory{
		Root:     &inventory.Package{ID: "app", Name: "app", Version: "1", PURL: "pkg:generic/app@1"},
		Packages: []*inventory.Package{pkg("requests", "2.0"), pkg("zope.interface", "5.0"), pkg("urllib3", "1.0"), pkg("idna", "3.0"), pkg("lib", "1")},
		Relationships: []inventory.Relationship{
			{From: "app", Type: inventory.DependsOn, To: "requests"}, {From: "app", Type: inventory.DependsOn, To: "zope.interface"},
			{From: "requests", Type: inventory.DependsOn, To: "urllib3"}, {From: "app", Type: inventory.DependsOn, To: "lib"},
			{From: "lib", Type: inventory.DependsOn, To: "urllib3"}, {From: "app", Type: inventory.DependsOn, To: "idna"},
		},
	}
	res, err := scan.Scan(context.Background(), inv, db)
	if err != nil || len(res.Findings) != 4 {
		t.Fatalf("%v %+v", err, res)
	}
	doc := `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "CVE-2099-1"}, "products": [{"@id": "pkg:pypi/requests"}], "status": "not_affected",
   "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "PYSEC-2"}, "products": [{"@id": "pkg:pypi/Zope_Interface@5.0.0"}], "status": "fixed", "timestamp": "2024-01-02T00:00:00Z"},
  {"vulnerability": {"name": "PYSEC-2"}, "products": [{"@id": "pkg:pypi/Zope_Interface@5.0.0"}], "status": "affected", "timestamp": "2024-01-03T00:00:00Z",
   "action_statement": "upgrade"},
  {"vulnerability": {"name": "CVE-2099-3"}, "products": [{"@id": "pkg:pypi/requests@2.0"}], "status": "not_affected",
   "impact_statement": "requests never calls the vulnerable code", "timestamp": "2024-01-02T00:00:00Z"},
  {"vulnerability": {"name": "CVE-2099-4"}, "products": [{"@id": "pkg:pypi/idna"}], "status": "not_affected"},
  {"vulnerability": {"name": "CVE-2099-4"}, "products": [{"@id": "pkg:pypi/lib"}], "status": "not_affected",
   "justification": "component_not_present"}
 ]}`
	stmts, err := ReadOpenVEX([]byte(doc), "app.vex.json")
	if err != nil {
		t.Fatal(err)
	}
	if stmts[4].Invalid == "" {
		t.Error("not_affected without justification was accepted")
	}
	Apply(res, inv, stmts)
	got := map[string]string{}
	for _, f := range res.Findings {
		switch {
		case f.VEX == nil:
			got[f.Name] = "no statement"
		default:
			got[f.Name] = f.VEX.Status + map[bool]string{true: " suppressed", false: ""}[f.VEX.Suppressed]
		}
	}
	want := map[string]string{
		"requests":       "not_affected suppressed", // by alias, versionless purl
		"zope.interface": "affected",                // the later statement wins
		"urllib3":        "not_affected",            // covered through requests, but not through lib
		"idna":           "no statement",            // one statement is invalid, lib does not hold idna
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	// The superseded fixed statement was applied (and lost); the invalid
	// one and the one whose product holds no finding of it were not.
	var notApplied []string
	for _, n := range res.VEXNotApplied {
		notApplied = append(notApplied, n.Vulnerability+" "+strings.Join(n.Products, ",")+": "+n.Reason)
	}
	wantNot := []string{
		"CVE-2099-4 pkg:pypi/idna: invalid: not_affected without a justification or an impact statement",
		"CVE-2099-4 pkg:pypi/lib: no finding of CVE-2099-4 in its products",
	}
	if diff := cmp.Diff(wantNot, notApplied); diff != "" {
		t.Errorf("not applied (-want +got):\n%s", diff)
	}
	// A product the inventory does not hold (a root renamed).
	stale := []Statement{{Vulnerability: "CVE-2099-1", Status: Fixed, Products: []Product{{PURL: "pkg:generic/app@2"}}}}
	Apply(res, inv, stale)
	if len(res.VEXNotApplied) != 1 || res.VEXNotApplied[0].Reason != "its products name no component of what was scanned" {
		t.Errorf("stale product: %+v", res.VEXNotApplied)
	}
}

// TestProductsThatNeverMatch: a product or subcomponent that is not a
// package URL, or holds a control character, can never match a component;
// its statement is reported invalid instead of silently never applying.
func TestProductsThatNeverMatch(t *testing.T) {
	for _, tt := range []struct{ product, sub, want string }{
		{"*", "", `product "*" is not a package URL`},
		{"==2.0.0", "", `product "==2.0.0" is not a package URL`},
		{"pkg:pypi/requests%00", "", `product "pkg:pypi/requests%00" has a control character in it`},
		{"pkg:generic/app", "requests", `subcomponent "requests" is not a package URL`},
		{"pkg:pypi/requests", "", ""},
	} {
		prod := `"` + tt.product + `"`
		if tt.sub != "" {
			prod = `{"@id": "` + tt.product + `", "subcomponents": [{"@id": "` + tt.sub + `"}]}`
		}
		doc := `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": [` + prod + `]}]}`
		stmts, err := ReadOpenVEX([]byte(doc), "x.json")
		if err != nil || len(stmts) != 1 {
			t.Fatalf("%s: %v %+v", tt.product, err, stmts)
		}
		if stmts[0].Invalid != tt.want {
			t.Errorf("%s %s: invalid %q, want %q", tt.product, tt.sub, stmts[0].Invalid, tt.want)
		}
	}
}

// TestStatementTimes: a malformed time and one far in the future are
// reported on the statement, which is not applied: a year-9999 statement
// would otherwise win over every other for ever.
func TestStatementTimes(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }
	for ts, want := range map[string]string{
		"2026-12-05T10:00:00Z": "",
		"2026-12-06T20:00:00Z": "", // within the clocks' skew
		"9999-12-31T23:59:59Z": "timestamp 9999-12-31T23:59:59Z is in the future",
		"yesterday":            `timestamp "yesterday" is not an RFC 3339 time`,
	} {
		doc := `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z", "statements": [
		  {"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": ["pkg:pypi/a"], "timestamp": "` + ts + `"}]}`
		stmts, err := ReadOpenVEX([]byte(doc), "x.json")
		if err != nil || len(stmts) != 1 || stmts[0].Invalid != want {
			t.Errorf("%s: %+v %v, want invalid %q", ts, stmts, err, want)
		}
	}
	doc := `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "next tuesday", "statements": [
	  {"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": ["pkg:pypi/a"]}]}`
	if stmts, _ := ReadOpenVEX([]byte(doc), "x.json"); len(stmts) != 1 || !strings.Contains(stmts[0].Invalid, "the document's timestamp") {
		t.Errorf("bad document timestamp: %+v", stmts)
	}
}
