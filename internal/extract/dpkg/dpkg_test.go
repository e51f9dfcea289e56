package dpkg

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

func TestFixture(t *testing.T) {
	root := t.TempDir()
	fixture.WriteFile(t, filepath.Join(root, "status"), "Package: python3-yaml\nStatus: install ok installed\nArchitecture: amd64\nSource: pyyaml\nVersion: 6.0-3+b2\n\n"+
		"Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n")
	fixture.WriteFile(t, filepath.Join(root, "info/python3-yaml.list"), "/.\n/usr\n/usr/lib/python3/dist-packages/yaml/__init__.py\n/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\n/usr/share/doc/x\n")
	fixture.WriteFile(t, filepath.Join(root, "info/python3-yaml.md5sums"), "0123456789abcdef0123456789abcdef  usr/lib/python3/dist-packages/yaml/__init__.py\n")
	fixture.WriteFile(t, filepath.Join(root, "os-release"), "ID=debian\nVERSION_ID=\"12\"\n")
	db, err := Open(root, []string{"/usr/lib/python3/dist-packages"}, filepath.Join(root, "os-release"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := db.Owner("/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA")
	if !ok || p.Name != "python3-yaml" || p.Version != "6.0-3+b2" || p.Arch != "amd64" || p.Source != "pyyaml" {
		t.Fatalf("Owner = %+v, %v", p, ok)
	}
	if got, want := p.PURL(), "pkg:deb/debian/python3-yaml@6.0-3%2Bb2?arch=amd64&distro=debian-12&upstream=pyyaml"; got != want {
		t.Errorf("PURL = %s, want %s", got, want)
	}
	if _, ok := db.Owner("/usr/share/doc/x"); ok {
		t.Error("file outside the asked directories is kept")
	}
	if sum, ok := db.MD5("/usr/lib/python3/dist-packages/yaml/__init__.py"); !ok || sum != "0123456789abcdef0123456789abcdef" {
		t.Errorf("MD5 = %q, %v", sum, ok)
	}
	if db, err := Open(filepath.Join(root, "nothing"), nil, ""); db != nil || err != nil {
		t.Errorf("no database: %v, %v", db, err)
	}
}

// TestSystem checks the real database when Debian's python3 packages are installed.
func TestSystem(t *testing.T) {
	dir := "/usr/lib/python3/dist-packages"
	db, err := Open(DefaultRoot, []string{dir}, "/etc/os-release")
	if err != nil {
		t.Fatal(err)
	}
	if db == nil {
		t.Skip("no dpkg database on this machine")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "cryptography-*.dist-info/METADATA"))
	if len(matches) == 0 {
		t.Skip("python3-cryptography is not installed (apt-get install python3-cryptography)")
	}
	p, ok := db.Owner(matches[0])
	if !ok || p.Name != "python3-cryptography" || p.Version == "" {
		t.Errorf("owner of %s = %+v, %v", matches[0], p, ok)
	}
}

func TestOpenTree(t *testing.T) {
	fsys := fstest.MapFS{
		"var/lib/dpkg/status": {Data: []byte("Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\n\n" +
			"Package: python3.11\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.11.2-6\n")},
		"var/lib/dpkg/info/libc6:amd64.list":               {Data: []byte("/.\n/lib/x86_64-linux-gnu/libc.so.6\n")},
		"var/lib/dpkg/info/python3.11.list":                {Data: []byte("/usr/bin/python3.11\n")},
		"var/lib/dpkg/info/python3.11.md5sums":             {Data: []byte("0123456789abcdef0123456789abcdef  usr/bin/python3.11\n")},
		"distroless/var/lib/dpkg/status.d/libssl3":         {Data: []byte("Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n")},
		"distroless/var/lib/dpkg/status.d/libssl3.md5sums": {Data: []byte("11111111111111111111111111111111  usr/lib/x86_64-linux-gnu/libssl.so.3\n")},
	}
	db, err := OpenTree(fsys, "var/lib/dpkg", "debian", "12")
	if err != nil || db == nil {
		t.Fatal(db, err)
	}
	pkgs := db.Packages()
	if len(pkgs) != 2 || pkgs[0].Name != "libc6" || pkgs[0].Maintainer == "" || pkgs[1].PURL() != "pkg:deb/debian/python3.11@3.11.2-6?arch=amd64&distro=debian-12" {
		t.Errorf("packages %+v", pkgs)
	}
	if p, ok := db.Owner("/lib/x86_64-linux-gnu/libc.so.6"); !ok || p.Name != "libc6" {
		t.Errorf("owner %+v %v", p, ok)
	}
	if sum, ok := db.MD5("/usr/bin/python3.11"); !ok || sum != "0123456789abcdef0123456789abcdef" {
		t.Errorf("md5 %q", sum)
	}
	db, err = OpenTree(fsys, "distroless/var/lib/dpkg", "debian", "12")
	if err != nil || db == nil {
		t.Fatal(db, err)
	}
	if p, ok := db.Owner("/usr/lib/x86_64-linux-gnu/libssl.so.3"); !ok || p.Name != "libssl3" || p.Source != "openssl" {
		t.Errorf("distroless owner %+v %v", p, ok)
	}
	if db, err := OpenTree(fsys, "nothing", "", ""); db != nil || err != nil {
		t.Errorf("no database: %v %v", db, err)
	}
}
