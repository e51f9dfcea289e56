package vex

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestWriteOpenVEX writes the triage state of a scan, validates it
// against the OpenVEX schema, reads it back to the same statements and
// checks it is byte-identical when written again.
func TestWriteOpenVEX(t *testing.T) {
	rec := func(id, alias, pkg string) *osv.Record {
		return &osv.Record{ID: id, Modified: "m", Aliases: []string{alias}, Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: "PyPI", Name: pkg},
			Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "99"}}}}}}}
	}
	inv := &inventory.Inventory{
		Root: &inventory.Package{ID: "app", Name: "app", Version: "1", PURL: "pkg:generic/app@1"},
		Packages: []*inventory.Package{
			{ID: "a", Name: "a", Version: "1", PURL: "pkg:pypi/a@1"},
			{ID: "b", Name: "b", Version: "2", PURL: "pkg:pypi/b@2"},
			{ID: "c", Name: "c", Version: "3"}},
		Relationships: []inventory.Relationship{{From: "app", Type: inventory.Contains, To: "a"}, {From: "app", Type: inventory.Contains, To: "b"}},
	}
	res, err := scan.Scan(context.Background(), inv, src{"a": {rec("PYSEC-1", "CVE-1", "a")}, "b": {rec("PYSEC-2", "CVE-2", "b")}, "c": {rec("PYSEC-3", "CVE-3", "c")}})
	if err != nil || len(res.Findings) != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	in, _ := ReadOpenVEX([]byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
	  {"vulnerability": {"name": "CVE-1"}, "products": ["pkg:pypi/a"], "status": "not_affected", "justification": "component_not_present"}]}`), "in.json")
	Apply(res, inv, in)
	stmts, skipped := FromFindings(res, inv)
	if skipped != 0 || len(stmts) != 2 || stmts[0].Status != NotAffected || stmts[1].Status != UnderInvestigation {
		t.Fatalf("skipped %d, statements %+v", skipped, stmts)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf, again bytes.Buffer
	if err := WriteOpenVEX(&buf, stmts, "tester", "pysbom test", created); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.OpenVEX020, buf.Bytes())
	back, err := ReadOpenVEX(buf.Bytes(), "out.json")
	if err != nil {
		t.Fatal(err)
	}
	for i := range back {
		back[i].Source, back[i].Timestamp, back[i].DocVersion = "", time.Time{}, 0
		if back[i].Invalid != "" {
			t.Errorf("written statement %d invalid: %s", i, back[i].Invalid)
		}
	}
	for i := range stmts {
		if len(stmts[i].Aliases) == 0 {
			stmts[i].Aliases = nil
		}
	}
	if !reflect.DeepEqual(back, stmts) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, stmts)
	}
	WriteOpenVEX(&again, stmts, "tester", "pysbom test", created)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes differ")
	}
}

// TestWriteCSAF writes statements as CSAF VEX: valid against the CSAF 2.0
// schema, read back to the same statuses, products and subcomponents,
// identical when written twice.
func TestWriteCSAF(t *testing.T) {
	stmts := []Statement{
		{Vulnerability: "PYSEC-1", Aliases: []string{"CVE-2099-1234", "GHSA-aaaa-bbbb-cccc"},
			Products: []Product{{PURL: "pkg:generic/app@1", Subcomponents: []string{"pkg:pypi/a@1"}}}, Status: NotAffected, Justification: "vulnerable_code_not_in_execute_path"},
		{Vulnerability: "PYSEC-2", Products: []Product{{PURL: "pkg:pypi/b@2"}}, Status: Affected, ActionStatement: "upgrade to 3"},
		{Vulnerability: "PYSEC-3", Products: []Product{{PURL: "pkg:pypi/b@2"}}, Status: UnderInvestigation},
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf, again bytes.Buffer
	pub := CSAFPublisher{Name: "Demo", Namespace: "https://example.com"}
	if err := WriteCSAF(&buf, stmts, pub, "pysbom", "test", created); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CSAF20, buf.Bytes())
	back, err := Read(buf.Bytes(), "out.json")
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ vuln, status, product, sub, invalid string }
	var got []key
	for _, s := range back {
		got = append(got, key{s.Vulnerability, s.Status, s.Products[0].PURL, fmt.Sprint(s.Products[0].Subcomponents), s.Invalid})
	}
	want := []key{
		{"CVE-2099-1234", NotAffected, "pkg:generic/app@1", "[pkg:pypi/a@1]", ""},
		{"PYSEC-2", Affected, "pkg:pypi/b@2", "[]", ""},
		{"PYSEC-3", UnderInvestigation, "pkg:pypi/b@2", "[]", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
	WriteCSAF(&again, stmts, pub, "pysbom", "test", created)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes differ")
	}
}
