package cyclonedx_test

import (
	"bytes"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/jsontest"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// whole is what the official library writes for Build's BOM: what Encode
// must write, byte for byte.
func whole(t *testing.T, inv *inventory.Inventory, opts cyclonedx.Options) []byte {
	t.Helper()
	bom, err := cyclonedx.Build(inv, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sameAsLibrary(t *testing.T, name string, inv *inventory.Inventory) {
	t.Helper()
	sameAsLibraryWith(t, name, inv, opts)
}

func sameAsLibraryWith(t *testing.T, name string, inv *inventory.Inventory, opts cyclonedx.Options) {
	t.Helper()
	var got bytes.Buffer
	if err := cyclonedx.Encode(&got, inv, opts); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := whole(t, inv, opts)
	if !bytes.Equal(got.Bytes(), want) {
		i := 0
		for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
			i++
		}
		t.Errorf("%s: Encode differs from the library at byte %d:\n got %q\nwant %q", name, i,
			got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want[max(0, i-80):min(len(want), i+80)])
	}
}

// TestEncodeMatchesLibrary: the streamed document is the library's, for
// the fixture environment, tricky strings, a root with files, files
// without hashes, packages without files, no packages at all, and the
// real pyenv environment.
func TestEncodeMatchesLibrary(t *testing.T) {
	sameAsLibrary(t, "fixture", sbomtest.FixtureInventory(t))
	root := &inventory.Package{ID: "root", Name: "app", Version: "1", Kind: inventory.KindEnvironment,
		Files: []inventory.File{{Path: "a", Hashes: []inventory.Hash{{Algorithm: inventory.SHA256, Value: "ab"}}}, {Path: "b"}}}
	sameAsLibrary(t, "no packages", &inventory.Inventory{Root: root})
	inv := &inventory.Inventory{Root: root}
	for i, s := range jsontest.Tricky {
		p := &inventory.Package{ID: "p" + s, Name: s, Version: s, Extra: &inventory.Extra{Summary: s}, PURL: "pkg:pypi/x@" + s,
			Properties: []inventory.Property{{Name: s, Value: s}}}
		if i%2 == 0 {
			p.Files = []inventory.File{{Path: s, Hashes: []inventory.Hash{{Algorithm: inventory.SHA1, Value: s}, {Algorithm: inventory.SHA256, Value: s}}},
				{Path: s + "/no-hashes"}, {Path: "md5", Hashes: []inventory.Hash{{Algorithm: inventory.MD5, Value: "00"}, {Algorithm: "BLAKE9", Value: "x"}}}}
		}
		inv.Packages = append(inv.Packages, p)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: "root", Type: inventory.Contains, To: p.ID})
	}
	inv.Problems = []inventory.Problem{{Kind: inventory.HashMismatch, Package: "p", Path: "x", Message: "<&>"}}
	sameAsLibrary(t, "tricky", inv)
	withVulns := opts
	score := 7.5
	for _, s := range jsontest.Tricky {
		withVulns.Vulnerabilities = append(withVulns.Vulnerabilities, cdx.Vulnerability{BOMRef: "p" + s + "#X-" + s, ID: "X-" + s,
			Source: &cdx.Source{Name: s, URL: "https://example.org/" + s}, Description: s, Recommendation: s,
			Ratings:  &[]cdx.VulnerabilityRating{{Severity: cdx.SeverityHigh, Score: &score, Method: cdx.ScoringMethodCVSSv31, Vector: s}},
			Affects:  &[]cdx.Affects{{Ref: "p" + s, Range: &[]cdx.AffectedVersions{{Version: s, Status: cdx.VulnerabilityStatusAffected}}}},
			Analysis: &cdx.VulnerabilityAnalysis{State: cdx.IASInTriage, Detail: s}})
	}
	// Lists that end up empty and a rating without a method, which the
	// library's conversion leaves out and calls "other".
	inv.Packages = append(inv.Packages, &inventory.Package{ID: "odd", Name: "odd", Hashes: []inventory.Hash{{Algorithm: "BLAKE9", Value: "x"}}})
	withVulns.Vulnerabilities = append(withVulns.Vulnerabilities, cdx.Vulnerability{ID: "X-no-method",
		Ratings: &[]cdx.VulnerabilityRating{{Severity: cdx.SeverityUnknown}, {Severity: cdx.SeverityLow, Method: "made-up"}}})
	sameAsLibraryWith(t, "tricky with vulnerabilities", inv, withVulns)
	sameAsLibraryWith(t, "vulnerabilities, no packages", &inventory.Inventory{Root: root}, withVulns)
	if !testing.Short() {
		if dir := realdata.PyenvSite(t, "3.11.7"); dir != "" {
			sameAsLibrary(t, "pyenv 3.11.7", sbomtest.Read(t, dir))
		}
	}
}
