package source

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseManifestErrors(t *testing.T) {
	for name, tt := range map[string]struct {
		text string
		want string
	}{
		"syntax":        {"sbom = \"a.json\"\n[[package]]\nname = \"x\nversion = 1\n", "m.toml:3:"},
		"unknown field": {"sbom = \"a.json\"\n\n[[package]]\nname = \"x\"\nvesion = \"1.0\"\n", "m.toml:5: package.vesion: unknown field"},
		"no sbom":       {"[[package]]\nname = \"x\"\n", "m.toml: sbom: missing"},
		"sbom outside":  {"sbom = \"../x.json\"\n", "m.toml:1: sbom: must be a relative path inside the tree"},
		"no name":       {"sbom = \"a.json\"\n[[package]]\nversion = \"1\"\n", "m.toml:2: name: missing"},
		"duplicate":     {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\n[[package]]\nname = \"x\"\n", "m.toml:5: name: package \"x\" is listed twice"},
		"glob escapes":  {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\ninclude = [\"../**\"]\n", "m.toml:4: include: glob \"../**\" must be relative"},
		"absolute glob": {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\ninclude = [\"/etc/*\"]\n", "m.toml:4: include:"},
		"wrong type":    {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\nversion = 1.5\n", "m.toml:4: package.version: must be a string, not a number: version = \"...\""},
		"not strings":   {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\ncpe = [1]\n", "m.toml:4: package.cpe: must be a string or a list of strings"},
		"table":         {"sbom = \"a.json\"\n[[package]]\nname = \"x\"\nlicense = {a = 1}\n", "m.toml:4: package.license: must be a string, not a table"},
	} {
		_, err := ParseManifest("m.toml", []byte(tt.text))
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want prefix %q", name, err, tt.want)
		}
	}
}

// TestListFromString: a list may be given as one string.
func TestListFromString(t *testing.T) {
	m, err := ParseManifest("m.toml", []byte("sbom = \"a.json\"\n[[package]]\nname = \"x\"\ninclude = \"a/**\"\ncpe = \"cpe:2.3:a:x:x:1:*:*:*:*:*:*:*\"\n"))
	if err != nil || len(m.Packages[0].Include) != 1 || m.Packages[0].Include[0] != "a/**" || len(m.Packages[0].CPE) != 1 {
		t.Errorf("%v %+v", err, m)
	}
}

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		g, p string
		want bool
	}{
		{"a/**", "a/b/c.h", true}, {"a/**", "a", true}, {"a/**", "ab/c", false}, {"a/*.h", "a/x.h", true},
		{"a/*.h", "a/b/x.h", false}, {"a/**/x.h", "a/x.h", true}, {"a/**/x.h", "a/b/c/x.h", true}, {"a/fetch_*", "a/fetch_macholib.bat", true},
	} {
		if got := Match(tt.g, tt.p); got != tt.want {
			t.Errorf("Match(%q, %q) = %v", tt.g, tt.p, got)
		}
	}
}

// TestSymlinkLeavingTree refuses a vendored folder that links outside.
func TestSymlinkLeavingTree(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(root, "vendor", "lib"), 0o755)
	os.WriteFile(filepath.Join(outside, "secret.h"), []byte("x"), 0o644)
	os.Symlink(filepath.Join(outside, "secret.h"), filepath.Join(root, "vendor", "lib", "secret.h"))
	m := &Manifest{SPDX: "sbom.json", Packages: []Package{{Name: "lib", Include: []string{"vendor/lib/**"}}}}
	if _, err := ReadTree(root, m); err == nil || !strings.Contains(err.Error(), "leaves the tree; refused") {
		t.Errorf("err = %v", err)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("sbom = \"a.json\"\n[[package]]\nname = \"x\"\nversion = \"1.0\"\ninclude = [\"a/**\"]\n"))
	f.Add([]byte("[[package]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest("fuzz.toml", data)
		if err != nil {
			if m != nil {
				t.Fatal("manifest with an error")
			}
			return
		}
		// What parses, written and parsed again, is the same manifest.
		back, err := ParseManifest("fuzz.toml", m.Write())
		if err != nil {
			t.Fatalf("written manifest does not parse: %v\n%s", err, m.Write())
		}
		if len(back.Packages) != len(m.Packages) {
			t.Fatal("packages lost in the round trip")
		}
	})
}

// TestDownloadArchives checks archive checksums over HTTP against a
// server the test starts: a right one, a wrong one, a 404.
func TestDownloadArchives(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/good-1.0.tar.gz":
			w.Write([]byte("good"))
		case "/bad-2.0.tar.gz":
			w.Write([]byte("tampered"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	m := &Manifest{Packages: []Package{
		{Name: "good", DownloadURL: srv.URL + "/good-1.0.tar.gz", SHA256: sha256Hex([]byte("good"))},
		{Name: "bad", DownloadURL: srv.URL + "/bad-2.0.tar.gz", SHA256: sha256Hex([]byte("bad"))},
		{Name: "gone", DownloadURL: srv.URL + "/gone-3.0.tar.gz", SHA256: sha256Hex([]byte("gone"))},
	}}
	ps := DownloadArchives(context.Background(), srv.Client(), m)
	if len(ps) != 2 || ps[0].Package != "bad" || !strings.Contains(ps[0].Msg, "archive SHA-256 is") ||
		ps[1].Package != "gone" || !strings.Contains(ps[1].Msg, "404") {
		t.Errorf("problems = %v", ps)
	}
}

// TestGitignore leaves out what git would not track, as CPython's
// generate_sbom.py does with git check-ignore.
func TestGitignore(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		".gitignore":              "*.log\n/vendor/z/generated.h\nbuild/\n",
		"vendor/z/z.c":            "int z;",
		"vendor/z/debug.log":      "x",
		"vendor/z/generated.h":    "x",
		"vendor/z/build/out.c":    "x",
		"vendor/z/sub/.gitignore": "*.tmp\n!keep.tmp\n",
		"vendor/z/sub/a.tmp":      "x",
		"vendor/z/sub/keep.tmp":   "x",
		"vendor/z/sub/b.c":        "x",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	m := &Manifest{SPDX: "s.json", Packages: []Package{{Name: "z", Include: []string{"vendor/z/**"}}}}
	tree, err := ReadTree(root, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"vendor/z/sub/.gitignore", "vendor/z/sub/b.c", "vendor/z/sub/keep.tmp", "vendor/z/z.c"}
	if strings.Join(tree.Files, " ") != strings.Join(want, " ") {
		t.Errorf("files = %v, want %v", tree.Files, want)
	}
}
