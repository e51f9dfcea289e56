// Package realdata finds the real Python installations of the project's
// machine image for tests, and skips the test with a clear message when
// they are absent.
package realdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PyenvRoot returns $PYENV_ROOT (default ~/.pyenv) when it holds versions.
func PyenvRoot(t testing.TB) string {
	t.Helper()
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	if _, err := os.Stat(filepath.Join(root, "versions")); err != nil {
		t.Skipf("no pyenv installations at %s/versions", root)
	}
	return root
}

// PyenvPrefix returns the prefix of a pyenv version ("3.11.7").
func PyenvPrefix(t testing.TB, version string) string {
	t.Helper()
	dir := filepath.Join(PyenvRoot(t), "versions", version)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("pyenv %s not present at %s", version, dir)
	}
	return dir
}

// PyenvSite returns the site-packages of a pyenv version ("3.11.7").
func PyenvSite(t testing.TB, version string) string {
	t.Helper()
	parts := strings.Split(version, ".")
	dir := filepath.Join(PyenvPrefix(t, version), "lib", "python"+parts[0]+"."+parts[1], "site-packages")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("pyenv %s site-packages not present at %s", version, dir)
	}
	return dir
}
