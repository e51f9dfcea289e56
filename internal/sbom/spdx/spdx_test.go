package spdx_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom/sbomtest"
	"github.com/pysbom/pysbom/internal/sbom/spdx"
	"github.com/pysbom/pysbom/internal/testutil/golden"
	"github.com/pysbom/pysbom/internal/testutil/ntia"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
	"github.com/pysbom/pysbom/internal/testutil/schema"
)

var opts = spdx.Options{Created: sbomtest.Created, Tool: "pysbom-test"}

func TestFixtureGolden(t *testing.T) {
	inv := sbomtest.FixtureInventory(t)
	var buf bytes.Buffer
	if err := spdx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/venv_spdx.json", buf.Bytes())
	schema.Validate(t, schema.SPDX23, buf.Bytes())
	fails, err := ntia.SPDX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// epsilon and delta name an author; every fixture component has a supplier.
	for _, f := range fails {
		t.Errorf("NTIA: %s", f)
	}
	// A second inventory of a second copy of the same tree is byte-identical.
	var again bytes.Buffer
	if err := spdx.Encode(&again, sbomtest.FixtureInventory(t), opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two encodings of the same environment differ")
	}
}

func TestVerificationCode(t *testing.T) {
	var buf bytes.Buffer
	if err := spdx.Encode(&buf, sbomtest.FixtureInventory(t), opts); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Packages []struct {
			Name             string          `json:"name"`
			FilesAnalyzed    bool            `json:"filesAnalyzed"`
			VerificationCode json.RawMessage `json:"packageVerificationCode"`
		} `json:"packages"`
		Files []struct {
			SPDXID string `json:"SPDXID"`
		} `json:"files"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Packages {
		if p.FilesAnalyzed != (p.VerificationCode != nil) {
			t.Errorf("%s: filesAnalyzed %v but verification code %s", p.Name, p.FilesAnalyzed, p.VerificationCode)
		}
	}
	seen := map[string]bool{}
	for _, f := range doc.Files {
		if seen[f.SPDXID] {
			t.Errorf("duplicate file ID %s", f.SPDXID)
		}
		seen[f.SPDXID] = true
	}
}

// TestPyenvEnvironment encodes the real environment the issue names and
// checks it against the official schema and the NTIA minimum elements.
func TestPyenvEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 38,000 files")
	}
	site := realdata.PyenvSite(t, "3.11.7")
	inv := sbomtest.ReadSystem(t, site)
	var buf bytes.Buffer
	if err := spdx.Encode(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	schema.Validate(t, schema.SPDX23, buf.Bytes())
	fails, err := ntia.SPDX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ntia.Unexplained(fails, noSuppliers(inv)) {
		t.Errorf("NTIA: %s", f)
	}
	var d struct {
		Packages []json.RawMessage `json:"packages"`
		Files    []json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	// 94 distributions, the interpreter and the root, and what three of
	// them carry: cryptography 41 (OpenSSL and its Rust crates),
	// pydantic-core 104 crates, pip 23 vendored packages, setuptools 6
	// vendored packages with a static __version__; and what the native
	// binaries show beyond what the packages declare: libyaml in PyYAML
	// and 15 crates of libcst and rpds-py; the 7 system libraries the
	// extension modules link (glibc's and libgcc_s) and the 2 Debian
	// packages that installed them. Every RECORD file.
	if len(d.Packages) != 96+168+6+16+7+2 || len(d.Files) < 38000 {
		t.Errorf("%d packages and %d files, want 295 and the ~38,500 files of RECORD", len(d.Packages), len(d.Files))
	}
}

// noSuppliers counts the components the inventory says have no known
// supplier.
func noSuppliers(inv *inventory.Inventory) int {
	n := 0
	for _, p := range inv.Problems {
		if p.Kind == inventory.NoSupplier {
			n++
		}
	}
	return n
}
