// Package harden judges an ELF binary against the OpenSSF Compiler Options
// Hardening Guide for C and C++, with the exact binary evidence of
// specs/native-audit.md §(a).
//
// [Checks] is the table every report, document and test comes from. Each
// check returns a [Result] with a [Verdict] (pass, warn, fail, unknown,
// n/a), a short value in the vocabulary of checksec and hardening-check
// (yes, no, partial, full, dso, ...) and the evidence for it.
//
// Where checksec and hardening-check are wrong the rules here are the
// spec's: PIE is ET_DYN with PT_INTERP or DF_1_PIE (never PT_PHDR), a
// static binary's own canary is not evidence, no fortifiable import is
// unknown, and checks about C code are n/a for code that is entirely
// Rust or Go.
package harden

import (
	"debug/elf"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/lang"
)

// Verdict is the outcome of one check.
type Verdict string

// Verdicts.
const (
	Pass    Verdict = "pass"
	Warn    Verdict = "warn"
	Fail    Verdict = "fail"
	Unknown Verdict = "unknown"
	NA      Verdict = "n/a"
)

// Kind is what a binary is.
type Kind string

// Kinds.
const (
	Exec       Kind = "exec"
	StaticExec Kind = "static-exec"
	PIEExec    Kind = "pie-exec"
	StaticPIE  Kind = "static-pie"
	SharedLib  Kind = "shared-lib"
	Object     Kind = "object"
)

// KindOf classifies f (spec §(a): PIE = ET_DYN && (PT_INTERP || DF_1_PIE);
// ET_DYN with PT_INTERP and a SONAME, like libc.so.6, is a shared library).
func KindOf(f *elffile.File) Kind {
	pieFlag := f.Dynamic.Flags1&uint64(elf.DF_1_PIE) != 0
	switch f.Type {
	case elf.ET_EXEC:
		if f.Interp || f.Dynamic.Present {
			return Exec
		}
		return StaticExec
	case elf.ET_DYN:
		switch {
		case pieFlag && !f.Interp:
			return StaticPIE
		case f.Interp && f.Dynamic.SONAME != "":
			return SharedLib
		case f.Interp || pieFlag:
			return PIEExec
		}
		return SharedLib
	}
	return Object
}

// Result is the outcome of one check on one binary.
type Result struct {
	Check    string
	Verdict  Verdict
	Value    string // checksec-style value: yes, no, partial, full, dso, ...
	Evidence string
}

// Input is what a check looks at.
type Input struct {
	File *elffile.File
	Kind Kind
	Lang lang.Result
	// Extension is true for Python extension modules (they must be
	// dlopen()ed, so nodlopen does not apply).
	Extension bool
	// Code returns the bytes of the executable sections (for instruction
	// patterns); nil means not available.
	Code func() []byte
}

// Check is one row of the spec.
type Check struct {
	ID    string
	Title string // the OpenSSF option(s)
	// Info marks checks whose failure is informational (CET: the linker
	// drops the bits whenever one input object lacks them).
	Info bool
	// Formats lists the binary formats the check applies to.
	Formats string
	// Run judges an ELF binary; nil for checks of other formats, which
	// packages machofile and pefile run.
	Run func(in *Input) Result
}

// Checks is the list of hardening checks, in report order. Those with a
// Run function are the ELF checks; pie, nx, canary, fortify, rpath, cet and
// bti_pac also have Mach-O or PE forms (packages machofile, pefile).
var Checks = []Check{
	{ID: "pie", Title: "-fPIE -pie", Formats: "ELF Mach-O PE", Run: checkPIE},
	{ID: "nx", Title: "-Wl,-z,noexecstack", Formats: "ELF Mach-O PE", Run: checkNX},
	{ID: "relro", Title: "-Wl,-z,relro", Formats: "ELF", Run: checkRELRO},
	{ID: "bindnow", Title: "-Wl,-z,now", Formats: "ELF", Run: checkBindNow},
	{ID: "canary", Title: "-fstack-protector-strong", Formats: "ELF Mach-O PE", Run: checkCanary},
	{ID: "fortify", Title: "-D_FORTIFY_SOURCE=3", Formats: "ELF Mach-O PE", Run: checkFortify},
	{ID: "stack_clash", Title: "-fstack-clash-protection", Formats: "ELF", Run: checkStackClash},
	{ID: "cet", Title: "-fcf-protection=full", Info: true, Formats: "ELF PE", Run: checkCET},
	{ID: "bti_pac", Title: "-mbranch-protection=standard", Info: true, Formats: "ELF Mach-O", Run: checkBTI},
	{ID: "nodlopen", Title: "-Wl,-z,nodlopen", Info: true, Formats: "ELF", Run: checkNodlopen},
	{ID: "rpath", Title: "no -Wl,-rpath", Formats: "ELF Mach-O", Run: checkRPath},
	{ID: "textrel", Title: "-fPIC -shared", Formats: "ELF", Run: checkTextrel},
	{ID: "glibcxx_assertions", Title: "-D_GLIBCXX_ASSERTIONS", Formats: "ELF", Run: checkGlibcxx},
	{ID: "sanitizers", Title: "no sanitizers in release builds", Formats: "ELF", Run: checkSanitizers},
	{ID: "as_needed", Title: "-Wl,--as-needed", Info: true, Formats: "ELF", Run: checkAsNeeded},
	{ID: "auto_var_init", Title: "-ftrivial-auto-var-init=zero", Formats: "ELF", Run: producerCheck("-ftrivial-auto-var-init=")},
	{ID: "strict_overflow", Title: "-fno-strict-overflow", Formats: "ELF", Run: producerCheck("-fno-strict-overflow", "-fwrapv")},
	{ID: "null_checks", Title: "-fno-delete-null-pointer-checks", Formats: "ELF", Run: producerCheck("-fno-delete-null-pointer-checks")},
	{ID: "strict_aliasing", Title: "-fno-strict-aliasing", Formats: "ELF", Run: producerCheck("-fno-strict-aliasing")},
	{ID: "heap_nx", Title: "MH_NO_HEAP_EXECUTION", Info: true, Formats: "Mach-O"},
	{ID: "codesign", Title: "code signature (LC_CODE_SIGNATURE)", Info: true, Formats: "Mach-O"},
	{ID: "high_entropy_va", Title: "/HIGHENTROPYVA", Formats: "PE"},
	{ID: "cfg", Title: "/guard:cf", Formats: "PE"},
	{ID: "safeseh", Title: "/SAFESEH", Formats: "PE"},
	{ID: "wx_sections", Title: "no writable+executable sections", Formats: "PE"},
	{ID: "shared_writable", Title: "no shared writable sections", Formats: "PE"},
	{ID: "high_image_base", Title: "image base above 4 GB", Info: true, Formats: "PE"},
}

// Run runs every check on in.
func Run(in *Input) []Result {
	out := make([]Result, 0, len(Checks))
	for _, c := range Checks {
		if c.Run == nil {
			continue
		}
		r := c.Run(in)
		r.Check = c.ID
		out = append(out, r)
	}
	return out
}

// CheckByID returns the check with the given ID.
func CheckByID(id string) (Check, bool) {
	for _, c := range Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}
