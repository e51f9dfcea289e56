package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/schema"
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

// TestTerminalEscapes: names, versions and messages from what pysbom
// reads reach a terminal with their control characters escaped, in
// tables and in messages (the example retitles the terminal and
// clears the screen).
func TestTerminalEscapes(t *testing.T) {
	dir := t.TempDir()
	evil := "\x1b]0;owned\x07\x1b[2J\u202e"
	venv := filepath.Join(dir, "venv")
	fixture.WriteFile(t, filepath.Join(venv, "pyvenv.cfg"), "home = /nowhere/bin\nversion = 3.12.1\n")
	site := filepath.Join(venv, "lib/python3.12/site-packages")
	fixture.WriteFile(t, filepath.Join(site, "evil-1.0.dist-info/METADATA"), "Name: evil"+evil+"\nVersion: 1.0"+evil+"\nRequires-Dist: missing"+evil+"\n")
	fixture.WriteFile(t, filepath.Join(site, "evil-1.0.dist-info/RECORD"), "evil"+evil+".py,,\n")
	cdx := filepath.Join(dir, "a.cdx.json")
	fixture.WriteFile(t, cdx, `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","bom-ref":"x","name":"ev\u001b[2Jil","version":"1\u001b]0;t\u0007","purl":"pkg:pypi/ev%1B%5B2Jil@1"}]}`)
	cdx2 := filepath.Join(dir, "b.cdx.json")
	fixture.WriteFile(t, cdx2, `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[]}`)
	for _, args := range [][]string{
		{"sbom", "-o", "table", venv},
		{"validate", cdx},
		{"diff", cdx, cdx2},
		{"sbom", filepath.Join(dir, "no\x1b[2Jsuch")},
	} {
		var out, errb bytes.Buffer
		Main(context.Background(), args, strings.NewReader(""), &out, &errb)
		for name, b := range map[string][]byte{"stdout": out.Bytes(), "stderr": errb.Bytes()} {
			if bytes.ContainsAny(b, "\x1b\x07") || bytes.Contains(b, []byte("\u202e")) {
				t.Errorf("pysbom %s: control characters on %s:\n%q", args[0], name, b)
			}
		}
		if out.Len()+errb.Len() == 0 {
			t.Errorf("pysbom %s: no output", args[0])
		}
	}
}

// TestBashCompletion runs the bash completion function on partial command
// lines.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	var script bytes.Buffer
	if code := Main(context.Background(), []string{"completion", "bash"}, strings.NewReader(""), &script, io.Discard); code != ExitOK {
		t.Fatal("completion bash failed")
	}
	f := filepath.Join(t.TempDir(), "pysbom.bash")
	os.WriteFile(f, script.Bytes(), 0o644)
	for _, tt := range []struct {
		words string // the command line, the last word being completed
		want  string
	}{
		{`pysbom sc`, "scan"},
		{`pysbom db ""`, "import update status"},
		{`pysbom sbom -o ""`, "spdx-json spdx-tag-value cyclonedx-json table json"},
		{`pysbom scan --output c`, "cyclonedx-json cyclonedx-vex csaf"},
		{`pysbom scan --fail-on-u`, "--fail-on-unknown --fail-on-unscanned"},
		{`pysbom vex add --vu`, "--vuln"},
		{`pysbom db status -o j`, "json"},
	} {
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=(`+tt.words+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _pysbom; echo "${COMPREPLY[*]}"`, "bash", f)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tt.want {
			t.Errorf("%s: %q (%v), want %q", tt.words, out, err, tt.want)
		}
	}
}

// TestSourceCheckCPython: on the untouched CPython 3.13.5 tree, source
// check reports its one drift (expat) and, CPython's SBOM naming no
// suppliers, the NTIA problem of each package, but not the document-level
// fields its release tooling adds; --ntia=false leaves the drift alone.
func TestSourceCheckCPython(t *testing.T) {
	if testing.Short() {
		t.Skip("unpacks the CPython tarball")
	}
	archive := filepath.Join(schema.CorpusDir(), "cpython", "Python-3.13.5.tar.xz")
	if _, err := os.Stat(archive); err != nil {
		t.Skip("CPython 3.13.5 not in ../shared/corpus/cpython")
	}
	tar, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("tar not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command(tar, "-xJf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot unpack: %v %s", err, out)
	}
	tree := filepath.Join(dir, "Python-3.13.5")
	run := func(args ...string) (string, int) {
		var out bytes.Buffer
		code := Main(context.Background(), args, strings.NewReader(""), &out, io.Discard)
		return out.String(), code
	}
	if _, code := run("source", "init", "-C", tree, "--manifest", filepath.Join(dir, "m.toml"), "--from", "Misc/sbom.spdx.json"); code != ExitOK {
		t.Fatal("init failed")
	}
	out, code := run("source", "check", "-C", tree, "--manifest", filepath.Join(dir, "m.toml"))
	if code != ExitFindings || !strings.Contains(out, "expat: Modules/expat/expat.h: the vendored code declares version 2.7.1, the manifest 2.6.3") ||
		!strings.Contains(out, "NTIA minimum element missing: mpdecimal has no supplier") || strings.Contains(out, "no timestamp") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	out, code = run("source", "check", "-C", tree, "--manifest", filepath.Join(dir, "m.toml"), "--ntia=false")
	if code != ExitFindings || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "expat") {
		t.Errorf("check --ntia=false: exit %d\n%s", code, out)
	}
}

func TestUserMessage(t *testing.T) {
	for in, want := range map[string]string{
		"open nosuch.json: no such file or directory":      "nosuch.json: no such file or directory",
		"--product: stat /x/y.json: permission denied":     "--product: /x/y.json: permission denied",
		"refusing to write a/b.json: the path leaves proj": "refusing to write a/b.json: the path leaves proj",
		"x.toml:3: [scan] open: not a flag of pysbom scan": "x.toml:3: [scan] open: not a flag of pysbom scan",
	} {
		if got := userMessage(errors.New(in)); got != want {
			t.Errorf("userMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDecodeSBOMPipe: scan and diff decode a CycloneDX document in a
// regular file as they read it (its bytes not kept), and one from a pipe
// from the bytes read to its end; both give the same inventory.
func TestDecodeSBOMPipe(t *testing.T) {
	dir := t.TempDir()
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"bom-ref":"a","name":"a","version":"1","purl":"pkg:pypi/a@1"}]}`
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
	fromPipe, format, data, err := decodeSBOM(fifo)
	if err != nil || format != "cyclonedx" || string(data) != doc {
		t.Fatalf("from a pipe: %s %q, %v", format, data, err)
	}
	fromFile, format, data, err := decodeSBOM(file)
	if err != nil || format != "cyclonedx" || data != nil {
		t.Fatalf("from a file: %s %q, %v", format, data, err)
	}
	if !reflect.DeepEqual(fromPipe, fromFile) || len(fromFile.Packages) != 1 {
		t.Errorf("from a pipe %+v, from a file %+v", fromPipe, fromFile)
	}
}
