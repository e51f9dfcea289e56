package extract

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// TestPyenv3117 checks the real environment the issue names: 94
// distributions, cryptography depends on cffi, and exactly the 121
// dependency edges that marker-aware resolution gives (pip's own
// packaging agrees; a marker-blind reading gives 177).
func TestPyenv3117(t *testing.T) {
	site := realdata.PyenvSite(t, "3.11.7")
	env, err := target.Resolve(context.Background(), site, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Environment(context.Background(), env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dists, edges := 0, 0
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindDistribution {
			dists++
		}
	}
	isDist := func(id string) bool { p := inv.Find(id); return p != nil && p.Kind == inventory.KindDistribution }
	for _, r := range inv.Relationships {
		if r.Type == inventory.DependsOn && isDist(r.From) && isDist(r.To) {
			edges++
		}
	}
	if dists != 94 {
		t.Errorf("%d distributions, want 94", dists)
	}
	if edges != 121 {
		t.Errorf("%d dependency edges between distributions, want 121", edges)
	}
	has := func(from, to string) bool {
		for _, r := range inv.Relationships {
			if r.From == from && r.To == to && r.Type == inventory.DependsOn {
				return true
			}
		}
		return false
	}
	if !has("pypi/cryptography@48.0.0", "pypi/cffi@2.0.0") {
		t.Error("cryptography does not depend on cffi")
	}
	if has("pypi/click@8.4.0", "pypi/colorama@0.4.6") {
		t.Error("click depends on colorama on Linux")
	}
	for _, p := range inv.Problems {
		switch p.Kind {
		case inventory.MissingDependency, inventory.VersionConflict, inventory.MissingFile, inventory.BadRecord, inventory.BadMetadata:
			t.Errorf("unexpected problem in an installed environment: %+v", p)
		case inventory.HashMismatch:
			// This machine image appends its egress CA to every cacert.pem
			// at start-up; those files really did change after installation,
			// and the message must say the installed bytes are intact.
			if filepath.Base(p.Path) != "cacert.pem" || !strings.Contains(p.Message, "bytes were appended after installation") {
				t.Errorf("unexpected RECORD mismatch: %+v", p)
			}
		}
	}
}
