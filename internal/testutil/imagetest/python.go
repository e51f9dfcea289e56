package imagetest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// Debian's os-release, as the fixture image's base layer has it.
const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
`

func status(pkgs ...string) string {
	var b strings.Builder
	for _, p := range pkgs {
		name, version, _ := strings.Cut(p, "=")
		version, source, _ := strings.Cut(version, "=")
		arch := "amd64"
		if strings.HasPrefix(name, "python3-") {
			arch = "all"
		}
		b.WriteString("Package: " + name + "\nStatus: install ok installed\nArchitecture: " + arch + "\nVersion: " + version +
			"\nMaintainer: Debian Python Team <team+python@tracker.debian.org>\n")
		if source != "" {
			b.WriteString("Source: " + source + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// list is a dpkg .list of every file and directory under the layer
// directory's dirs.
func list(t testing.TB, root string, dirs ...string) string {
	var lines []string
	for _, d := range dirs {
		filepath.Walk(filepath.Join(root, d), func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				rel, _ := filepath.Rel(root, p)
				lines = append(lines, "/"+filepath.ToSlash(rel))
			}
			return err
		})
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// PythonImage is a small Debian-like image with Python where images have
// it, in five layers:
//  1. the base: os-release, dpkg with libc6 2.36-9, python3.11-minimal
//     (/usr/bin/python3.11) and python3-six (six 1.16.0 in dist-packages);
//  2. apt-get upgrade: libc6 2.36-9+deb12u7;
//  3. a CPython 3.12.7 built from source into /usr/local, with pip 24.0;
//  4. a virtualenv /app/.venv on it with requests 2.31.0 and attrs 23.1.0;
//  5. requests upgraded to 2.32.3 and attrs removed (whiteouts).
func PythonImage(t testing.TB, gzip bool) v1.Image {
	t.Helper()
	tmp := t.TempDir()
	dir := func(n string) string { return filepath.Join(tmp, n) }

	l1 := dir("1")
	fixture.WriteFile(t, filepath.Join(l1, "etc/os-release"), osRelease)
	fixture.WriteFile(t, filepath.Join(l1, "usr/bin/python3.11"), "\x7fELF not really\n")
	fixture.Write(t, filepath.Join(l1, "usr/lib/python3/dist-packages"),
		fixture.Dist{Name: "six", Version: "1.16.0", Metadata: "Summary: Python 2 and 3 compatibility utilities\nAuthor: Benjamin Peterson",
			Files: map[string]string{"six.py": "__version__ = '1.16.0'\n"}, MetaFiles: map[string]string{"INSTALLER": "debian\n"}})
	// Debian's python3 makes /usr/local/lib/python3.11/dist-packages, empty:
	// it must not hide the CPython 3.12 that layer 3 builds into /usr/local.
	if err := os.MkdirAll(filepath.Join(l1, "usr/local/lib/python3.11/dist-packages"), 0o755); err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/info/python3-six.list"), list(t, l1, "usr/lib/python3/dist-packages"))
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/info/python3.11-minimal.list"), "/usr/bin/python3.11\n")
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/info/libc6:amd64.list"), "/lib/x86_64-linux-gnu/libc.so.6\n")
	fixture.WriteFile(t, filepath.Join(l1, "var/lib/dpkg/status"), status("libc6=2.36-9=glibc", "python3.11-minimal=3.11.2-6+deb12u6", "python3-six=1.16.0-4"))

	l2 := dir("2")
	fixture.WriteFile(t, filepath.Join(l2, "var/lib/dpkg/status"), status("libc6=2.36-9+deb12u7=glibc", "python3.11-minimal=3.11.2-6+deb12u6", "python3-six=1.16.0-4"))

	l3 := dir("3")
	fixture.WriteFile(t, filepath.Join(l3, "usr/local/bin/python3.12"), "\x7fELF not really\n")
	fixture.WriteFile(t, filepath.Join(l3, "usr/local/include/python3.12/patchlevel.h"), "#define PY_MAJOR_VERSION 3\n#define PY_VERSION \"3.12.7\"\n")
	fixture.Write(t, filepath.Join(l3, "usr/local/lib/python3.12/site-packages"),
		fixture.Dist{Name: "pip", Version: "24.0", Metadata: "Author-email: The pip developers <distutils-sig@python.org>\nLicense: MIT",
			Files: map[string]string{"pip/__init__.py": "__version__ = \"24.0\"\n"}})

	l4 := dir("4")
	fixture.WriteFile(t, filepath.Join(l4, "app/.venv/pyvenv.cfg"), "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.12.7\n")
	site := filepath.Join(l4, "app/.venv/lib/python3.12/site-packages")
	fixture.Write(t, site,
		fixture.Dist{Name: "requests", Version: "2.31.0", Metadata: "Author: Kenneth Reitz\nRequires-Dist: attrs",
			Files: map[string]string{"requests/__init__.py": "# 2.31.0\n"}},
		fixture.Dist{Name: "attrs", Version: "23.1.0", Metadata: "Author-email: Hynek Schlawack <hs@ox.cx>",
			Files: map[string]string{"attr/__init__.py": "# attrs\n"}})

	l5 := dir("5")
	fixture.Write(t, filepath.Join(l5, "app/.venv/lib/python3.12/site-packages"),
		fixture.Dist{Name: "requests", Version: "2.32.3", Metadata: "Author: Kenneth Reitz",
			Files: map[string]string{"requests/__init__.py": "# 2.32.3\n"}})
	const s = "app/.venv/lib/python3.12/site-packages/"
	gone := []Member{File(s+".wh.requests-2.31.0.dist-info", ""), File(s+".wh.attrs-23.1.0.dist-info", ""), File(s+".wh.attr", "")}

	return Image(t, gzip,
		Step{CreatedBy: "/bin/sh -c #(nop) ADD file:debian-rootfs.tar in /", Members: Dir(t, l1)},
		Step{CreatedBy: "RUN apt-get update && apt-get upgrade -y", Members: Dir(t, l2)},
		Step{CreatedBy: "RUN ./configure --prefix=/usr/local && make install", Members: Dir(t, l3)},
		Step{CreatedBy: "RUN python3.12 -m venv /app/.venv && /app/.venv/bin/pip install requests==2.31.0", Members: Dir(t, l4)},
		Step{CreatedBy: "RUN /app/.venv/bin/pip install -U requests && /app/.venv/bin/pip uninstall -y attrs", Members: append(gone, Dir(t, l5)...)},
	)
}
