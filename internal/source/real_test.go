package source

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const corpus = "../../../shared/corpus/cpython"

// unpack extracts the CPython 3.13.5 source release with tar (xz).
func unpack(t *testing.T) string {
	t.Helper()
	archive := filepath.Join(corpus, "Python-3.13.5.tar.xz")
	if _, err := os.Stat(archive); err != nil {
		t.Skipf("CPython source release not present: %v", err)
	}
	dir := t.TempDir()
	if out, err := exec.Command("tar", "-xJf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot unpack with tar -xJf: %v %s", err, out)
	}
	return filepath.Join(dir, "Python-3.13.5")
}

func messages(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Package+" "+p.File+": "+p.Msg)
	}
	return out
}

// TestCPython3135 imports CPython 3.13.5's Misc/sbom.spdx.json, recomputes
// it byte for byte (111 files, same SHA-1 and SHA-256), reports the true
// problem of the untouched tree, and names the file of every drift.
func TestCPython3135(t *testing.T) {
	root := unpack(t)
	orig, err := os.ReadFile(filepath.Join(root, "Misc/sbom.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ImportTree(root, "Misc/sbom.spdx.json")
	if err != nil {
		t.Fatal(err)
	}
	// The manifest survives a round trip through its TOML form.
	back, err := ParseManifest("m.toml", m.Write())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Packages, back.Packages); diff != "" {
		t.Errorf("manifest round trip (-want +got):\n%s", diff)
	}
	up, err := Update(context.Background(), root, back, "", false)
	if err != nil {
		t.Fatal(err)
	}
	doc, problems := up.SPDX, up.Problems
	if !bytes.Equal(doc, orig) {
		t.Errorf("update does not reproduce Misc/sbom.spdx.json (%d vs %d bytes)", len(doc), len(orig))
	}
	if n := strings.Count(string(doc), `"fileName"`); n != 111 {
		t.Errorf("%d file entries, want 111", n)
	}
	// The untouched tree's true problem: expat was updated to 2.7.1 in
	// 3.13.5 (its files and hashes are in the SBOM), its version was not.
	want := []string{"expat Modules/expat/expat.h: the vendored code declares version 2.7.1, the manifest 2.6.3"}
	if diff := cmp.Diff(want, messages(problems)); diff != "" {
		t.Errorf("update problems (-want +got):\n%s", diff)
	}
	got, err := Check(context.Background(), root, back, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, messages(got)); diff != "" {
		t.Errorf("check on the untouched tree (-want +got):\n%s", diff)
	}
	// Drift: one changed byte, one new file under Modules/expat, one removed file.
	xml := filepath.Join(root, "Modules/expat/xmlparse.c")
	data, _ := os.ReadFile(xml)
	data[100] ^= 1
	os.WriteFile(xml, data, 0o644)
	os.WriteFile(filepath.Join(root, "Modules/expat/extra.c"), []byte("int x;\n"), 0o644)
	os.Remove(filepath.Join(root, "Modules/_decimal/libmpdec/io.h"))
	got, err = Check(context.Background(), root, back, "")
	if err != nil {
		t.Fatal(err)
	}
	msgs := strings.Join(messages(got), "\n")
	for _, w := range []string{
		"expat Modules/expat/xmlparse.c: changed since Misc/sbom.spdx.json was written",
		"expat Modules/expat/extra.c: new file, not in Misc/sbom.spdx.json",
		"mpdecimal Modules/_decimal/libmpdec/io.h: in Misc/sbom.spdx.json but no longer covered",
	} {
		if !strings.Contains(msgs, w) {
			t.Errorf("check does not report %q; got:\n%s", w, msgs)
		}
	}
}

// TestCPythonExternals imports Misc/externals.spdx.json (packages with no
// files) and checks its archive checksums against a folder of archives.
func TestCPythonExternals(t *testing.T) {
	root := unpack(t)
	m, err := ImportTree(root, "Misc/externals.spdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Packages) != 9 {
		t.Fatalf("%d externals, want 9", len(m.Packages))
	}
	up, err := Update(context.Background(), root, m, "", false)
	if err != nil {
		t.Fatal(err)
	}
	doc := up.SPDX
	orig, _ := os.ReadFile(filepath.Join(root, "Misc/externals.spdx.json"))
	if !bytes.Equal(doc, orig) {
		t.Errorf("update does not reproduce Misc/externals.spdx.json")
	}
	// A folder of archives: the first has bytes whose SHA-256 the test
	// writes into the manifest, the second different bytes, the rest none.
	archives := t.TempDir()
	good := []byte("an archive")
	os.WriteFile(filepath.Join(archives, filepath.Base(m.Packages[0].DownloadURL)), good, 0o644)
	os.WriteFile(filepath.Join(archives, filepath.Base(m.Packages[1].DownloadURL)), []byte("tampered"), 0o644)
	sum := sha256Hex(good)
	m.Packages[0].SHA256 = sum
	ps := CheckArchives(m, archives)
	var names []string
	for _, p := range ps {
		names = append(names, p.Package+" "+p.Msg[:min(len(p.Msg), 22)])
	}
	if len(ps) != 8 || ps[0].Package != m.Packages[1].Name || !strings.Contains(ps[0].Msg, "archive SHA-256 is") {
		t.Errorf("archive problems = %v", names)
	}
}
