package audit

import (
	"testing"

	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
)

// TestFailingPlatforms: a binary for another platform than this one (a
// Windows launcher in a Linux environment) is reported but counts for
// --fail-on only with allPlatforms; a malformed binary always counts.
func TestFailingPlatforms(t *testing.T) {
	c := lang.Result{Languages: []lang.Finding{{Name: "C"}}}
	fail := []harden.Result{{Check: "nx", Verdict: harden.Fail}}
	foreignFormat := "PE"
	if HostFormat() == "PE" {
		foreignFormat = "ELF"
	}
	r := &Report{Binaries: []*Binary{
		{Path: "native.so", Format: HostFormat(), Lang: c, Checks: fail},
		{Path: "cli-64.exe", Format: foreignFormat, Lang: c, Checks: fail},
		{Path: "broken.so", Error: "malformed"},
		{Path: "ok.so", Format: HostFormat(), Lang: c, Checks: []harden.Result{{Check: "nx", Verdict: harden.Pass}}},
	}}
	if n, foreign := r.Failing(CoreChecks, false); n != 2 || foreign != 1 {
		t.Errorf("this platform: %d failing, %d foreign", n, foreign)
	}
	if n, foreign := r.Failing(CoreChecks, true); n != 3 || foreign != 0 {
		t.Errorf("all platforms: %d failing, %d foreign", n, foreign)
	}
}
