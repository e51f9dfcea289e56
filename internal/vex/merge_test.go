package vex

import (
	"testing"
	"time"
)

func TestMerge(t *testing.T) {
	t1, t2 := time.Unix(100, 0), time.Unix(200, 0)
	a := []Statement{
		{Vulnerability: "CVE-1", Products: []string{"pkg:pypi/a", "pkg:pypi/b"}, Status: UnderInvestigation, Timestamp: t1},
		{Vulnerability: "CVE-2", Products: []string{"pkg:pypi/a"}, Status: Affected, Timestamp: t2},
		{Vulnerability: "CVE-3", Products: []string{"pkg:pypi/a"}, Status: "bogus", Invalid: "unknown status"},
	}
	b := []Statement{
		{Vulnerability: "CVE-1", Products: []string{"pkg:pypi/a"}, Status: NotAffected, Justification: "component_not_present", Timestamp: t2},
		{Vulnerability: "CVE-2", Products: []string{"pkg:pypi/a"}, Status: Fixed, Timestamp: t1},
		{Vulnerability: "CVE-2", Products: []string{"pkg:pypi/a"}, Subcomponents: []string{"pkg:pypi/c"}, Status: Fixed, Timestamp: t1},
	}
	got := Merge(a, b)
	want := []struct{ vuln, product, status string }{
		{"CVE-1", "pkg:pypi/a", NotAffected},        // later timestamp wins
		{"CVE-1", "pkg:pypi/b", UnderInvestigation}, // split from the two-product statement
		{"CVE-2", "pkg:pypi/a", Affected},           // the earlier document's later statement wins
		{"CVE-2", "pkg:pypi/a", Fixed},              // with subcomponents: another key
	}
	if len(got) != len(want) {
		t.Fatalf("merged %+v", got)
	}
	for i, w := range want {
		if got[i].Vulnerability != w.vuln || got[i].Products[0] != w.product || got[i].Status != w.status {
			t.Errorf("%d: %+v, want %+v", i, got[i], w)
		}
	}
	// A tie goes to the later argument.
	tie := Merge([]Statement{{Vulnerability: "X", Products: []string{"p"}, Status: Affected}},
		[]Statement{{Vulnerability: "X", Products: []string{"p"}, Status: Fixed}})
	if len(tie) != 1 || tie[0].Status != Fixed {
		t.Errorf("tie: %+v", tie)
	}
	// Equally late: the higher document version wins, whatever the order.
	byVersion := Merge([]Statement{{Vulnerability: "X", Products: []string{"p"}, Status: Affected, DocVersion: 3}},
		[]Statement{{Vulnerability: "X", Products: []string{"p"}, Status: Fixed, DocVersion: 2}})
	if len(byVersion) != 1 || byVersion[0].Status != Affected {
		t.Errorf("by version: %+v", byVersion)
	}
}
