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

// DebianImage returns the real Debian 12 image that bench/debian-image.sh
// builds (a docker archive) and its oracle: "NAME VERSION ARCH" of every
// installed Debian package, as dpkg-query printed it. The test skips when
// the image has not been built on this machine.
func DebianImage(t testing.TB) (image, packages string) {
	t.Helper()
	cache := os.Getenv("PYSBOM_TEST_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "pysbom-test")
	}
	image, packages = filepath.Join(cache, "debian12-python.tar"), filepath.Join(cache, "debian12-python.packages")
	for _, f := range []string{image, packages} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no real Debian image at %s: bench/debian-image.sh builds it (needs root, mmdebstrap and Debian's mirror)", f)
		}
	}
	return image, packages
}
