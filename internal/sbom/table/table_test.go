package table

import (
	"bytes"
	"testing"

	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/testutil/golden"
)

func TestFixtureGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sbomtest.FixtureInventory(t)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/venv_table.txt", buf.Bytes())
}
