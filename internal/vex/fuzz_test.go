package vex

import (
	"reflect"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
)

// FuzzReadOpenVEX checks a hostile document gives statements or an
// error, never a panic, and that applying what is read never panics.
func FuzzReadOpenVEX(f *testing.F) {
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","timestamp":"2024-01-01T00:00:00Z","statements":[{"vulnerability":{"name":"CVE-1","aliases":["GHSA-1"]},"products":[{"@id":"pkg:pypi/a@1","subcomponents":[{"@id":"pkg:pypi/b"}]}],"status":"not_affected","justification":"component_not_present"}]}`))
	f.Add([]byte(`{"@context":"https://openvex.dev/ns","statements":[{"vulnerability":"CVE-1","products":["pkg:pypi/a"],"status":"fixed"}]}`))
	f.Add([]byte(`{"@context":"openvex","statements":[{"vulnerability":1}]}`))
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"not_affected","justification":"component_not_present","products":[{"@id":"pkg:pypi/a","subcomponents":[{"@id":"pkg:pypi/c"}]},{"@id":"pkg:pypi/x","subcomponents":[{"@id":"pkg:pypi/b@2"}]},"*","pkg:pypi/b%00"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		stmts, err := ReadOpenVEX(data, "fuzz.json")
		if err != nil {
			return
		}
		inv := &inventory.Inventory{Root: &inventory.Package{ID: "r"},
			Packages:      []*inventory.Package{{ID: "a", PURL: "pkg:pypi/a@1"}, {ID: "b", PURL: "pkg:pypi/b@2"}},
			Relationships: []inventory.Relationship{{From: "r", Type: inventory.Contains, To: "a"}, {From: "a", Type: inventory.DependsOn, To: "b"}}}
		findings := []scan.Finding{{Component: "b", PURL: "pkg:pypi/b@2", ID: "CVE-1", Aliases: []string{"GHSA-1"}},
			{Component: "a", PURL: "pkg:pypi/a@1", ID: "GHSA-1"}}
		// The merge decides every finding as the statements do.
		if want, got := applied(inv, findings, stmts), applied(inv, findings, Merge(stmts)); !reflect.DeepEqual(got, want) {
			t.Errorf("merged statements decide %v, the given ones %v", got, want)
		}
	})
}

// FuzzRead checks format detection and the CycloneDX reader never panic.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","metadata":{"component":{"bom-ref":"a","purl":"pkg:pypi/a@1"}},"components":[{"bom-ref":"b","purl":"pkg:pypi/b@2","components":[{"bom-ref":"c"}]}],"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"not_affected","justification":"code_not_present"},"affects":[{"ref":"urn:cdx:x/1#b"},{"ref":"pkg:pypi/c"}]}]}`))
	f.Add([]byte(`{"document":{"csaf_version":"2.0","tracking":{"current_release_date":"2024-01-01T00:00:00Z"}},"product_tree":{"branches":[{"branches":[{"product":{"product_id":"P","product_identification_helper":{"purl":"pkg:pypi/b@2"}}}]}],"relationships":[{"category":"default_component_of","product_reference":"P","relates_to_product_reference":"Q","full_product_name":{"product_id":"R"}}]},"vulnerabilities":[{"cve":"CVE-1","product_status":{"known_not_affected":["P","R"],"known_affected":["P"]},"flags":[{"label":"component_not_present","product_ids":["P"]}],"threats":[{"category":"impact","details":"x","product_ids":["R"]}],"remediations":[{"category":"vendor_fix","details":"y","product_ids":["P"]}]}]}`))
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		stmts, err := Read(data, "fuzz.json")
		if err != nil {
			return
		}
		res := &scan.Result{Findings: []*scan.Finding{{Component: "b", PURL: "pkg:pypi/b@2", ID: "CVE-1"}}}
		Apply(res, &inventory.Inventory{Packages: []*inventory.Package{{ID: "b", PURL: "pkg:pypi/b@2"}}}, stmts)
	})
}
