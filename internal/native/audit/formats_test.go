package audit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
)

// TestMachOAndPE cross-compiles a Go program for macOS and Windows (Go
// needs no other toolchain for that) and audits the Mach-O and PE files.
func TestMachOAndPE(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not installed")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.21\n"), 0o644)
	// The program carries expat's version string, as a binary with expat
	// linked in would: library fingerprints read Mach-O and PE data too.
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nvar banner = \"expat_2.6.4\"\n\nfunc main() { println(banner) }\n"), 0o644)
	targets := []struct {
		goos, goarch, out string
		want              map[string]string
		kind              harden.Kind
		format            string
	}{
		{"darwin", "arm64", "hello-darwin-arm64", map[string]string{"pie": "yes", "nx": "yes", "canary": "n/a", "bti_pac": "no", "rpath": "no"}, harden.PIEExec, "Mach-O"},
		{"windows", "amd64", "hello.exe", map[string]string{"pie": "yes", "high_entropy_va": "yes", "nx": "yes", "wx_sections": "no",
			"shared_writable": "no", "safeseh": "n/a", "fortify": "n/a", "canary": "n/a"}, harden.PIEExec, "PE"},
		{"windows", "386", "hello32.exe", map[string]string{"nx": "yes", "high_entropy_va": "n/a", "high_image_base": "n/a"}, harden.PIEExec, "PE"},
	}
	for _, tt := range targets {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, tt.out))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS="+tt.goos, "GOARCH="+tt.goarch, "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s/%s: %v\n%s", tt.goos, tt.goarch, err, out)
		}
	}
	rep, err := Audit(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*Binary{}
	for _, b := range rep.Binaries {
		got[b.Path] = b
	}
	for _, tt := range targets {
		t.Run(tt.out, func(t *testing.T) {
			b := got[tt.out]
			if b == nil {
				t.Fatalf("not audited; got %v", rep.Binaries)
			}
			if b.Error != "" || b.Format != tt.format || b.Kind != tt.kind {
				t.Fatalf("format %s kind %s error %q", b.Format, b.Kind, b.Error)
			}
			for id, want := range tt.want {
				if r, ok := b.Result(id); !ok || r.Value != want {
					t.Errorf("%s = %q (%s), want %s", id, r.Value, r.Evidence, want)
				}
			}
			if !b.Lang.Has(lang.Go) {
				t.Errorf("languages = %+v, want Go", b.Lang.Languages)
			}
			if len(b.Libraries) != 1 || b.Libraries[0].Name != "expat" || b.Libraries[0].Version != "2.6.4" {
				t.Errorf("libraries = %+v, want expat 2.6.4", b.Libraries)
			}
		})
	}
	// A truncated Mach-O or PE file is reported, never a panic.
	for _, name := range []string{"hello-darwin-arm64", "hello.exe"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		cut := filepath.Join(dir, "cut-"+name)
		os.WriteFile(cut, data[:300], 0o644)
		bs, err := fileBinaries(cut, "cut")
		if err != nil || len(bs) != 1 || bs[0].Error == "" {
			t.Errorf("%s truncated: %v %+v", name, err, bs)
		}
	}
}
