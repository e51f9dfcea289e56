package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
)

// TestExitCodes checks the documented exit codes, which testscript's "!"
// cannot tell apart.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	venv := fixture.Venv(t, filepath.Join(dir, "venv"))
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"version"}, ExitOK},
		{[]string{"--help"}, ExitOK},
		{nil, ExitUsage},
		{[]string{"nope"}, ExitUsage},
		{[]string{"sbom", "-o", "bogus", venv}, ExitUsage},
		{[]string{"sbom", "--no-such-flag", venv}, ExitUsage},
		{[]string{"sbom", "-h"}, ExitOK},
		{[]string{"sbom", empty}, ExitError},
		{[]string{"sbom", "--no-exec", "-q", "-o", "json=" + filepath.Join(dir, "out.json"), venv}, ExitOK},
		{[]string{"sbom", "--no-exec", "--strict", "-o", "table=" + filepath.Join(dir, "t.txt"), venv}, ExitFindings},
		{[]string{"sbom", "--no-exec", "-o", "json=" + filepath.Join(dir, "no-such-dir", "x.json"), venv}, ExitError},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		got := Main(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
		if got != tt.want {
			t.Errorf("pysbom %s: exit %d, want %d\nstderr: %s", strings.Join(tt.args, " "), got, tt.want, errb.String())
		}
	}
	// A failed write leaves no temporary file behind.
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestParseParty(t *testing.T) {
	p, err := parseParty("Organization: ACME Corp (sbom@acme.example)")
	if err != nil || p.Name != "ACME Corp" || p.Email != "sbom@acme.example" || p.Kind != "Organization" {
		t.Errorf("parseParty = %+v, %v", p, err)
	}
	if _, err := parseParty("ACME"); err == nil {
		t.Error("parseParty accepted a value without a kind")
	}
}

// TestHugeDocument: a sparse 2 GB file is refused before it is read.
func TestHugeDocument(t *testing.T) {
	f := filepath.Join(t.TempDir(), "huge.json")
	fh, err := os.Create(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(2 << 30); err != nil {
		t.Skip("cannot make a sparse file here")
	}
	fh.Close()
	for _, cmd := range [][]string{{"validate", f}, {"diff", f, f}} {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), cmd, strings.NewReader(""), &out, &errb); code != ExitError || !strings.Contains(errb.String(), "larger than the 512 MiB pysbom reads") {
			t.Errorf("%v: exit %d, %s", cmd, code, errb.String())
		}
	}
}

// TestReadSBOMPipe: a document from a pipe (a shell's <(...)) is read to
// its end, as a regular file is read in one piece of its size.
func TestReadSBOMPipe(t *testing.T) {
	dir := t.TempDir()
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[]}`
	file := filepath.Join(dir, "doc.cdx.json")
	os.WriteFile(file, []byte(doc), 0o644)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString(doc)
			w.Close()
		}
	}()
	for _, name := range []string{fifo, file} {
		got, err := readSBOM(name)
		if err != nil || string(got) != doc {
			t.Errorf("readSBOM(%s) = %q, %v", name, got, err)
		}
	}
}

// TestUnknownFileNotRead: sbom of a huge file of no known kind (a 1 GB
// sparse file, with and without the executable bit, named like an
// interpreter) is an error without reading the file whole.
func TestUnknownFileNotRead(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"blob.bin", "python3.12"} {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(1 << 30)
		f.Close()
		for _, mode := range []os.FileMode{0o644, 0o755} {
			os.Chmod(p, mode)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"sbom", p}, strings.NewReader(""), &out, &errb)
			runtime.ReadMemStats(&after)
			if code != ExitError {
				t.Errorf("%s %o: exit %d: %s", name, mode, code, errb.String())
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("%s %o: allocated %d MiB for a file it cannot use", name, mode, alloc>>20)
			}
		}
	}
}
