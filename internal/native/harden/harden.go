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
	Run  func(in *Input) Result
}

// Checks is the list of hardening checks, in report order.
var Checks = []Check{
	{ID: "pie", Title: "-fPIE -pie", Run: checkPIE},
	{ID: "nx", Title: "-Wl,-z,noexecstack", Run: checkNX},
	{ID: "relro", Title: "-Wl,-z,relro", Run: checkRELRO},
	{ID: "bindnow", Title: "-Wl,-z,now", Run: checkBindNow},
	{ID: "canary", Title: "-fstack-protector-strong", Run: checkCanary},
	{ID: "fortify", Title: "-D_FORTIFY_SOURCE=3", Run: checkFortify},
	{ID: "stack_clash", Title: "-fstack-clash-protection", Run: checkStackClash},
	{ID: "cet", Title: "-fcf-protection=full", Info: true, Run: checkCET},
	{ID: "bti_pac", Title: "-mbranch-protection=standard", Info: true, Run: checkBTI},
	{ID: "nodlopen", Title: "-Wl,-z,nodlopen", Info: true, Run: checkNodlopen},
	{ID: "rpath", Title: "no -Wl,-rpath", Run: checkRPath},
	{ID: "textrel", Title: "-fPIC -shared", Run: checkTextrel},
	{ID: "glibcxx_assertions", Title: "-D_GLIBCXX_ASSERTIONS", Run: checkGlibcxx},
	{ID: "sanitizers", Title: "no sanitizers in release builds", Run: checkSanitizers},
}

// Run runs every check on in.
func Run(in *Input) []Result {
	out := make([]Result, 0, len(Checks))
	for _, c := range Checks {
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
