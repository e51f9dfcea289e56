package audit

import (
	"bytes"
	"compress/zlib"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
	"github.com/pysbom/pysbom/internal/native/rustdeps"
)

// Sources of the flag-controlled fixtures (the same shape as the corpus's
// harden/fixtures: fortifiable calls, a frame larger than a page, a VLA,
// an indirect call, C++ containers).
const (
	demoC = `#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <pthread.h>
static int (*fp)(const char *, ...) = printf;
void *worker(void *arg) { return arg; }
int big_frame(int n) {
	char big[70000];
	memset(big, n, sizeof big);
	char vla[n];
	memset(vla, 1, n);
	return big[n % 100] + vla[0];
}
int main(int argc, char **argv) {
	char buf[16];
	char *heap = malloc(argc * 8 + 1);
	strcpy(buf, argc > 1 ? argv[1] : "x");
	memcpy(heap, buf, strlen(buf) + 1);
	snprintf(buf, sizeof buf, "%s", heap);
	fp("%s %d\n", buf, big_frame(argc + 10));
	pthread_t t; pthread_create(&t, 0, worker, 0); pthread_join(t, 0);
	free(heap);
	return 0;
}
`
	libC = `#include <string.h>
#include <stdio.h>
int lib_fn(char *dst, const char *src, int n) { char tmp[64]; strcpy(tmp, src); memcpy(dst, tmp, n); return snprintf(dst, n, "%s", tmp); }
`
	cppCC = `#include <vector>
#include <string>
#include <iostream>
int main(int argc, char**argv){ std::vector<int> v(argc); std::string s(argv[0]); v[0]=s.size(); std::cout << v.at(0) << s << "\n"; return 0; }
`
	goMain  = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
	rustLib = "#[no_mangle]\npub extern \"C\" fn add(a: u64, b: u64) -> u64 { let v: Vec<u64> = vec![a, b]; v.iter().sum() }\n"
	rustBin = "fn main() { let args: Vec<String> = std::env::args().collect(); println!(\"{}\", args.len()); }\n"
)

// fixture is one binary of corpus/harden/fixtures/manifest.txt: how it is
// built and the verdicts its flags imply.
type fixture struct {
	name  string
	tool  string // gcc, g++, go, rustc, strip
	src   string
	flags string
	kind  harden.Kind
	want  map[string]string // check -> value
	langs []string
}

func fixtures() []fixture {
	c := func(name, flags string, kind harden.Kind, want map[string]string) fixture {
		return fixture{name: name, tool: "gcc", src: "demo.c", flags: "-O2 -g0 " + flags, kind: kind, want: want, langs: []string{lang.C}}
	}
	plain := map[string]string{"auto_var_init": "unknown", "pie": "yes", "relro": "partial", "bindnow": "no", "canary": "no", "fortify": "no", "nx": "yes", "cet": "no", "rpath": "no", "textrel": "no"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range plain {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	ossf := "-fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-clash-protection -fcf-protection=full -fPIE -pie -Wl,-z,nodlopen -Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now -Wl,--as-needed -Wl,--no-copy-dt-needed-entries -ftrivial-auto-var-init=zero -fexceptions"
	ossfWant := with("as_needed", "yes", "canary", "yes", "fortify", "yes", "relro", "full", "bindnow", "yes", "stack_clash", "yes", "nodlopen", "n/a")
	return []fixture{
		c("c_none", "-fno-stack-protector -U_FORTIFY_SOURCE -fcf-protection=none -fno-stack-clash-protection -no-pie -Wl,-z,norelro -Wl,-z,lazy", harden.Exec, with("pie", "no", "relro", "none", "stack_clash", "unknown")),
		c("c_default", "", harden.PIEExec, plain),
		c("c_sp_strong", "-fstack-protector-strong", harden.PIEExec, with("canary", "yes")),
		c("c_sp_all", "-fstack-protector-all", harden.PIEExec, with("canary", "yes")),
		c("c_fortify2", "-D_FORTIFY_SOURCE=2", harden.PIEExec, with("fortify", "yes")),
		c("c_fortify3", "-D_FORTIFY_SOURCE=3", harden.PIEExec, with("fortify", "yes")),
		c("c_relro_partial", "-Wl,-z,relro -Wl,-z,lazy", harden.PIEExec, plain),
		c("c_relro_full", "-Wl,-z,relro -Wl,-z,now", harden.PIEExec, with("relro", "full", "bindnow", "yes")),
		c("c_now_norelro", "-Wl,-z,norelro -Wl,-z,now", harden.PIEExec, with("relro", "none", "bindnow", "yes")),
		c("c_nopie", "-no-pie -fno-pie", harden.Exec, with("pie", "no")),
		c("c_execstack", "-Wl,-z,execstack", harden.PIEExec, with("nx", "no")),
		c("c_cet", "-fcf-protection=full", harden.PIEExec, plain), // crt1.o is unmarked: the bits never reach the binary
		c("c_cet_branch", "-fcf-protection=branch", harden.PIEExec, plain),
		c("c_clash", "-fstack-clash-protection", harden.PIEExec, with("stack_clash", "yes")),
		c("c_ossf_full", ossf, harden.PIEExec, ossfWant),
		{name: "c_ossf_full_stripped", tool: "strip", src: "c_ossf_full", kind: harden.PIEExec, want: ossfWant, langs: []string{lang.C}},
		c("c_rpath", "-Wl,-rpath,/tmp/evil -Wl,--disable-new-dtags", harden.PIEExec, with("rpath", "yes")),
		c("c_runpath", "-Wl,-rpath,$ORIGIN/../lib -Wl,--enable-new-dtags", harden.PIEExec, with("rpath", "runpath")),
		c("c_static", "-static -fstack-protector-strong -D_FORTIFY_SOURCE=2", harden.StaticExec, map[string]string{"pie": "no", "canary": "unknown", "fortify": "unknown", "nx": "yes"}),
		c("c_static_pie", "-static-pie -fstack-protector-strong -D_FORTIFY_SOURCE=2", harden.StaticPIE, map[string]string{"pie": "yes", "canary": "unknown", "fortify": "unknown", "nx": "yes"}),
		{name: "so_none", tool: "gcc", src: "lib.c", flags: "-O2 -g0 -fPIC -shared -fno-stack-protector -U_FORTIFY_SOURCE -Wl,-z,lazy", kind: harden.SharedLib,
			want: map[string]string{"pie": "dso", "canary": "no", "fortify": "no", "relro": "partial", "bindnow": "no", "nodlopen": "no", "textrel": "no"}, langs: []string{lang.C}},
		{name: "so_ossf", tool: "gcc", src: "lib.c", flags: "-O2 -g0 -fPIC -shared -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fstack-clash-protection -fcf-protection=full -Wl,-z,nodlopen -Wl,-z,relro -Wl,-z,now", kind: harden.SharedLib,
			want: map[string]string{"pie": "dso", "canary": "yes", "fortify": "yes", "relro": "full", "bindnow": "yes", "nodlopen": "yes"}, langs: []string{lang.C}},
		c("c_debug_plain", "-g", harden.PIEExec, with("auto_var_init", "no", "strict_overflow", "no", "null_checks", "no", "stack_clash", "unknown")),
		c("c_record", "-g -grecord-gcc-switches -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fstack-clash-protection -fcf-protection=full -D_GLIBCXX_ASSERTIONS -ftrivial-auto-var-init=zero -fno-delete-null-pointer-checks -fno-strict-overflow -fno-strict-aliasing -fexceptions", harden.PIEExec,
			with("canary", "yes", "fortify", "yes", "stack_clash", "yes", "auto_var_init", "yes", "strict_overflow", "yes", "null_checks", "yes", "strict_aliasing", "yes")),
		{name: "cpp_assert", tool: "g++", src: "cpp.cc", flags: "-O2 -D_GLIBCXX_ASSERTIONS -fstack-protector-strong", kind: harden.PIEExec,
			want: map[string]string{"glibcxx_assertions": "yes", "canary": "yes", "pie": "yes"}, langs: []string{lang.CPP}},
		{name: "cpp_plain", tool: "g++", src: "cpp.cc", flags: "-O2", kind: harden.PIEExec,
			want: map[string]string{"glibcxx_assertions": "unknown", "canary": "no", "pie": "yes"}, langs: []string{lang.CPP}},
		{name: "go_hello", tool: "go", kind: harden.StaticExec,
			want: map[string]string{"pie": "no", "canary": "n/a", "fortify": "unknown", "nx": "yes", "glibcxx_assertions": "n/a"}, langs: []string{lang.Go}},
		{name: "go_hello_pie", tool: "go", flags: "-buildmode=pie", kind: harden.PIEExec,
			want: map[string]string{"pie": "yes", "canary": "n/a", "fortify": "n/a", "relro": "partial"}, langs: []string{lang.Go}},
		{name: "rust_cdylib.so", tool: "rustc", src: "lib.rs", flags: "-O --crate-type cdylib", kind: harden.SharedLib,
			want: map[string]string{"pie": "dso", "canary": "n/a", "fortify": "n/a", "relro": "full", "nodlopen": "no"}, langs: []string{lang.Rust}},
		{name: "rust_bin", tool: "rustc", src: "main.rs", flags: "-O", kind: harden.PIEExec,
			want: map[string]string{"pie": "yes", "canary": "n/a", "fortify": "n/a", "relro": "full"}, langs: []string{lang.Rust}},
	}
}

// buildFixtures compiles the fixtures into a temporary folder, skipping
// those whose toolchain is absent.
// only, when set, names the one fixture to build.
func buildFixtures(t *testing.T, only string) (string, map[string]bool) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range map[string]string{"demo.c": demoC, "lib.c": libC, "cpp.cc": cppCC, "lib.rs": rustLib, "main.rs": rustBin, "go/main.go": goMain, "go/go.mod": "module example.com/gohello\n\ngo 1.21\n"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	built := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(f fixture) {
		defer wg.Done()
		out := filepath.Join(dir, f.name)
		var cmd *exec.Cmd
		switch f.tool {
		case "gcc", "g++":
			args := append(strings.Fields(f.flags), "-o", out, filepath.Join(dir, f.src), "-lpthread")
			cmd = exec.Command(f.tool, args...)
		case "rustc":
			cmd = exec.Command("rustc", append(strings.Fields(f.flags), "-o", out, filepath.Join(dir, f.src))...)
		case "go":
			cmd = exec.Command("go", append([]string{"build", "-o", out}, strings.Fields(f.flags)...)...)
			cmd.Dir = filepath.Join(dir, "go")
			cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
		}
		if _, err := exec.LookPath(f.tool); err != nil {
			return
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Logf("%s: %s %v: %v\n%s", f.name, f.tool, cmd.Args, err, stderr.String())
			return
		}
		mu.Lock()
		built[f.name] = true
		mu.Unlock()
	}
	var strips []fixture
	for _, f := range fixtures() {
		if only != "" && f.name != only {
			continue
		}
		if f.tool == "strip" {
			strips = append(strips, f)
			continue
		}
		wg.Add(1)
		go run(f)
	}
	wg.Wait()
	if built["rust_bin"] {
		// rust_bin_depv0: rust_bin with a synthetic cargo-auditable section.
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write([]byte(depV0JSON))
		zw.Close()
		sec := filepath.Join(dir, "depv0.zlib")
		os.WriteFile(sec, z.Bytes(), 0o644)
		if err := exec.Command("objcopy", "--add-section", ".dep-v0="+sec, filepath.Join(dir, "rust_bin"), filepath.Join(dir, "rust_bin_depv0")).Run(); err == nil {
			built["rust_bin_depv0"] = true
		}
	}
	for _, f := range strips {
		if !built[f.src] {
			continue
		}
		if err := exec.Command("strip", "--strip-all", "-o", filepath.Join(dir, f.name), filepath.Join(dir, f.src)).Run(); err == nil {
			built[f.name] = true
		}
	}
	return dir, built
}

// TestFixtures builds the 32 flag-controlled binaries of the corpus's
// manifest (with the compilers present) and checks the verdicts their
// flags imply.
func TestFixtures(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed: the fixtures are compiled at test time")
	}
	dir, built := buildFixtures(t, "")
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			if !built[f.name] {
				t.Skipf("%s not built (%s absent or failed)", f.name, f.tool)
			}
			b, err := File(filepath.Join(dir, f.name))
			if err != nil {
				t.Fatal(err)
			}
			if b.Kind != f.kind {
				t.Errorf("kind = %s, want %s", b.Kind, f.kind)
			}
			for check, want := range f.want {
				r, ok := b.Result(check)
				if !ok {
					t.Fatalf("no check %s", check)
				}
				if r.Value != want {
					t.Errorf("%s = %s (%s), want %s", check, r.Value, r.Evidence, want)
				}
			}
			for _, l := range f.langs {
				if !b.Lang.Has(l) {
					t.Errorf("language %s not detected: %+v", l, b.Lang.Languages)
				}
			}
		})
	}
}

const depV0JSON = `{"format":1,"packages":[{"name":"rust_bin","version":"0.1.0","source":"local","root":true,"dependencies":[1]},` +
	`{"name":"itoa","version":"1.0.11","source":"crates.io"}]}`

// TestDepV0Fixture reads the synthetic .dep-v0 section of rust_bin_depv0.
func TestDepV0Fixture(t *testing.T) {
	if _, err := exec.LookPath("rustc"); err != nil {
		t.Skip("rustc not installed")
	}
	dir, built := buildFixtures(t, "rust_bin")
	if !built["rust_bin_depv0"] {
		t.Skip("rust_bin_depv0 not built (objcopy absent?)")
	}
	f, err := elffile.Open(filepath.Join(dir, "rust_bin_depv0"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sec, ok := f.Section(".dep-v0")
	if !ok {
		t.Fatal("no .dep-v0 section")
	}
	crates, err := rustdeps.ParseAudit(sec)
	if err != nil {
		t.Fatal(err)
	}
	if len(crates) != 2 || crates[1].PURL() != "pkg:cargo/itoa@1.0.11" || !crates[0].Root {
		t.Errorf("crates = %+v", crates)
	}
	b := Examine(f)
	if !slices.ContainsFunc(b.Lang.Languages, func(l lang.Finding) bool {
		return l.Name == lang.Rust && slices.Contains(l.Signals, "section .dep-v0 (cargo-auditable)")
	}) {
		t.Errorf("languages = %+v, want Rust by .dep-v0", b.Lang.Languages)
	}
}

// TestFixtureManifestCovered checks that every binary of the corpus's
// manifest has a fixture here (rust_bin_depv0 is the .dep-v0 parser test).
func TestFixtureManifestCovered(t *testing.T) {
	lines := readList(t, filepath.Join(hardenCorpus, "fixtures", "manifest.txt"))
	have := map[string]bool{"rust_bin_depv0": true} // TestDepV0Fixture
	for _, f := range fixtures() {
		have[f.name] = true
	}
	for _, l := range lines {
		name, _, _ := strings.Cut(l, ":")
		if !have[name] {
			t.Errorf("manifest fixture %s has no test fixture", name)
		}
	}
}
