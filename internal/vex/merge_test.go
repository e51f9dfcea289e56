package vex

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/scan"
)

func TestMerge(t *testing.T) {
	t1, t2 := time.Unix(100, 0), time.Unix(200, 0)
	a := []Statement{
		{Vulnerability: "CVE-1", Products: []Product{{PURL: "pkg:pypi/a"}, {PURL: "pkg:pypi/b"}}, Status: UnderInvestigation, Timestamp: t1},
		{Vulnerability: "CVE-2", Products: []Product{{PURL: "pkg:pypi/a"}}, Status: Affected, Timestamp: t2},
		{Vulnerability: "CVE-3", Products: []Product{{PURL: "pkg:pypi/a"}}, Status: "bogus", Invalid: "unknown status"},
	}
	b := []Statement{
		{Vulnerability: "CVE-1", Products: []Product{{PURL: "pkg:pypi/a"}}, Status: NotAffected, Justification: "component_not_present", Timestamp: t2},
		{Vulnerability: "CVE-2", Products: []Product{{PURL: "pkg:pypi/a"}}, Status: Fixed, Timestamp: t1},
		{Vulnerability: "CVE-2", Products: []Product{{PURL: "pkg:pypi/a", Subcomponents: []string{"pkg:pypi/c"}}}, Status: Fixed, Timestamp: t1},
	}
	got := Merge(a, b)
	// Oldest first, as Apply breaks ties.
	want := []struct{ vuln, product, status string }{
		{"CVE-1", "pkg:pypi/b", UnderInvestigation}, // split from the two-product statement
		{"CVE-2", "pkg:pypi/a", Fixed},              // with subcomponents: another key
		{"CVE-2", "pkg:pypi/a", Affected},           // the earlier document's later statement wins
		{"CVE-1", "pkg:pypi/a", NotAffected},        // later timestamp wins
	}
	if len(got) != len(want) {
		t.Fatalf("merged %+v", got)
	}
	for i, w := range want {
		if got[i].Vulnerability != w.vuln || got[i].Products[0].PURL != w.product || got[i].Status != w.status {
			t.Errorf("%d: %+v, want %+v", i, got[i], w)
		}
	}
	// A tie goes to the later argument.
	tie := Merge([]Statement{{Vulnerability: "X", Products: []Product{{PURL: "p"}}, Status: Affected}},
		[]Statement{{Vulnerability: "X", Products: []Product{{PURL: "p"}}, Status: Fixed}})
	if len(tie) != 1 || tie[0].Status != Fixed {
		t.Errorf("tie: %+v", tie)
	}
	// Equally late: the higher document version wins, whatever the order.
	byVersion := Merge([]Statement{{Vulnerability: "X", Products: []Product{{PURL: "p"}}, Status: Affected, DocVersion: 3}},
		[]Statement{{Vulnerability: "X", Products: []Product{{PURL: "p"}}, Status: Fixed, DocVersion: 2}})
	if len(byVersion) != 1 || byVersion[0].Status != Affected {
		t.Errorf("by version: %+v", byVersion)
	}
}

// TestMergeKeepsPairs is the statement that merge used to widen: appA is
// not affected through its urllib3, appB through its requests 2.0.0. After
// a merge (written and read back), appA must still not be declared
// unaffected through requests.
func TestMergeKeepsPairs(t *testing.T) {
	doc := `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z", "statements": [
	  {"vulnerability": {"name": "PYSEC-2014-13"}, "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
	   "products": [
	     {"@id": "pkg:generic/appA", "subcomponents": [{"@id": "pkg:pypi/urllib3"}]},
	     {"@id": "pkg:generic/appB", "subcomponents": [{"@id": "pkg:pypi/requests@2.0.0"}]}]}]}`
	stmts, err := ReadOpenVEX([]byte(doc), "in.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 || len(stmts[0].Products) != 2 || !reflect.DeepEqual(stmts[0].Products[0].Subcomponents, []string{"pkg:pypi/urllib3"}) {
		t.Fatalf("read %+v", stmts)
	}
	merged := roundTrip(t, Merge(stmts))
	want := []Product{{PURL: "pkg:generic/appA", Subcomponents: []string{"pkg:pypi/urllib3"}},
		{PURL: "pkg:generic/appB", Subcomponents: []string{"pkg:pypi/requests@2.0.0"}}}
	var got []Product
	for _, s := range merged {
		got = append(got, s.Products...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged products %+v, want %+v", got, want)
	}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "app", PURL: "pkg:generic/appA@1"},
		Packages: []*inventory.Package{{ID: "requests", PURL: "pkg:pypi/requests@2.0.0"}, {ID: "urllib3", PURL: "pkg:pypi/urllib3@1.0"}},
		Relationships: []inventory.Relationship{{From: "app", Type: inventory.Contains, To: "requests"},
			{From: "app", Type: inventory.Contains, To: "urllib3"}}}
	for _, list := range [][]Statement{stmts, merged} {
		res := &scan.Result{Findings: []*scan.Finding{
			{Component: "requests", PURL: "pkg:pypi/requests@2.0.0", ID: "PYSEC-2014-13"},
			{Component: "urllib3", PURL: "pkg:pypi/urllib3@1.0", ID: "PYSEC-2014-13"}}}
		Apply(res, inv, list)
		if v := res.Findings[0].VEX; v != nil {
			t.Errorf("requests in appA: VEX %+v; no statement says appA is not affected through requests", v)
		}
		if v := res.Findings[1].VEX; v == nil || !v.Suppressed {
			t.Errorf("urllib3 in appA: VEX %+v, want suppressed", v)
		}
	}
}

// TestMergeMemory: one statement with 1,000 products of 10 subcomponents
// each states 10,000 pairs, and the merge holds and writes 10,000 pairs,
// not the 10,000,000 of every product with every subcomponent.
func TestMergeMemory(t *testing.T) {
	s := Statement{Vulnerability: "CVE-1", Status: Fixed, Timestamp: time.Unix(100, 0)}
	for i := range 1000 {
		p := Product{PURL: fmt.Sprintf("pkg:generic/app%d", i)}
		for j := range 10 {
			p.Subcomponents = append(p.Subcomponents, fmt.Sprintf("pkg:pypi/lib%d-%d", i, j))
		}
		s.Products = append(s.Products, p)
	}
	merged := Merge([]Statement{s})
	pairs := 0
	for _, m := range merged {
		for _, p := range m.Products {
			pairs += len(p.Subcomponents)
		}
	}
	if pairs != 10000 {
		t.Fatalf("merged into %d pairs, want 10000", pairs)
	}
	var buf bytes.Buffer
	if err := Write(&buf, &Document{Author: "a", Version: 1, Timestamp: time.Unix(200, 0), Statements: merged}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 5<<20 {
		t.Errorf("wrote %d bytes for 10,000 pairs", buf.Len())
	}
}

// TestMergeAppliesAlike is a property test: for random inventories,
// findings and statement lists, the merge written as one OpenVEX document
// and read back decides every finding exactly as the statements given.
func TestMergeAppliesAlike(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		inv, findings := randomInventory(r)
		var lists [][]Statement
		for range 1 + r.IntN(3) {
			lists = append(lists, randomStatements(r, inv, 1+r.IntN(3)))
		}
		var all []Statement
		for _, l := range lists {
			all = append(all, l...)
		}
		merged := roundTrip(t, Merge(lists...))
		want, got := applied(inv, findings, all), applied(inv, findings, merged)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: merged statements decide\n%v\nthe given ones\n%v\nstatements %+v\nmerged %+v", seed, got, want, all, merged)
		}
	}
}

// roundTrip writes statements as one OpenVEX document and reads them back.
func roundTrip(t *testing.T, stmts []Statement) []Statement {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, &Document{Author: "t", Version: 1, Timestamp: time.Unix(1e9, 0), Statements: stmts}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadOpenVEX(buf.Bytes(), "merged.json")
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// applied is what Apply decides for each finding, without the source.
func applied(inv *inventory.Inventory, findings []scan.Finding, stmts []Statement) []string {
	res := &scan.Result{}
	for _, f := range findings {
		res.Findings = append(res.Findings, &f)
	}
	Apply(res, inv, stmts)
	var out []string
	for _, f := range res.Findings {
		if f.VEX == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, fmt.Sprintf("%s/%s/%s/%v", f.VEX.Status, f.VEX.Justification, f.VEX.ActionStatement, f.VEX.Suppressed))
	}
	return out
}

var vulns = [][]string{{"CVE-1"}, {"PYSEC-1", "CVE-1"}, {"GHSA-1", "PYSEC-1"}, {"CVE-2"}}

func randomInventory(r *rand.Rand) (*inventory.Inventory, []scan.Finding) {
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root", PURL: "pkg:generic/app@1"}}
	n := 2 + r.IntN(5)
	ids := []string{"root"}
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		inv.Packages = append(inv.Packages, &inventory.Package{ID: id, PURL: fmt.Sprintf("pkg:pypi/c%d@%d.0", i, 1+i%2)})
		// An edge from an earlier node keeps the graph acyclic; some
		// nodes get two parents, some none.
		for range r.IntN(3) {
			from := ids[r.IntN(len(ids))]
			typ := inventory.Contains
			if r.IntN(2) == 0 {
				typ = inventory.DependsOn
			}
			inv.Relationships = append(inv.Relationships, inventory.Relationship{From: from, Type: typ, To: id})
		}
		ids = append(ids, id)
	}
	var findings []scan.Finding
	for _, p := range inv.Packages {
		for _, v := range vulns {
			if r.IntN(2) == 0 {
				findings = append(findings, scan.Finding{Component: p.ID, PURL: p.PURL, ID: v[0], Aliases: v[1:]})
			}
		}
	}
	return inv, findings
}

// randomPURL names a component of inv, or one it does not have, with or
// without a version, in another spelling of its name at times.
func randomPURL(r *rand.Rand, inv *inventory.Inventory) string {
	if r.IntN(6) == 0 {
		return "pkg:generic/app"
	}
	i := r.IntN(len(inv.Packages) + 1)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("pkg:pypi/c%d", i)
	case 1:
		return fmt.Sprintf("pkg:pypi/C%d@%d", i, 1+i%2)
	default:
		return fmt.Sprintf("pkg:pypi/c%d@%d.0", i, 1+r.IntN(2))
	}
}

func randomStatements(r *rand.Rand, inv *inventory.Inventory, n int) []Statement {
	docVersion := 1 + r.IntN(3)
	var out []Statement
	statuses := []string{NotAffected, Affected, Fixed, UnderInvestigation}
	for range n {
		v := vulns[r.IntN(len(vulns))]
		s := Statement{Vulnerability: v[0], Aliases: v[1:], Status: statuses[r.IntN(len(statuses))], DocVersion: docVersion,
			Timestamp: time.Unix(int64(100*(1+r.IntN(3))), 0)}
		if r.IntN(3) == 0 {
			s.Aliases = nil
		}
		switch s.Status {
		case NotAffected:
			s.Justification = Justifications[r.IntN(len(Justifications))]
			if r.IntN(8) == 0 {
				s.Justification, s.Invalid = "", "not_affected without a justification or an impact statement"
			}
		case Affected:
			s.ActionStatement = fmt.Sprintf("do %d", r.IntN(3))
		}
		for range 1 + r.IntN(3) {
			p := Product{PURL: randomPURL(r, inv)}
			for range r.IntN(3) {
				p.Subcomponents = append(p.Subcomponents, randomPURL(r, inv))
			}
			s.Products = append(s.Products, p)
		}
		out = append(out, s)
	}
	return out
}
