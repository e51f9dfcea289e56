package harden

import (
	"bytes"
	"debug/elf"
	"fmt"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/lang"
)

func checkPIE(in *Input) Result {
	switch in.Kind {
	case PIEExec:
		if in.File.Interp {
			return Result{Verdict: Pass, Value: "yes", Evidence: "ET_DYN with PT_INTERP"}
		}
		return Result{Verdict: Pass, Value: "yes", Evidence: "ET_DYN with DF_1_PIE"}
	case StaticPIE:
		return Result{Verdict: Pass, Value: "yes", Evidence: "static-pie: ET_DYN with DF_1_PIE and no PT_INTERP"}
	case Exec, StaticExec:
		return Result{Verdict: Fail, Value: "no", Evidence: "ET_EXEC: loaded at a fixed address"}
	case SharedLib:
		if in.File.Interp {
			return Result{Verdict: Pass, Value: "yes", Evidence: "shared library (DT_SONAME " + in.File.Dynamic.SONAME + ") that is also runnable: ET_DYN with PT_INTERP"}
		}
		return Result{Verdict: NA, Value: "dso", Evidence: "shared library: ET_DYN without PT_INTERP or DF_1_PIE (PT_PHDR is not evidence of PIE)"}
	}
	return Result{Verdict: NA, Value: "n/a", Evidence: "not a linked program"}
}

func checkNX(in *Input) Result {
	var stack *elffile.Prog
	for i, p := range in.File.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_W != 0 && p.Flags&elf.PF_X != 0 {
			return Result{Verdict: Fail, Value: "no", Evidence: fmt.Sprintf("PT_LOAD segment %d is writable and executable", i)}
		}
		if p.Type == elf.PT_GNU_STACK {
			stack = &in.File.Progs[i]
		}
	}
	switch {
	case in.Kind == Object:
		return Result{Verdict: NA, Value: "n/a", Evidence: "relocatable object"}
	case stack == nil:
		return Result{Verdict: Fail, Value: "no", Evidence: "no PT_GNU_STACK: the kernel may make the stack executable"}
	case stack.Flags&elf.PF_X != 0:
		return Result{Verdict: Fail, Value: "no", Evidence: "PT_GNU_STACK is executable (" + stack.Flags.String() + ")"}
	}
	return Result{Verdict: Pass, Value: "yes", Evidence: "PT_GNU_STACK " + stack.Flags.String() + " and no writable+executable PT_LOAD"}
}

func bindNow(in *Input) (bool, string) {
	d := in.File.Dynamic
	switch {
	case d.BindNow:
		return true, "DT_BIND_NOW"
	case d.Flags&uint64(elf.DF_BIND_NOW) != 0:
		return true, "DT_FLAGS BIND_NOW"
	case d.Flags1&uint64(elf.DF_1_NOW) != 0:
		return true, "DT_FLAGS_1 NOW"
	}
	return false, ""
}

func hasProg(in *Input, t elf.ProgType) bool {
	return slices.ContainsFunc(in.File.Progs, func(p elffile.Prog) bool { return p.Type == t })
}

func checkRELRO(in *Input) Result {
	if !in.File.Dynamic.Present {
		if hasProg(in, elf.PT_GNU_RELRO) {
			return Result{Verdict: Pass, Value: "partial", Evidence: "PT_GNU_RELRO in a static binary"}
		}
		return Result{Verdict: NA, Value: "n/a", Evidence: "static binary without PT_DYNAMIC"}
	}
	if !hasProg(in, elf.PT_GNU_RELRO) {
		return Result{Verdict: Fail, Value: "none", Evidence: "no PT_GNU_RELRO segment"}
	}
	if now, ev := bindNow(in); now {
		return Result{Verdict: Pass, Value: "full", Evidence: "PT_GNU_RELRO and " + ev}
	}
	return Result{Verdict: Pass, Value: "partial", Evidence: "PT_GNU_RELRO without BIND_NOW (the GOT stays writable)"}
}

func checkBindNow(in *Input) Result {
	if !in.File.Dynamic.Present {
		return Result{Verdict: NA, Value: "n/a", Evidence: "static binary without PT_DYNAMIC"}
	}
	if now, ev := bindNow(in); now {
		return Result{Verdict: Pass, Value: "yes", Evidence: ev}
	}
	return Result{Verdict: Fail, Value: "no", Evidence: "no DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW"}
}

func static(k Kind) bool { return k == StaticExec || k == StaticPIE }

// pureSafe reports the n/a case of the C-code checks: the code is
// measured to be Rust or Go.
func pureSafe(in *Input) (bool, string) {
	if in.Lang.PureMemorySafe() {
		return true, "code is entirely Rust/Go by function size, and Rust and Go code needs no stack canary"
	}
	return false, ""
}

// unmeasuredSafe reports a binary in which only Rust or Go is detected
// but whose share of C code cannot be measured (stripped): a missing
// canary import proves nothing either way there.
func unmeasuredSafe(in *Input) (bool, string) {
	ls := in.Lang.Languages
	if len(ls) == 0 || in.Lang.Total() > 0 {
		return false, ""
	}
	for _, l := range ls {
		if !lang.MemorySafe(l.Name) {
			return false, ""
		}
	}
	return true, "only " + ls[0].Name + " code is detected, but without a symbol table the share of C code cannot be measured: Rust and Go code needs no stack canary, C code would import __stack_chk_fail"
}

var canarySyms = []string{"__stack_chk_fail", "__stack_chk_guard", "__intel_security_cookie"}

func checkCanary(in *Input) Result {
	if ok, why := pureSafe(in); ok {
		return Result{Verdict: NA, Value: "n/a", Evidence: why}
	}
	f := in.File
	if ok, why := unmeasuredSafe(in); ok && !slices.ContainsFunc(canarySyms, f.ImportsName) {
		return Result{Verdict: Unknown, Value: "unknown", Evidence: why}
	}
	for _, s := range canarySyms {
		if f.ImportsName(s) {
			return Result{Verdict: Pass, Value: "yes", Evidence: "imports " + s + canaryLevel(f.Producers)}
		}
	}
	if static(in.Kind) {
		return Result{Verdict: Unknown, Value: "unknown", Evidence: "static binary: a canary symbol would be libc's own copy, not evidence"}
	}
	for _, s := range canarySyms {
		if f.Defines(s) {
			return Result{Verdict: Unknown, Value: "unknown", Evidence: "defines " + s + " itself (a C library), so imports say nothing"}
		}
	}
	if len(f.Imports) == 0 && len(f.Exports) == 0 {
		return Result{Verdict: Unknown, Value: "unknown", Evidence: "no dynamic symbols"}
	}
	return Result{Verdict: Fail, Value: "no", Evidence: "no import of __stack_chk_fail"}
}

func checkFortify(in *Input) Result {
	f := in.File
	if static(in.Kind) {
		return Result{Verdict: Unknown, Value: "unknown", Evidence: "static binary: imports say nothing"}
	}
	if slices.ContainsFunc(f.Dynamic.Needed, func(n string) bool { return strings.HasPrefix(n, "libc.musl") }) {
		return Result{Verdict: Unknown, Value: "unknown", Evidence: "musl has no _FORTIFY_SOURCE functions"}
	}
	rust := in.Lang.Has(lang.Rust)
	prot, unprot := FortifyImports(f.Imports, rust)
	n := len(prot) + len(unprot)
	switch {
	case len(prot) > 0:
		return Result{Verdict: Pass, Value: "yes", Evidence: fmt.Sprintf("%d of %d fortifiable functions protected: %s", len(prot), n, list(prot))}
	case len(unprot) > 0:
		return Result{Verdict: Fail, Value: "no", Evidence: "only unprotected fortifiable functions: " + list(unprot)}
	case rust || in.Lang.Has(lang.Go):
		return Result{Verdict: NA, Value: "n/a", Evidence: "no fortifiable C import besides Rust std's own"}
	}
	return Result{Verdict: Unknown, Value: "unknown", Evidence: "no fortifiable libc function imported"}
}

// FortifyImports sorts the imported fortifiable functions into protected
// (__<f>_chk imported; f returned) and unprotected (f imported). With
// rust, Rust std's own imports do not count as unprotected.
func FortifyImports(imports []elffile.Import, rust bool) (prot, unprot []string) {
	for _, im := range imports {
		n := im.Name
		if base, ok := strings.CutPrefix(n, "__"); ok {
			if base, ok := strings.CutSuffix(base, "_chk"); ok && Fortifiable(base) {
				prot = append(prot, base)
				continue
			}
		}
		if Fortifiable(n) && !(rust && slices.Contains(rustStd, n)) {
			unprot = append(unprot, n)
		}
	}
	return slices.Compact(prot), slices.Compact(unprot)
}

func list(s []string) string {
	if len(s) > 8 {
		return strings.Join(s[:8], ", ") + fmt.Sprintf(", ... (%d more)", len(s)-8)
	}
	return strings.Join(s, ", ")
}

// Stack-clash probe: sub rsp,0x1000 followed by or qword [rsp(+d)],0.
var (
	subRSP4K = []byte{0x48, 0x81, 0xec, 0x00, 0x10, 0x00, 0x00}
	orProbes = [][]byte{{0x48, 0x83, 0x0c, 0x24, 0x00}, {0x48, 0x83, 0x8c, 0x24}, {0x48, 0x83, 0x4c, 0x24}}
)

// HasStackClashProbe reports whether x86-64 code holds a stack-clash probe.
func HasStackClashProbe(code []byte) bool {
	for len(code) > 0 {
		i := bytes.Index(code, subRSP4K)
		if i < 0 {
			return false
		}
		rest := code[i+len(subRSP4K):]
		for _, p := range orProbes {
			if bytes.HasPrefix(rest, p) {
				return true
			}
		}
		code = rest
	}
	return false
}

func checkStackClash(in *Input) Result {
	if in.File.Machine == elf.EM_X86_64 && in.Code != nil && HasStackClashProbe(in.Code()) {
		return Result{Verdict: Pass, Value: "yes", Evidence: "stack probe: sub rsp,0x1000 then or qword [rsp],0"}
	}
	if recordsSwitches(in.File.Producers) {
		r := producerCheck("-fstack-clash-protection")(in)
		if r.Verdict != Fail {
			return r
		}
		// Compilers that enable it by default (Ubuntu's GCC) do not
		// record it: absence from the producers is not proof.
		return Result{Verdict: Unknown, Value: "unknown", Evidence: "no probe instructions, and not among the options the compile units record (" +
			r.Evidence + "); a compiler default would not be recorded"}
	}
	return Result{Verdict: Unknown, Value: "unknown", Evidence: "no probe instructions (small frames need none, so absence proves nothing)"}
}

func checkCET(in *Input) Result {
	f := in.File
	if f.Machine != elf.EM_X86_64 && f.Machine != elf.EM_386 {
		return Result{Verdict: NA, Value: "n/a", Evidence: "not x86"}
	}
	if !f.Property.X86Set {
		return Result{Verdict: Fail, Value: "no", Evidence: "no GNU_PROPERTY_X86_FEATURE_1_AND note (informational: one unmarked object, such as crt1.o, clears it)"}
	}
	ibt, shstk := f.Property.X86&1 != 0, f.Property.X86&2 != 0
	switch {
	case ibt && shstk:
		return Result{Verdict: Pass, Value: "yes", Evidence: "IBT and SHSTK property bits"}
	case ibt || shstk:
		return Result{Verdict: Fail, Value: "partial", Evidence: fmt.Sprintf("property bits IBT=%t SHSTK=%t", ibt, shstk)}
	}
	return Result{Verdict: Fail, Value: "no", Evidence: "X86_FEATURE_1_AND note without IBT or SHSTK"}
}

func checkBTI(in *Input) Result {
	f := in.File
	if f.Machine != elf.EM_AARCH64 {
		return Result{Verdict: NA, Value: "n/a", Evidence: "not AArch64"}
	}
	bti, pac := f.Property.AArch64&1 != 0, f.Property.AArch64&2 != 0
	switch {
	case bti && pac:
		return Result{Verdict: Pass, Value: "yes", Evidence: "BTI and PAC property bits"}
	case bti || pac:
		return Result{Verdict: Fail, Value: "partial", Evidence: fmt.Sprintf("property bits BTI=%t PAC=%t", bti, pac)}
	}
	return Result{Verdict: Fail, Value: "no", Evidence: "no AARCH64_FEATURE_1_AND BTI/PAC bits"}
}

func checkNodlopen(in *Input) Result {
	if in.Kind != SharedLib || in.Extension || in.File.Interp {
		return Result{Verdict: NA, Value: "n/a", Evidence: "applies only to shared libraries that are not dlopen()ed (extension modules must be)"}
	}
	if in.File.Dynamic.Flags1&uint64(elf.DF_1_NOOPEN) != 0 {
		return Result{Verdict: Pass, Value: "yes", Evidence: "DF_1_NOOPEN"}
	}
	return Result{Verdict: Fail, Value: "no", Evidence: "DF_1_NOOPEN not set"}
}

// badSearchDir reports why a run-time search path entry is unsafe.
func badSearchDir(p string) string {
	switch {
	case p == "":
		return "empty entry (the current directory)"
	case strings.HasPrefix(p, "$ORIGIN"), strings.HasPrefix(p, "${ORIGIN}"):
		return ""
	case !strings.HasPrefix(p, "/"):
		return "relative entry " + p
	}
	for _, d := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return "world-writable location " + p
		}
	}
	return ""
}

func checkRPath(in *Input) Result {
	d := in.File.Dynamic
	if len(d.RPath) == 0 && len(d.RunPath) == 0 {
		return Result{Verdict: Pass, Value: "no", Evidence: "no DT_RPATH or DT_RUNPATH"}
	}
	for _, set := range []struct {
		tag  string
		dirs []string
	}{{"DT_RPATH", d.RPath}, {"DT_RUNPATH", d.RunPath}} {
		for _, p := range set.dirs {
			if why := badSearchDir(p); why != "" {
				return Result{Verdict: Fail, Value: "yes", Evidence: set.tag + ": " + why}
			}
		}
	}
	if len(d.RPath) > 0 {
		return Result{Verdict: Warn, Value: "rpath", Evidence: "legacy DT_RPATH " + strings.Join(d.RPath, ":") + " (overrides LD_LIBRARY_PATH, inherited by dependencies)"}
	}
	return Result{Verdict: Pass, Value: "runpath", Evidence: "DT_RUNPATH " + strings.Join(d.RunPath, ":")}
}

func checkTextrel(in *Input) Result {
	d := in.File.Dynamic
	if d.TextRel || d.Flags&uint64(elf.DF_TEXTREL) != 0 {
		return Result{Verdict: Fail, Value: "yes", Evidence: "DT_TEXTREL: code is patched at load time"}
	}
	return Result{Verdict: Pass, Value: "no", Evidence: "no text relocations"}
}

const glibcxxAssertFail = "_ZSt21__glibcxx_assert_failPKciS0_S0_"

func checkGlibcxx(in *Input) Result {
	if !in.Lang.Has(lang.CPP) {
		return Result{Verdict: NA, Value: "n/a", Evidence: "not C++"}
	}
	if in.File.ImportsName(glibcxxAssertFail) || in.File.Defines(glibcxxAssertFail) {
		return Result{Verdict: Pass, Value: "yes", Evidence: "calls std::__glibcxx_assert_fail"}
	}
	return Result{Verdict: Unknown, Value: "unknown", Evidence: "no std::__glibcxx_assert_fail (code without checked containers needs none)"}
}

func checkSanitizers(in *Input) Result {
	var found []string
	for _, im := range in.File.Imports {
		for _, p := range []string{"__asan_", "__ubsan_", "__msan_", "__tsan_"} {
			if strings.HasPrefix(im.Name, p) && !slices.Contains(found, p+"*") {
				found = append(found, p+"*")
			}
		}
	}
	if len(found) > 0 {
		return Result{Verdict: Warn, Value: "yes", Evidence: "sanitizer runtime imports: " + strings.Join(found, ", ")}
	}
	return Result{Verdict: Pass, Value: "no", Evidence: "no sanitizer runtime imports"}
}

// producerCheck judges an option that leaves no trace in machine code by
// the DW_AT_producer strings of the C/C++ compile units (spec row 15):
// pass when every unit records one of the flags, fail when some unit
// does not.
func producerCheck(flags ...string) func(in *Input) Result {
	return func(in *Input) Result {
		if ok, why := pureSafe(in); ok {
			return Result{Verdict: NA, Value: "n/a", Evidence: why}
		}
		ps := in.File.Producers
		if len(ps) == 0 {
			return Result{Verdict: Unknown, Value: "unknown", Evidence: "no DW_AT_producer of C/C++ compile units (no DWARF, or not recorded)"}
		}
		missing := 0
		example := ""
		for _, p := range ps {
			if !hasFlag(p, flags) {
				missing++
				example = p
			}
		}
		if missing > 0 {
			return Result{Verdict: Fail, Value: "no", Evidence: fmt.Sprintf("%d of %d compile units built without %s, e.g. %q",
				missing, len(ps), strings.Join(flags, " or "), truncate(example, 160))}
		}
		return Result{Verdict: Pass, Value: "yes", Evidence: fmt.Sprintf("all %d C/C++ compile units record %s", len(ps), strings.Join(flags, " or "))}
	}
}

// recordsSwitches reports whether the producers carry command-line
// options (GCC's -grecord-gcc-switches default), not just a version.
func recordsSwitches(ps []string) bool {
	return slices.ContainsFunc(ps, func(p string) bool { return strings.Contains(p, " -f") || strings.Contains(p, " -O") })
}

// hasFlag reports whether a producer string holds one of the options
// (an option ending in "=" matches any value).
func hasFlag(producer string, flags []string) bool {
	for _, w := range strings.Fields(producer) {
		for _, fl := range flags {
			if w == fl || strings.HasSuffix(fl, "=") && strings.HasPrefix(w, fl) && !strings.HasSuffix(w, "=uninitialized") {
				return true
			}
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// canaryLevel names the stack-protector level the compile units record.
func canaryLevel(ps []string) string {
	levels := map[string]bool{}
	for _, p := range ps {
		for _, w := range strings.Fields(p) {
			if l, ok := strings.CutPrefix(w, "-fstack-protector"); ok {
				levels[strings.TrimPrefix(l, "-")] = true
			}
		}
	}
	if len(levels) == 0 {
		return ""
	}
	var out []string
	for l := range levels {
		if l == "" {
			l = "plain"
		}
		out = append(out, l)
	}
	slices.Sort(out)
	return "; DW_AT_producer level: " + strings.Join(out, ", ")
}

// checkAsNeeded reports NEEDED libraries no import binds to. Only
// versioned imports name their library, so the check is made only when
// every import is versioned (row 14: informational).
func checkAsNeeded(in *Input) Result {
	f := in.File
	if len(f.Dynamic.Needed) == 0 {
		return Result{Verdict: NA, Value: "n/a", Evidence: "no DT_NEEDED"}
	}
	used := map[string]bool{}
	for _, im := range f.Imports {
		if im.Weak && im.Library == "" {
			continue // crt's weak references (__gmon_start__, _ITM_*) bind to nothing
		}
		if im.Library == "" {
			return Result{Verdict: Unknown, Value: "unknown", Evidence: "unversioned imports (" + im.Name + ") do not name their library"}
		}
		used[im.Library] = true
	}
	var unused []string
	for _, n := range f.Dynamic.Needed {
		if !used[n] {
			unused = append(unused, n)
		}
	}
	if len(unused) > 0 {
		return Result{Verdict: Fail, Value: "no", Evidence: "NEEDED without any import bound to it: " + strings.Join(unused, ", ")}
	}
	return Result{Verdict: Pass, Value: "yes", Evidence: "every NEEDED library provides an import"}
}
