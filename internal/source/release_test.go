package source

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/inventory"
)

func TestSplitArchiveName(t *testing.T) {
	for in, want := range map[string][2]string{
		"Python-3.13.5.tar.xz": {"Python", "3.13.5"}, "my-project-1.0.tgz": {"my-project", "1.0"}, "noversion.zip": {"noversion", ""},
	} {
		if n, v := SplitArchiveName(in); n != want[0] || v != want[1] {
			t.Errorf("%s: %s %s", in, n, v)
		}
	}
}

// TestReleaseCPython describes the CPython 3.13.5 source release: every
// file of the archive, the 5 vendored packages its Misc/sbom.spdx.json
// curates (their 111 files verified), and pip from ensurepip with what it
// vendors.
func TestReleaseCPython(t *testing.T) {
	archive := filepath.Join(corpus, "Python-3.13.5.tar.xz")
	if _, err := os.Stat(archive); err != nil {
		t.Skipf("CPython source release not present: %v", err)
	}
	inv, problems, err := Release(archive, ReleaseOptions{Name: "CPython", Version: "3.13.5", SBOM: "Misc/sbom.spdx.json",
		Supplier: inventory.Party{Kind: inventory.Organization, Name: "Python Software Foundation"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	files, vendored, pipVendored := len(inv.Root.Files), 0, 0
	for _, p := range inv.Packages {
		files += len(p.Files)
		if strings.HasPrefix(p.ID, "release/CPython@3.13.5>source/") {
			vendored++
		}
		if strings.HasPrefix(p.ID, "release/CPython@3.13.5>bundled/pypi/pip@") && strings.Contains(p.ID, ">pypi/") {
			pipVendored++
		}
	}
	if vendored != 5 || pipVendored < 10 || files < 4800 {
		t.Errorf("%d vendored packages, %d packages vendored by pip, %d files", vendored, pipVendored, files)
	}
}

// TestReleaseMismatch: an archive whose vendored file is not the one its
// SBOM lists, and one that lacks a listed file.
func TestReleaseMismatch(t *testing.T) {
	dir := t.TempDir()
	sbom := `{"SPDXID": "SPDXRef-DOCUMENT", "files": [
  {"SPDXID": "SPDXRef-FILE-vendor-z-a.c", "checksums": [{"algorithm": "SHA1", "checksumValue": "x"}, {"algorithm": "SHA256", "checksumValue": "y"}], "fileName": "vendor/z/a.c"},
  {"SPDXID": "SPDXRef-FILE-vendor-z-gone.c", "checksums": [], "fileName": "vendor/z/gone.c"}],
 "packages": [{"SPDXID": "SPDXRef-PACKAGE-z", "name": "z", "versionInfo": "1.0", "downloadLocation": "https://example.org/z-1.0.tar.gz", "externalRefs": [], "licenseConcluded": "NOASSERTION"}],
 "relationships": [{"relatedSpdxElement": "SPDXRef-FILE-vendor-z-a.c", "relationshipType": "CONTAINS", "spdxElementId": "SPDXRef-PACKAGE-z"},
  {"relatedSpdxElement": "SPDXRef-FILE-vendor-z-gone.c", "relationshipType": "CONTAINS", "spdxElementId": "SPDXRef-PACKAGE-z"}],
 "spdxVersion": "SPDX-2.3"}`
	path := filepath.Join(dir, "proj-2.0.tar.gz")
	f, _ := os.Create(path)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for name, body := range map[string]string{"proj-2.0/sbom.spdx.json": sbom, "proj-2.0/vendor/z/a.c": "int a;\n", "proj-2.0/main.c": "int main;\n"} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	f.Close()
	inv, problems, err := Release(path, ReleaseOptions{Name: "proj", Version: "2.0", SBOM: "sbom.spdx.json"})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.File+": "+p.Msg)
	}
	got := strings.Join(msgs, "\n")
	if !strings.Contains(got, "vendor/z/a.c: mismatched checksum") || !strings.Contains(got, "vendor/z/gone.c: in sbom.spdx.json but not in the archive") {
		t.Errorf("problems:\n%s", got)
	}
	if inv.Root.Name != "proj" || len(inv.Root.Files) != 2 {
		t.Errorf("root = %s with %d files", inv.Root.Name, len(inv.Root.Files))
	}
}
