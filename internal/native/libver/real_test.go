package libver

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

const hardenCorpus = "../../../../shared/corpus/harden"

func scanFile(t *testing.T, path string) map[string]Match {
	t.Helper()
	f, err := elffile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]Match{}
	for _, m := range Scan(&f.Facts, Strings(f), filepath.Base(path)) {
		out[m.Name] = m
	}
	return out
}

// TestDebianLibraries compares the versions found in Debian 12's libraries
// with dpkg's (libver_comparison.tsv): every library with a version string
// gets its upstream version, the others at most their name.
func TestDebianLibraries(t *testing.T) {
	fh, err := os.Open(filepath.Join(hardenCorpus, "libver_comparison.tsv"))
	if err != nil {
		t.Skipf("harden corpus not present: %v", err)
	}
	defer fh.Close()
	dirs := []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/openblas-pthread"}
	sc := bufio.NewScanner(fh)
	sc.Scan() // header
	versions := 0
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 5 || col[1] == "" {
			continue // extension modules: tested below
		}
		file, dpkgVersion, want := col[0], col[2], col[4]
		var path string
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, file)); err == nil {
				path = filepath.Join(d, file)
			}
		}
		if path == "" {
			t.Logf("%s: not installed here", file)
			continue
		}
		got := scanFile(t, path)
		wantName, wantVersion, _ := strings.Cut(want, "=")
		if want == "" {
			if len(got) > 0 {
				t.Errorf("%s: found %v, want nothing", file, got)
			}
			continue
		}
		m, ok := got[wantName]
		if !ok {
			t.Errorf("%s: %s not found (got %v)", file, wantName, got)
			continue
		}
		if wantVersion == "UNKNOWN" {
			if m.Version != "" {
				t.Errorf("%s: %s version %q, want none (no version string exists)", file, wantName, m.Version)
			}
			continue
		}
		versions++
		if m.Version != wantVersion || !strings.Contains(dpkgVersion, wantVersion) {
			t.Errorf("%s: %s version %q (%s), want %s (dpkg %s)", file, wantName, m.Version, m.Evidence, wantVersion, dpkgVersion)
		}
		if len(got) > 1 {
			t.Errorf("%s: more than %s found: %v", file, wantName, got)
		}
	}
	if versions > 0 && versions < 16 {
		t.Logf("only %d of 16 versioned libraries installed here", versions)
	}
}

// TestBundledCopies finds the C libraries statically linked into
// extension modules of the pyenv 3.11.7 environment.
func TestBundledCopies(t *testing.T) {
	prefix := realdata.PyenvPrefix(t, "3.11.7")
	site := realdata.PyenvSite(t, "3.11.7")
	dynload := filepath.Join(prefix, "lib", "python3.11", "lib-dynload")
	for _, tt := range []struct {
		path, name, version string
	}{
		{filepath.Join(site, "cryptography/hazmat/bindings/_rust.abi3.so"), "openssl", "4.0.0"},
		{filepath.Join(site, "yaml/_yaml.cpython-311-x86_64-linux-gnu.so"), "libyaml", "0.2.5"},
		{filepath.Join(dynload, "pyexpat.cpython-311-x86_64-linux-gnu.so"), "expat", "2.5.0"},
		{filepath.Join(dynload, "_decimal.cpython-311-x86_64-linux-gnu.so"), "mpdecimal", "2.5.1"},
	} {
		if _, err := os.Stat(tt.path); err != nil {
			t.Logf("skip %s: %v", tt.path, err)
			continue
		}
		got := scanFile(t, tt.path)
		m, ok := got[tt.name]
		if !ok || m.Version != tt.version {
			t.Errorf("%s: %s = %+v, want version %s", filepath.Base(tt.path), tt.name, m, tt.version)
		}
		if len(got) != 1 {
			t.Errorf("%s: found %v, want only %s", filepath.Base(tt.path), got, tt.name)
		}
		if tt.name == "openssl" && !slices.ContainsFunc(m.Extra, func(s string) bool { return strings.HasPrefix(s, "compiler: gcc -fPIC") }) {
			t.Errorf("openssl build facts = %q", m.Extra)
		}
	}
}
