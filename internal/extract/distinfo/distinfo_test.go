package distinfo

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/metadata"
	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

func TestReadDistInfo(t *testing.T) {
	site := t.TempDir()
	fixture.WriteFile(t, filepath.Join(site, "Demo_Pkg-1.0.dist-info/METADATA"), "Metadata-Version: 2.4\nName: Demo_Pkg\nVersion: 1.0\nSummary: UNKNOWN\n"+
		"Author: Ann Example\nAuthor-email: ann@example.org\nMaintainer-email: The Demo Team <team@example.org>\n"+
		"License-Expression: MIT\nLicense-File: LICENSE\nProject-URL: Source Code, https://example.org/src\n"+
		"Requires-Dist: idna>=3\n")
	fixture.WriteFile(t, filepath.Join(site, "Demo_Pkg-1.0.dist-info/INSTALLER"), "pip\n")
	fixture.WriteFile(t, filepath.Join(site, "Demo_Pkg-1.0.dist-info/direct_url.json"), `{"url": "https://example.org/demo-1.0.tar.gz", "archive_info": {"hashes": {"sha256": "ABCD"}}}`)
	fixture.WriteFile(t, filepath.Join(site, "Demo_Pkg-1.0.dist-info/RECORD"), "demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"+
		"Demo_Pkg-1.0.dist-info/licenses/LICENSE,,\n../../../bin/demo,,\n/etc/passwd,,\nDemo_Pkg-1.0.dist-info/RECORD,,\n")
	d, err := Read(siteOf(t, site), "Demo_Pkg-1.0.dist-info")
	if err != nil {
		t.Fatal(err)
	}
	p := d.Package
	want := &inventory.Package{
		ID: "pypi/demo-pkg@1.0", Kind: inventory.KindDistribution, Name: "Demo_Pkg", Version: "1.0",
		PURL:     "pkg:pypi/demo-pkg@1.0",
		Supplier: inventory.Party{Kind: inventory.Organization, Name: "The Demo Team", Email: "team@example.org"},
		Extra: &inventory.Extra{
			License:          inventory.License{Expression: "MIT", Declared: "MIT", Source: "License-Expression", Files: []string{"Demo_Pkg-1.0.dist-info/licenses/LICENSE"}},
			Originator:       inventory.Party{Kind: inventory.Person, Name: "Ann Example", Email: "ann@example.org"},
			Homepage:         "https://example.org/src",
			URLs:             []inventory.Link{{Label: "Source Code", URL: "https://example.org/src"}},
			DownloadLocation: "https://example.org/demo-1.0.tar.gz",
		},
		Hashes:  []inventory.Hash{{Algorithm: inventory.SHA256, Value: "abcd"}},
		FoundBy: FoundBy,
		Python: &inventory.PythonDist{
			Location: site, MetadataDir: "Demo_Pkg-1.0.dist-info", MetadataVersion: "2.4", Installer: "pip",
			RequiresDist: []string{"idna>=3"},
			DirectURL:    &inventory.DirectURL{URL: "https://example.org/demo-1.0.tar.gz"},
		},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("package mismatch (-want +got):\n%s", diff)
	}
	var paths []string
	for _, e := range d.Expected {
		paths = append(paths, e.Path)
	}
	wantPaths := []string{"demo/__init__.py", "Demo_Pkg-1.0.dist-info/licenses/LICENSE", "../../../bin/demo", "Demo_Pkg-1.0.dist-info/RECORD"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("expected files (-want +got):\n%s", diff)
	}
	if len(d.Problems) != 1 || d.Problems[0].Kind != inventory.BadRecord {
		t.Errorf("problems = %+v, want one bad-record for /etc/passwd", d.Problems)
	}
}

func TestReadEggInfo(t *testing.T) {
	site := t.TempDir()
	fixture.WriteFile(t, filepath.Join(site, "old.egg-info/PKG-INFO"), "Metadata-Version: 1.1\nName: old\nVersion: 0.9\nAuthor: UNKNOWN\nLicense: BSD\n")
	fixture.WriteFile(t, filepath.Join(site, "old.egg-info/requires.txt"), "six\n\n[socks]\nPySocks!=1.5.7\n\n[:python_version < \"3\"]\nenum34\n")
	fixture.WriteFile(t, filepath.Join(site, "old.egg-info/top_level.txt"), "old\n")
	fixture.WriteFile(t, filepath.Join(site, "old/__init__.py"), "")
	fixture.WriteFile(t, filepath.Join(site, "old/__pycache__/__init__.cpython-311.pyc"), "")
	fixture.WriteFile(t, filepath.Join(site, "single-2.0.egg-info"), "Metadata-Version: 1.0\nName: single\nVersion: 2.0\n")
	d, err := Read(siteOf(t, site), "old.egg-info")
	if err != nil {
		t.Fatal(err)
	}
	wantReq := []string{"six", `PySocks!=1.5.7; extra == "socks"`, `enum34; (python_version < "3")`}
	if diff := cmp.Diff(wantReq, d.Package.Python.RequiresDist); diff != "" {
		t.Errorf("requires (-want +got):\n%s", diff)
	}
	if !d.expects("old/__init__.py") || !d.expects("old.egg-info/PKG-INFO") || d.expects("old/__pycache__/__init__.cpython-311.pyc") {
		t.Errorf("expected files = %+v", d.Expected)
	}
	if !d.Package.Supplier.IsZero() {
		t.Errorf("UNKNOWN author became supplier %+v", d.Package.Supplier)
	}
	s, err := Read(siteOf(t, site), "single-2.0.egg-info")
	if err != nil || s.Package.Version != "2.0" || len(s.Expected) != 1 {
		t.Errorf("egg-info file: %+v, %v", s, err)
	}
}

func TestReadErrors(t *testing.T) {
	site := t.TempDir()
	// Metadata that cannot be parsed keeps the distribution, named by its
	// folder, with the problem.
	fixture.WriteFile(t, filepath.Join(site, "bad-1.dist-info/METADATA"), "this is not metadata\n")
	fixture.WriteFile(t, filepath.Join(site, "bad-1.dist-info/RECORD"), "bad.py,,\n")
	if d, err := Read(siteOf(t, site), "bad-1.dist-info"); err != nil || d.Package.Name != "bad" || d.Package.Version != "1" ||
		len(d.Problems) != 1 || d.Problems[0].Kind != inventory.BadMetadata || !d.expects("bad.py") {
		t.Errorf("corrupt METADATA: %+v %v", d, err)
	}
	fixture.WriteFile(t, filepath.Join(site, "noname.dist-info/METADATA"), "this is not metadata\n")
	if _, err := Read(siteOf(t, site), "noname.dist-info"); err == nil {
		t.Error("corrupt METADATA and no name in the folder's: no error")
	}
	fixture.WriteFile(t, filepath.Join(site, "norec-1.dist-info/METADATA"), "Name: norec\nVersion: 1\n")
	d, err := Read(siteOf(t, site), "norec-1.dist-info")
	if err != nil || len(d.Problems) != 1 || d.Problems[0].Kind != inventory.NoRecord {
		t.Errorf("missing RECORD: %+v %v", d, err)
	}
}

func siteOf(t *testing.T, dir string) Site {
	t.Helper()
	fsys, err := rootfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Site{FS: fsys, Name: ".", Path: dir}
}

// TestHostileFiles: a METADATA over the parser's limit keeps the
// distribution; named pipes and links to devices or host files among the
// metadata never block, never grow without bound and are never read.
func TestHostileFiles(t *testing.T) {
	site := t.TempDir()
	outside := filepath.Join(t.TempDir(), "passwd")
	fixture.WriteFile(t, outside, "root:x:0:0:secret")
	big := filepath.Join(site, "huge-2.0.dist-info", "METADATA")
	fixture.WriteFile(t, big, "")
	if err := os.Truncate(big, metadata.MaxSize+1); err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(site, "huge-2.0.dist-info/RECORD"), "huge.py,,\n")
	d, err := Read(siteOf(t, site), "huge-2.0.dist-info")
	if err != nil || d.Package.Version != "2.0" || len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "16 MiB") || !d.expects("huge.py") {
		t.Errorf("METADATA over 16 MiB: %+v %v", d, err)
	}

	dist := filepath.Join(site, "pipes-1.dist-info")
	fixture.WriteFile(t, filepath.Join(dist, "METADATA"), "Name: pipes\nVersion: 1\n")
	if err := syscall.Mkfifo(filepath.Join(dist, "RECORD"), 0o644); err != nil {
		t.Skipf("no named pipes: %v", err)
	}
	syscall.Mkfifo(filepath.Join(dist, "INSTALLER"), 0o644)
	os.Symlink("/dev/zero", filepath.Join(dist, "direct_url.json"))
	fifoMeta := filepath.Join(site, "fifo-1.dist-info")
	os.MkdirAll(fifoMeta, 0o755)
	syscall.Mkfifo(filepath.Join(fifoMeta, "METADATA"), 0o644)
	leak := filepath.Join(site, "leak-1.dist-info")
	fixture.WriteFile(t, filepath.Join(leak, "METADATA"), "Name: leak\nVersion: 1\n")
	os.Symlink(outside, filepath.Join(leak, "RECORD"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		d, err := Read(siteOf(t, site), "pipes-1.dist-info")
		if err != nil || len(d.Problems) != 3 {
			t.Errorf("named pipes and /dev/zero: %+v %v", d, err)
		}
		for _, p := range d.Problems {
			if !strings.Contains(p.Message, "named pipe") && !strings.Contains(p.Message, "leaves the tree") {
				t.Errorf("problem %+v", p)
			}
		}
		if d, err := Read(siteOf(t, site), "fifo-1.dist-info"); err != nil || len(d.Problems) == 0 || !strings.Contains(d.Problems[0].Message, "named pipe") {
			t.Errorf("named pipe as METADATA: %+v %v", d, err)
		}
		d, err = Read(siteOf(t, site), "leak-1.dist-info")
		if err != nil || len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "leaves the tree") {
			t.Errorf("RECORD linked to a host file: %+v %v", d, err)
		}
		for _, e := range d.Expected {
			if strings.Contains(e.Path, "root") {
				t.Errorf("a host file's content became a RECORD row: %s", e.Path)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading named pipes blocked")
	}
}

func TestParty(t *testing.T) {
	tests := []struct {
		name, email string
		want        inventory.Party
	}{
		{"", `"Ahmed R. TAHRI" <tahri@example.org>`, inventory.Party{Kind: inventory.Person, Name: "Ahmed R. TAHRI", Email: "tahri@example.org"}},
		{"Amazon Web Services", "", inventory.Party{Kind: inventory.Organization, Name: "Amazon Web Services"}},
		{"", "Samuel Colvin <s@example.org>, Eric <e@example.org>", inventory.Party{Kind: inventory.Person, Name: "Samuel Colvin, Eric", Email: "s@example.org"}},
		{"", "solo@example.org", inventory.Party{Kind: inventory.Person, Name: "solo@example.org", Email: "solo@example.org"}},
		{"UNKNOWN", "UNKNOWN", inventory.Party{}},
		{"The pip developers", "distutils-sig@python.org", inventory.Party{Kind: inventory.Organization, Name: "The pip developers", Email: "distutils-sig@python.org"}},
	}
	for _, tt := range tests {
		if got := party(tt.name, tt.email); got != tt.want {
			t.Errorf("party(%q, %q) = %+v, want %+v", tt.name, tt.email, got, tt.want)
		}
	}
}

func TestForgeOwnerFallback(t *testing.T) {
	site := t.TempDir()
	fixture.WriteFile(t, filepath.Join(site, "libcst-1.0.1.dist-info/METADATA"), "Name: libcst\nVersion: 1.0.1\n"+
		"Project-URL: Documentation, https://libcst.readthedocs.io/\nProject-URL: Github, https://github.com/Instagram/LibCST\n")
	d, err := Read(siteOf(t, site), "libcst-1.0.1.dist-info")
	if err != nil {
		t.Fatal(err)
	}
	if want := (inventory.Party{Kind: inventory.Organization, Name: "Instagram"}); d.Package.Supplier != want {
		t.Errorf("supplier = %+v, want %+v", d.Package.Supplier, want)
	}
	fixture.WriteFile(t, filepath.Join(site, "anon-1.dist-info/METADATA"), "Name: anon\nVersion: 1\nHome-page: https://example.org/anon\n")
	if d, _ := Read(siteOf(t, site), "anon-1.dist-info"); !d.Package.Supplier.IsZero() {
		t.Errorf("supplier from a non-forge URL: %+v", d.Package.Supplier)
	}
}

// TestVerify: one decision for installed files and wheel members.
func TestVerify(t *testing.T) {
	d := []byte{1, 2, 3}
	for _, tt := range []struct {
		e    Expected
		r    Measured
		want string
	}{
		{Expected{Algorithm: "sha256", Digest: d, Size: 3}, Measured{Size: 3, Record: d}, ""},
		{Expected{Algorithm: "sha256", Digest: d, Size: -1}, Measured{Size: 9, Record: d}, ""},
		{Expected{Algorithm: "sha256", Digest: d, Size: 3}, Measured{Size: 3, Record: []byte{9}}, "hash-mismatch: sha256 differs from RECORD: file changed after installation"},
		{Expected{Algorithm: "sha256", Digest: d, Size: 3}, Measured{Size: 5, Record: []byte{9}, Prefix256: d}, "hash-mismatch: sha256 differs from RECORD: the first 3 bytes are as recorded and 2 bytes were appended after installation"},
		{Expected{Algorithm: "blake9", Digest: d, Size: 3}, Measured{Size: 3}, `bad-record: RECORD uses unsupported hash algorithm "blake9"`},
		{Expected{Size: 4}, Measured{Size: 3}, "size-mismatch: size 3 differs from RECORD's 4"},
		{Expected{Size: -1}, Measured{Size: 3}, ""},
	} {
		kind, msg, ok := Verify(tt.e, tt.r, "installation")
		got := ""
		if !ok {
			got = string(kind) + ": " + msg
		}
		if got != tt.want {
			t.Errorf("Verify(%+v, %+v) = %q, want %q", tt.e, tt.r, got, tt.want)
		}
	}
}
