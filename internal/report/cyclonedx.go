package report

import (
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/severity"
)

// CycloneDX writes the inventory as a CycloneDX 1.6 BOM with the findings
// in its vulnerabilities section, each affecting its component by
// bom-ref.
func CycloneDX(w io.Writer, res *scan.Result, inv *inventory.Inventory, created time.Time, toolVersion string) error {
	return writeCycloneDX(w, res, inv, created, toolVersion, false)
}

// CycloneDXVEX writes the same BOM as a VEX: every vulnerability carries
// an impact analysis, the VEX statement's when there is one, else
// in_triage.
func CycloneDXVEX(w io.Writer, res *scan.Result, inv *inventory.Inventory, created time.Time, toolVersion string) error {
	return writeCycloneDX(w, res, inv, created, toolVersion, true)
}

func writeCycloneDX(w io.Writer, res *scan.Result, inv *inventory.Inventory, created time.Time, toolVersion string, triage bool) error {
	vulns := make([]cdx.Vulnerability, 0, len(res.Findings))
	for _, f := range res.Findings {
		v := cdx.Vulnerability{
			BOMRef:         f.Component + "#" + f.ID,
			ID:             f.ID,
			Source:         source(f.ID),
			Description:    f.Summary,
			Recommendation: f.Advice,
			Affects:        &[]cdx.Affects{{Ref: f.Component, Range: &[]cdx.AffectedVersions{{Version: f.Version, Status: cdx.VulnerabilityStatusAffected}}}},
		}
		var refs []cdx.VulnerabilityReference
		for _, a := range f.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: source(a)})
		}
		if len(refs) > 0 {
			v.References = &refs
		}
		rating := cdx.VulnerabilityRating{Severity: cdxSeverity(f.Rating())}
		if f.Score > 0 {
			score := f.Score
			rating.Score, rating.Vector = &score, f.Vector
			rating.Method = method(f.Vector)
		}
		v.Ratings = &[]cdx.VulnerabilityRating{rating}
		if f.VEX != nil {
			v.Analysis = Analysis(f.VEX)
		} else if triage {
			v.Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASInTriage}
		}
		if r := f.Record(); r != nil {
			if len(r.References) > 0 {
				var adv []cdx.Advisory
				for _, ref := range r.References {
					if ref.Type == "ADVISORY" {
						adv = append(adv, cdx.Advisory{URL: ref.URL})
					}
				}
				if len(adv) > 0 {
					v.Advisories = &adv
				}
			}
			v.Published, v.Updated = r.Published, r.Modified
		}
		vulns = append(vulns, v)
	}
	sort.SliceStable(vulns, func(i, j int) bool { return vulns[i].BOMRef < vulns[j].BOMRef })
	return cyclonedx.Encode(w, notScanned(inv, res.Unscanned), cyclonedx.Options{Created: created, ToolName: "pysbom", ToolVersion: toolVersion, Vulnerabilities: vulns})
}

// PropNotScanned marks a component no advisory could match, with why.
const PropNotScanned = inventory.PropScanNotScanned

// notScanned is inv with each unscanned component marked (copies of the
// packages concerned; inv is not changed).
func notScanned(inv *inventory.Inventory, us []scan.Unscanned) *inventory.Inventory {
	if len(us) == 0 {
		return inv
	}
	why := map[string]string{}
	for _, u := range us {
		why[u.Component] = u.Reason
	}
	out := *inv
	out.Packages = make([]*inventory.Package, len(inv.Packages))
	for i, p := range inv.Packages {
		out.Packages[i] = p
		if r, ok := why[p.ID]; ok {
			c := *p
			c.Properties = append(slices.Clone(p.Properties), inventory.Property{Name: PropNotScanned, Value: r})
			out.Packages[i] = &c
		}
	}
	return &out
}

func source(id string) *cdx.Source {
	name, url := osv.Database(id)
	return &cdx.Source{Name: name, URL: url}
}

func cdxSeverity(r severity.Rating) cdx.Severity {
	switch r {
	case severity.Critical:
		return cdx.SeverityCritical
	case severity.High:
		return cdx.SeverityHigh
	case severity.Medium:
		return cdx.SeverityMedium
	case severity.Low:
		return cdx.SeverityLow
	case severity.None:
		return cdx.SeverityNone
	}
	return cdx.SeverityUnknown
}

func method(vector string) cdx.ScoringMethod {
	switch {
	case len(vector) > 9 && vector[:9] == "CVSS:4.0/":
		return cdx.ScoringMethodCVSSv4
	case len(vector) > 9 && vector[:9] == "CVSS:3.1/":
		return cdx.ScoringMethodCVSSv31
	case len(vector) > 9 && vector[:9] == "CVSS:3.0/":
		return cdx.ScoringMethodCVSSv3
	}
	return cdx.ScoringMethodCVSSv2
}

// Analysis maps a VEX status to CycloneDX's impact analysis.
func Analysis(v *scan.VEXStatus) *cdx.VulnerabilityAnalysis {
	a := &cdx.VulnerabilityAnalysis{Detail: strings.TrimSpace(v.ImpactStatement + " (" + v.Source + ")")}
	switch v.Status {
	case "not_affected":
		a.State = cdx.IASNotAffected
	case "fixed":
		a.State = cdx.IASResolved
	case "affected":
		a.State = cdx.IASExploitable
	case "under_investigation":
		a.State = cdx.IASInTriage
	}
	// OpenVEX justifications and their CycloneDX counterparts, as the
	// CISA "VEX Status Justifications" mapping gives them.
	switch v.Justification {
	case "component_not_present", "vulnerable_code_not_present":
		a.Justification = cdx.IAJCodeNotPresent
	case "vulnerable_code_not_in_execute_path":
		a.Justification = cdx.IAJCodeNotReachable
	case "vulnerable_code_cannot_be_controlled_by_adversary":
		a.Justification = cdx.IAJRequiresEnvironment
	case "inline_mitigations_already_exist":
		a.Justification = cdx.IAJProtectedByMitigatingControl
	case "code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency",
		"requires_environment", "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter",
		"protected_by_mitigating_control":
		a.Justification = cdx.ImpactAnalysisJustification(v.Justification) // read from CycloneDX VEX
	}
	if v.ActionStatement != "" {
		a.Detail = strings.TrimSpace(a.Detail + " " + v.ActionStatement)
	}
	return a
}
