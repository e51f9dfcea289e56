package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

type src map[string][]*osv.Record

func (s src) Lookup(_ context.Context, _, name string) ([]*osv.Record, error) { return s[name], nil }

func result(t *testing.T) (*scan.Result, *inventory.Inventory) {
	inv := &inventory.Inventory{
		Root: &inventory.Package{ID: "root", Kind: inventory.KindEnvironment, Name: "env", Version: "1", PURL: "pkg:generic/env@1",
			Supplier: inventory.Party{Kind: inventory.Organization, Name: "X"}},
		Packages: []*inventory.Package{{ID: "pypi/demo@1.5", Kind: inventory.KindDistribution, Name: "demo", Version: "1.5",
			PURL: "pkg:pypi/demo@1.5", Supplier: inventory.Party{Kind: inventory.Person, Name: "D"},
			Python: &inventory.PythonDist{Location: "lib/python3.12/site-packages", MetadataDir: "demo-1.5.dist-info"}}},
		Relationships: []inventory.Relationship{{From: "root", Type: inventory.Contains, To: "pypi/demo@1.5"}},
	}
	rec := &osv.Record{ID: "PYSEC-2099-1", Modified: "2099-01-01T00:00:00Z", Published: "2099-01-01T00:00:00Z", Aliases: []string{"CVE-2099-1"},
		Summary: "A flaw", References: []osv.Reference{{Type: "ADVISORY", URL: "https://example.org/adv"}},
		Severity: []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
		Affected: []osv.Affected{{Package: osv.Package{Ecosystem: "PyPI", Name: "demo"},
			Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1.6"}}}}}}}
	res, err := scan.Scan(context.Background(), inv, src{"demo": {rec}})
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("scan: %v %+v", err, res)
	}
	return res, inv
}

func TestCycloneDX(t *testing.T) {
	res, inv := result(t)
	var buf bytes.Buffer
	if err := CycloneDX(&buf, res, inv, time.Unix(0, 0), "test"); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	var doc struct {
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
			Ratings []struct {
				Score    float64 `json:"score"`
				Severity string  `json:"severity"`
			} `json:"ratings"`
		} `json:"vulnerabilities"`
	}
	json.Unmarshal(buf.Bytes(), &doc)
	if len(doc.Vulnerabilities) != 1 || doc.Vulnerabilities[0].Affects[0].Ref != "pypi/demo@1.5" || doc.Vulnerabilities[0].Ratings[0].Score != 9.8 {
		t.Errorf("vulnerabilities = %+v", doc.Vulnerabilities)
	}
}

func TestSARIF(t *testing.T) {
	res, inv := result(t)
	var buf bytes.Buffer
	if err := SARIF(&buf, res, inv, "env", "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	r := log.Runs[0]
	if log.Version != "2.1.0" || len(r.Results) != 1 || r.Results[0].RuleID != "PYSEC-2099-1" || r.Results[0].Level != "error" ||
		r.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "lib/python3.12/site-packages/demo-1.5.dist-info/METADATA" ||
		r.Tool.Driver.Rules[0].Properties["security-severity"] != "9.8" || len(r.Results[0].PartialFingerprints) != 1 {
		t.Errorf("SARIF = %s", buf.String())
	}
}

// TestVEXOutputs checks a suppressed finding keeps its VEX status: as
// CycloneDX analysis (valid against the schema) and a SARIF suppression.
func TestVEXOutputs(t *testing.T) {
	res, inv := result(t)
	res.Findings[0].VEX = &scan.VEXStatus{Status: "not_affected", Justification: "vulnerable_code_not_present",
		ImpactStatement: "never imported", Source: "a.openvex.json#statements[0]", Suppressed: true}
	var buf bytes.Buffer
	if err := CycloneDX(&buf, res, inv, time.Unix(0, 0), "test"); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	for _, want := range []string{`"state": "not_affected"`, `"justification": "code_not_present"`, `never imported (a.openvex.json#statements[0])`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("CycloneDX lacks %s:\n%s", want, buf.Bytes())
		}
	}
	buf.Reset()
	if err := SARIF(&buf, res, inv, "env", "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Suppressions []struct{ Kind, Status, Justification string } `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	sup := log.Runs[0].Results[0].Suppressions
	if len(sup) != 1 || sup[0].Kind != "external" || sup[0].Status != "accepted" || !strings.Contains(sup[0].Justification, "vulnerable_code_not_present") {
		t.Errorf("suppressions = %+v", sup)
	}
}

// TestCycloneDXVEXTriage writes the triage state as CycloneDX VEX: it
// validates, and a finding without a VEX statement is in_triage.
func TestCycloneDXVEXTriage(t *testing.T) {
	res, inv := result(t)
	var buf bytes.Buffer
	if err := CycloneDXVEX(&buf, res, inv, time.Unix(0, 0), "test"); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.CycloneDX16, buf.Bytes())
	if !bytes.Contains(buf.Bytes(), []byte(`"state": "in_triage"`)) {
		t.Errorf("no in_triage analysis:\n%s", buf.Bytes())
	}
}

// TestSARIFUnscanned: what could not be scanned is a notification of the
// run, so code scanning shows it beside the results.
func TestSARIFUnscanned(t *testing.T) {
	res, inv := result(t)
	res.Unscanned = []scan.Unscanned{{Component: "x", Name: "urllib3", PURL: "pkg:pypi/urllib3", Reason: "no version (an unpinned requirement): which advisories apply is unknown"}}
	var buf bytes.Buffer
	if err := SARIF(&buf, res, inv, "env", "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notes               []struct {
					Level   string                `json:"level"`
					Message struct{ Text string } `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	inv0 := log.Runs[0].Invocations
	if len(inv0) != 1 || !inv0[0].ExecutionSuccessful || len(inv0[0].Notes) != 1 || !strings.Contains(inv0[0].Notes[0].Message.Text, "urllib3 was not scanned: no version") {
		t.Errorf("invocations: %s", buf.String())
	}
}
