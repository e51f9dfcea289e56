package invjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/golden"
)

func TestFixtureGolden(t *testing.T) {
	inv := sbomtest.FixtureInventory(t)
	var buf bytes.Buffer
	if err := Encode(&buf, inv, sbomtest.Created, "pysbom-test"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/venv_inventory.json", buf.Bytes())
	var doc document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != Schema || len(doc.Packages) != len(inv.Packages) || len(doc.Problems) != len(inv.Problems) {
		t.Errorf("round trip lost data: %d packages, %d problems", len(doc.Packages), len(doc.Problems))
	}
}
