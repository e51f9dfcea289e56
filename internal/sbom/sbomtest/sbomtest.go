// Package sbomtest builds the inventories that encoder tests share: the
// fixture virtualenv, read the way `pysbom sbom` reads it.
package sbomtest

import (
	"context"
	"os"
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

// Read reads the environment at dir without running any interpreter,
// and without the system's package database (so that what a test sees
// does not depend on the packages installed).
func Read(t testing.TB, dir string) *inventory.Inventory {
	t.Helper()
	return read(t, dir, "-")
}

// ReadSystem is Read with this system's package database, as pysbom
// reads a real environment: the shared libraries its binaries link get
// their distro packages (and so versions and suppliers).
func ReadSystem(t testing.TB, dir string) *inventory.Inventory {
	t.Helper()
	if _, err := os.Stat("/var/lib/dpkg/status"); err != nil {
		t.Skip("no dpkg database: the system's shared libraries cannot be named")
	}
	return read(t, dir, "")
}

func read(t testing.TB, dir, dpkgRoot string) *inventory.Inventory {
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
		DpkgRoot: dpkgRoot, Name: "fixture-venv",
		Supplier: inventory.Party{Kind: inventory.Organization, Name: "Example Corp", Email: "sbom@example.org"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}
