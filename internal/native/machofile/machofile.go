// Package machofile audits Mach-O binaries (macOS wheels: extension
// modules are MH_BUNDLE, libraries MH_DYLIB) with the checks of
// specs/native-audit.md "Mach-O": PIE, executable stack and heap, stack
// protector and FORTIFY imports, LC_RPATH entries, code signature and
// arm64e pointer authentication. Universal (fat) files give one report per
// architecture.
//
// # Security
//
// debug/macho may panic on malformed input; every call is guarded by a
// recover that turns the panic into an error naming the file, and files
// over [elffile.MaxFileSize] are refused.
package machofile

import (
	"bytes"
	"debug/macho"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/native/binfacts"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/libver"
)

// ErrNotMachO is returned (wrapped) for input without a Mach-O magic.
var ErrNotMachO = errors.New("not a Mach-O file")

// Magic reports whether b starts with a Mach-O or universal magic.
func Magic(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for _, m := range [][]byte{{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}} {
		if bytes.Equal(b[:4], m) {
			return true
		}
	}
	return false
}

// Report is the audit of one architecture of a Mach-O file.
type Report struct {
	Arch   string
	Kind   harden.Kind
	Checks []harden.Result
	// Facts carries the names that language detection and library
	// fingerprints read, in the shape of an ELF file's facts.
	Facts *binfacts.Facts
	// Strings are the printable runs of the data sections (__cstring,
	// __const, __data), one per line, for library fingerprints.
	Strings []byte
}

const (
	flagAllowStackExecution = 0x20000
	flagNoHeapExecution     = 0x1000000
	flagPIE                 = 0x200000
	typeBundle              = 8
	typeDylib               = 6
	typeExecute             = 2
	loadCodeSignature       = 0x1d
)

// Examine audits the Mach-O file of size bytes in r.
func Examine(name string, r io.ReaderAt, size int64) (reps []Report, err error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || !Magic(magic[:]) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotMachO)
	}
	if size > elffile.MaxFileSize {
		return nil, &elffile.FormatError{Path: name, Format: "Mach-O", Msg: "file over the size limit"}
	}
	defer func() {
		if p := recover(); p != nil {
			reps, err = nil, &elffile.FormatError{Path: name, Format: "Mach-O", Msg: fmt.Sprint("debug/macho: ", p)}
		}
	}()
	sr := io.NewSectionReader(r, 0, size)
	if magic == [4]byte{0xca, 0xfe, 0xba, 0xbe} {
		ff, err := macho.NewFatFile(sr)
		if err != nil {
			return nil, &elffile.FormatError{Path: name, Format: "Mach-O", Msg: err.Error()}
		}
		for _, a := range ff.Arches {
			reps = append(reps, examine(name, a.File, size))
		}
		return reps, nil
	}
	f, err := macho.NewFile(sr)
	if err != nil {
		return nil, &elffile.FormatError{Path: name, Format: "Mach-O", Msg: err.Error()}
	}
	return []Report{examine(name, f, size)}, nil
}

func arch(f *macho.File) string {
	switch {
	case f.Cpu == macho.CpuArm64 && f.SubCpu&0xff == 2:
		return "arm64e"
	case f.Cpu == macho.CpuArm64:
		return "arm64"
	case f.Cpu == macho.CpuAmd64:
		return "x86_64"
	case f.Cpu == macho.Cpu386:
		return "i386"
	}
	return strings.ToLower(f.Cpu.String())
}

func examine(name string, f *macho.File, size int64) Report {
	rep := Report{Arch: arch(f), Facts: facts(name, f, size), Strings: dataStrings(f, size)}
	switch f.Type {
	case typeExecute:
		rep.Kind = harden.Exec
		if f.Flags&flagPIE != 0 {
			rep.Kind = harden.PIEExec
		}
	case typeBundle, typeDylib:
		rep.Kind = harden.SharedLib
	default:
		rep.Kind = harden.Object
	}
	rep.Checks = checks(f, rep)
	return rep
}

// facts gathers symbol and section names (one leading underscore removed,
// as Mach-O C names carry it) and function sizes from symbol addresses.
func facts(name string, f *macho.File, size int64) *binfacts.Facts {
	fa := &binfacts.Facts{Path: name, Size: size}
	for _, s := range f.Sections {
		n := s.Name
		if n == "__go_buildinfo" {
			n = ".go.buildinfo"
		}
		fa.Sections = append(fa.Sections, binfacts.Section{Name: n, Size: s.Size})
	}
	if f.Symtab == nil {
		return fa
	}
	type fn struct {
		name string
		addr uint64
	}
	var fns []fn
	textSect := uint8(0)
	for i, s := range f.Sections {
		if s.Name == "__text" {
			textSect = uint8(i + 1)
		}
	}
	for _, s := range f.Symtab.Syms {
		n := strings.TrimPrefix(s.Name, "_")
		if n == "" || s.Type&0xe0 != 0 { // stabs
			continue
		}
		if s.Type&0x0e == 0 && s.Sect == 0 { // N_UNDF
			if s.Type&0x01 != 0 {
				fa.Imports = append(fa.Imports, binfacts.Import{Name: n})
			}
			continue
		}
		fa.LocalNames = append(fa.LocalNames, n)
		if s.Type&0x01 != 0 {
			fa.Exports = append(fa.Exports, n)
		}
		if s.Sect == textSect && textSect != 0 {
			fns = append(fns, fn{n, s.Value})
		}
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].addr < fns[j].addr })
	if text := f.Section("__text"); text != nil {
		for i, x := range fns {
			end := text.Addr + text.Size
			if i+1 < len(fns) {
				end = fns[i+1].addr
			}
			if end > x.addr {
				fa.Funcs = append(fa.Funcs, binfacts.Func{Name: x.name, Size: end - x.addr})
			}
		}
	}
	fa.HasSymtab = len(fa.LocalNames) > 0
	slices.SortFunc(fa.Imports, func(a, b binfacts.Import) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(fa.Exports)
	slices.Sort(fa.LocalNames)
	fa.LocalNames = slices.Compact(fa.LocalNames)
	if libs, err := f.ImportedLibraries(); err == nil {
		fa.Needed = libs
	}
	return fa
}

func checks(f *macho.File, rep Report) []harden.Result {
	fa := rep.Facts
	var out []harden.Result
	add := func(id string, v harden.Verdict, value, ev string) {
		out = append(out, harden.Result{Check: id, Verdict: v, Value: value, Evidence: ev})
	}
	switch rep.Kind {
	case harden.PIEExec:
		add("pie", harden.Pass, "yes", "MH_PIE")
	case harden.Exec:
		add("pie", harden.Fail, "no", "MH_EXECUTE without MH_PIE")
	default:
		add("pie", harden.NA, "dso", "bundle or dylib: PIE applies to executables")
	}
	if f.Flags&flagAllowStackExecution != 0 {
		add("nx", harden.Fail, "no", "MH_ALLOW_STACK_EXECUTION")
	} else {
		add("nx", harden.Pass, "yes", "no MH_ALLOW_STACK_EXECUTION")
	}
	switch {
	case rep.Kind != harden.Exec && rep.Kind != harden.PIEExec:
		add("heap_nx", harden.NA, "n/a", "applies to executables")
	case f.Flags&flagNoHeapExecution != 0:
		add("heap_nx", harden.Pass, "yes", "MH_NO_HEAP_EXECUTION")
	default:
		add("heap_nx", harden.Pass, "default", "heap not executable by default on current macOS; MH_NO_HEAP_EXECUTION not set")
	}
	switch {
	case fa.ImportsName("__stack_chk_fail") || fa.ImportsName("__stack_chk_guard"):
		add("canary", harden.Pass, "yes", "imports ___stack_chk_fail")
	case f.Symtab == nil:
		add("canary", harden.Unknown, "unknown", "no symbol table")
	default:
		add("canary", harden.Fail, "no", "no import of ___stack_chk_fail")
	}
	prot, unprot := harden.FortifyImports(fa.Imports, false)
	switch {
	case len(prot) > 0:
		add("fortify", harden.Pass, "yes", fmt.Sprintf("%d of %d fortifiable functions protected", len(prot), len(prot)+len(unprot)))
	case len(unprot) > 0:
		add("fortify", harden.Fail, "no", "only unprotected fortifiable functions: "+strings.Join(unprot, ", "))
	default:
		add("fortify", harden.Unknown, "unknown", "no fortifiable libc function imported")
	}
	var rpaths []string
	signed := false
	for _, l := range f.Loads {
		if r, ok := l.(*macho.Rpath); ok {
			rpaths = append(rpaths, r.Path)
		}
		if raw := l.Raw(); len(raw) >= 4 && f.ByteOrder.Uint32(raw) == loadCodeSignature {
			signed = true
		}
	}
	bad := ""
	for _, p := range rpaths {
		if p == "" || !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "@") {
			bad = "relative LC_RPATH " + p
		}
		for _, d := range []string{"/tmp", "/var/tmp", "/private/tmp"} {
			if p == d || strings.HasPrefix(p, d+"/") {
				bad = "world-writable LC_RPATH " + p
			}
		}
	}
	switch {
	case bad != "":
		add("rpath", harden.Fail, "yes", bad)
	case len(rpaths) > 0:
		add("rpath", harden.Pass, "runpath", "LC_RPATH "+strings.Join(rpaths, ":"))
	default:
		add("rpath", harden.Pass, "no", "no LC_RPATH")
	}
	if signed {
		add("codesign", harden.Pass, "yes", "LC_CODE_SIGNATURE")
	} else {
		add("codesign", harden.Fail, "no", "no LC_CODE_SIGNATURE (arm64 macOS refuses to run unsigned code)")
	}
	switch rep.Arch {
	case "arm64e":
		add("bti_pac", harden.Pass, "yes", "arm64e: pointer authentication")
	case "arm64":
		add("bti_pac", harden.Fail, "no", "arm64, not arm64e: no pointer authentication ABI")
	default:
		add("bti_pac", harden.NA, "n/a", "not arm64")
	}
	return out
}

// dataStrings reads the strings of the data sections (not code, not the
// symbol tables), each at most the file's size.
func dataStrings(f *macho.File, size int64) []byte {
	var out []byte
	for _, s := range f.Sections {
		if s.Seg != "__TEXT" && s.Seg != "__DATA" && s.Seg != "__DATA_CONST" || s.Name == "__text" || s.Name == "__stubs" {
			continue
		}
		if s.Size == 0 || s.Size > uint64(size) {
			continue
		}
		if b, err := s.Data(); err == nil {
			out = append(out, libver.Runs(b)...)
		}
	}
	return out
}
