package vex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestCorpusCycloneDXVEX reads the CycloneDX specification's own
// vulnerability examples: the not_affected analysis of jackson-databind.
func TestCorpusCycloneDXVEX(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "vex", "cyclonedx", "valid-vulnerability-*.json"))
	if len(files) == 0 {
		t.Skip("CycloneDX VEX examples not present in ../shared/corpus/vex/cyclonedx")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		stmts, err := Read(data, filepath.Base(f))
		if err != nil || len(stmts) != 1 {
			t.Fatalf("%s: %v %+v", f, err, stmts)
		}
		s := stmts[0]
		want := time.Date(2022, 2, 1, 0, 0, 0, 0, time.UTC)
		if s.Status != NotAffected || s.Justification != "code_not_reachable" || s.Invalid != "" || !s.Timestamp.Equal(want) ||
			len(s.Products) != 1 || s.Products[0].PURL != "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4" ||
			s.Vulnerability != "SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111" {
			t.Errorf("%s: %+v", filepath.Base(f), s)
		}
	}
}

// TestCorpusCSAF reads every CSAF document of the corpus.
func TestCorpusCSAF(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schema.CorpusDir(), "vex", "csaf", "*", "*.json"))
	if len(files) == 0 {
		t.Skip("CSAF examples not present in ../shared/corpus/vex/csaf")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		stmts, err := Read(data, filepath.Base(f))
		if err != nil || len(stmts) == 0 {
			t.Errorf("%s: %d statements, %v", filepath.Base(f), len(stmts), err)
			continue
		}
		byStatus := map[string]int{}
		for _, s := range stmts {
			byStatus[s.Status+" "+s.Invalid]++
		}
		t.Logf("%s: %v", filepath.Base(f), byStatus)
		switch filepath.Base(f) {
		case "rhsa-2024_4546.json": // products are components on platforms named by CPE
			if byStatus["fixed "] != 15 || !strings.HasPrefix(stmts[0].Products[0].PURL, "pkg:rpm/redhat/git-lfs") {
				t.Errorf("%s: %v %+v", f, byStatus, stmts[0])
			}
		case "sec-vex-2022-0001.json": // products without purls; justified by flags
			for _, s := range stmts {
				if s.Status != NotAffected || s.Justification != "component_not_present" || !strings.Contains(s.Invalid, "has no purl") {
					t.Errorf("%s: %+v", f, s)
				}
			}
		}
	}
}

// TestCorpusTrivyExamples reads trivy's documentation examples, one in
// each format, each a not_affected statement on a Debian or Go package.
func TestCorpusTrivyExamples(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "vex", "trivy-doc-examples")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("trivy VEX examples not present in ../shared/corpus/vex")
	}
	for _, f := range []string{"debian11.openvex.json", "debian11.vex.csaf", "trivy.vex.cdx"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		stmts, err := Read(data, f)
		if err != nil || len(stmts) == 0 {
			t.Errorf("%s: %v %+v", f, err, stmts)
			continue
		}
		for _, s := range stmts {
			if s.Status != NotAffected || s.Invalid != "" || len(s.Products) == 0 {
				t.Errorf("%s: %+v", f, s)
			}
		}
	}
}

func TestReadCycloneDX(t *testing.T) {
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"timestamp": "2024-05-01T00:00:00Z", "component": {"bom-ref": "app", "name": "app", "purl": "pkg:generic/app@1"}},
 "components": [{"bom-ref": "r", "name": "requests", "purl": "pkg:pypi/requests@2.0",
   "components": [{"bom-ref": "u", "name": "urllib3", "purl": "pkg:pypi/urllib3@1.0"}]}],
 "vulnerabilities": [
  {"id": "CVE-1", "references": [{"id": "GHSA-1", "source": {}}], "analysis": {"state": "false_positive"}, "affects": [{"ref": "u"}]},
  {"id": "CVE-2", "analysis": {"state": "resolved", "lastUpdated": "2024-06-01T00:00:00Z"}, "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#r"}]},
  {"id": "CVE-3", "analysis": {"state": "not_affected"}, "affects": [{"ref": "pkg:pypi/idna@3"}]},
  {"id": "CVE-4", "analysis": {"state": "exploitable", "response": ["update"]}, "affects": [{"ref": "app"}]},
  {"id": "CVE-5", "affects": [{"ref": "r"}]},
  {"id": "CVE-6", "analysis": {"state": "maybe", "detail": "x"}, "affects": [{"ref": "r"}]}
 ]}`
	stmts, err := Read([]byte(doc), "app.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ vuln, status, product, invalid string }
	var g []got
	for _, s := range stmts {
		g = append(g, got{s.Vulnerability + "," + strings.Join(s.Aliases, ","), s.Status, strings.Join(purlsOf(s.Products), ","), s.Invalid})
	}
	want := []got{
		{"CVE-1,GHSA-1", NotAffected, "pkg:pypi/urllib3@1.0", ""}, // nested component, false positive
		{"CVE-2,", Fixed, "pkg:pypi/requests@2.0", ""},            // BOM-Link fragment
		{"CVE-3,", NotAffected, "pkg:pypi/idna@3", "not_affected without a justification or detail"},
		{"CVE-4,", Affected, "pkg:generic/app@1", ""},
		{"CVE-6,", "", "pkg:pypi/requests@2.0", `unknown analysis state "maybe"`},
	}
	if len(g) != len(want) {
		t.Fatalf("statements = %+v", g)
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("statement %d = %+v, want %+v", i, g[i], want[i])
		}
	}
	if !stmts[1].Timestamp.Equal(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)) || !stmts[0].Timestamp.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("timestamps %v %v", stmts[0].Timestamp, stmts[1].Timestamp)
	}
	if _, err := Read([]byte(`{"bomFormat": "SPDX"}`), "x.json"); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("non-VEX accepted: %v", err)
	}
}

func purlsOf(ps []Product) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.PURL)
	}
	return out
}
