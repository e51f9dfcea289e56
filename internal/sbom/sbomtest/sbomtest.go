// Package sbomtest builds the inventories that encoder tests share: the
// fixture virtualenv, read the way `pysbom sbom` reads it.
package sbomtest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// Created is the creation time golden documents use.
var Created = time.Unix(1700000000, 0).UTC()

// FixtureInventory builds the standard fixture venv and reads it, with
// every input that could vary between machines pinned.
func FixtureInventory(t testing.TB) *inventory.Inventory {
	t.Helper()
	dir := fixture.Venv(t, filepath.Join(t.TempDir(), "venv"))
	return Read(t, dir)
}

// Read reads the environment at dir without running any interpreter.
func Read(t testing.TB, dir string) *inventory.Inventory {
	t.Helper()
	env, err := target.Resolve(context.Background(), dir, target.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	// Markers are evaluated as on Linux x86-64, whatever machine runs the test.
	env.Interpreter.Markers["sys_platform"] = "linux"
	env.Interpreter.Markers["platform_system"] = "Linux"
	env.Interpreter.Markers["os_name"] = "posix"
	env.Interpreter.Markers["platform_machine"] = "x86_64"
	inv, err := extract.Environment(context.Background(), env, extract.Options{
		DpkgRoot: "-", Name: "fixture-venv",
		Supplier: inventory.Party{Kind: inventory.Organization, Name: "Example Corp", Email: "sbom@example.org"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}
