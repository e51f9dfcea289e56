package report

import (
	"crypto/sha256"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/scan"
	"github.com/pysbom/pysbom/internal/vex"
)

// CycloneDXStatements writes VEX statements as a CycloneDX 1.6 VEX
// document about one subject (a project of Dependency-Track): a
// vulnerability per statement, with its analysis, affecting the subject.
// Invalid statements are left out; skipped counts them.
func CycloneDXStatements(w io.Writer, stmts []vex.Statement, subject, subjectVersion string, created time.Time, toolVersion string) (skipped int, err error) {
	const ref = "subject"
	bom := cdx.NewBOM()
	bom.Version = 1
	bom.Metadata = &cdx.Metadata{Timestamp: created.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "pysbom", Version: toolVersion}}},
		Component: &cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeApplication, Name: subject, Version: subjectVersion}}
	var vulns []cdx.Vulnerability
	sum := sha256.New()
	for _, s := range stmts {
		if s.Invalid != "" {
			skipped++
			continue
		}
		a := Analysis(&scan.VEXStatus{Status: s.Status, Justification: s.Justification, ImpactStatement: s.ImpactStatement,
			ActionStatement: s.ActionStatement, Source: s.Source})
		if s.Status == vex.Affected || s.Status == vex.Fixed {
			a.Response = &[]cdx.ImpactAnalysisResponse{cdx.IARUpdate}
		}
		v := cdx.Vulnerability{BOMRef: s.Vulnerability, ID: s.Vulnerability, Source: &cdx.Source{Name: sourceOf(s.Vulnerability)},
			Analysis: a, Affects: &[]cdx.Affects{{Ref: ref}}}
		for _, al := range s.Aliases {
			if v.References == nil {
				v.References = &[]cdx.VulnerabilityReference{}
			}
			*v.References = append(*v.References, cdx.VulnerabilityReference{ID: al, Source: &cdx.Source{Name: sourceOf(al)}})
		}
		vulns = append(vulns, v)
		fmt.Fprintf(sum, "%s %s %s\n", s.Vulnerability, s.Status, s.Justification)
	}
	sort.SliceStable(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	// One analysis per vulnerability: the latest statement's (stmts come
	// merged, so later ones win).
	uniq := vulns[:0]
	for i, v := range vulns {
		if i+1 < len(vulns) && vulns[i+1].ID == v.ID {
			continue
		}
		uniq = append(uniq, v)
	}
	bom.Vulnerabilities = &uniq
	b := sum.Sum([]byte(subject + subjectVersion))[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	bom.SerialNumber = fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return skipped, enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// sourceOf names the database a vulnerability ID comes from, as
// Dependency-Track names its sources.
func sourceOf(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GITHUB"
	}
	return "OSV"
}
