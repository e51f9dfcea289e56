package extract

import (
	"context"
	"github.com/google/go-cmp/cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

func TestWheelhouse(t *testing.T) {
	dir := t.TempDir()
	d := fixture.Dist{Name: "fast", Version: "1.0", Metadata: "Author: F",
		MetaFiles: map[string]string{"sboms/x.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"z","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1"}]}`}}
	fixture.Wheel(t, dir, d, "cp312-cp312-manylinux_2_28_x86_64", nil)
	fixture.Wheel(t, dir, d, "cp312-cp312-macosx_11_0_arm64", nil)
	fixture.Sdist(t, dir, "fast", "1.0", map[string]string{"PKG-INFO": "Name: fast\nVersion: 1.0\nAuthor: F\n"})
	fixture.WriteFile(t, filepath.Join(dir, "broken-1-py3-none-any.whl"), "not a zip")
	fixture.WriteFile(t, filepath.Join(dir, "README.md"), "not an artifact")

	root, files, ok := target.Artifacts(dir)
	if !ok || len(files) != 4 {
		t.Fatalf("Artifacts(%s) = %v, %v", dir, files, ok)
	}
	inv, err := Artifacts(context.Background(), root, files, Options{Name: "wheelhouse", Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Root.Kind != inventory.KindCollection || inv.Root.PURL == "" || !inv.Root.Supplier.IsZero() {
		t.Errorf("root = %+v", inv.Root)
	}
	var contained []string
	for _, r := range inv.Relationships {
		if r.From == "wheelhouse" {
			contained = append(contained, r.To)
		}
	}
	if len(contained) != 3 {
		t.Errorf("wheelhouse contains %v, want the two wheels and the sdist", contained)
	}
	zlibs := 0
	for _, p := range inv.Packages {
		if strings.HasSuffix(p.ID, ">generic/zlib@1.3.1") {
			zlibs++
		}
	}
	if zlibs != 2 {
		t.Errorf("%d zlib components, want one per wheel", zlibs)
	}
	// The broken wheel; no supplier of the root (a folder's owner is no
	// supplier) nor of either zlib (a carrier's supplier is not theirs).
	var probs []string
	for _, p := range inv.Problems {
		probs = append(probs, string(p.Kind)+" "+p.Package+p.Path)
	}
	wantProbs := []string{"bad-archive broken-1-py3-none-any.whl", "no-supplier pypi/fast@1.0#fast-1.0-cp312-cp312-manylinux_2_28_x86_64.whl>generic/zlib@1.3.1",
		"no-supplier pypi/fast@1.0>generic/zlib@1.3.1", "no-supplier wheelhouse"}
	if diff := cmp.Diff(wantProbs, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// The same folder read again gives the same inventory version.
	again, _ := Artifacts(context.Background(), root, files, Options{Name: "wheelhouse"})
	if again.Root.Version != inv.Root.Version {
		t.Errorf("version %s then %s", inv.Root.Version, again.Root.Version)
	}
	// A single wheel is its own root; a broken single wheel is an error.
	good := filepath.Join(dir, "fast-1.0-cp312-cp312-macosx_11_0_arm64.whl")
	single, err := Artifacts(context.Background(), "", []string{good}, Options{})
	if err != nil || single.Root.Kind != inventory.KindDistribution {
		t.Errorf("single wheel: %+v, %v", single, err)
	}
	if _, err := Artifacts(context.Background(), "", []string{filepath.Join(dir, "broken-1-py3-none-any.whl")}, Options{}); err == nil {
		t.Error("a broken single wheel gave no error")
	}
	os.Remove(filepath.Join(dir, "README.md"))
}
