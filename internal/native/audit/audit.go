// Package audit examines native binaries: their kind, hardening verdicts,
// languages, memory-safe share and toolchain, for one file or every
// binary under a target.
package audit

import (
	"debug/elf"
	"path"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
	"github.com/pysbom/pysbom/internal/native/libver"
)

// Binary is the audit of one native binary.
type Binary struct {
	Path      string
	Size      int64
	Format    string // "ELF"
	Machine   string
	Kind      harden.Kind
	Extension bool // a Python extension module (exports PyInit_*)
	Checks    []harden.Result
	Lang      lang.Result
	Stripped  bool
	Debug     bool
	Toolchain []string // .comment strings
	BuildID   string
	Needed    []string
	Owner     Owner          // the distribution that installed it, when known
	Libraries []libver.Match // C libraries found in it (itself or bundled)
	// BuiltAgainst are libraries it names only by the version of the
	// headers it was compiled against: it links them dynamically.
	BuiltAgainst []libver.Match
	Error        string // set when the file could not be parsed; nothing else is then
}

// Result returns the result of check id.
func (b *Binary) Result(id string) (harden.Result, bool) {
	for _, r := range b.Checks {
		if r.Check == id {
			return r, true
		}
	}
	return harden.Result{}, false
}

// Examine audits the parsed ELF file f, including the libraries in it.
func Examine(f *elffile.File) *Binary {
	// The data sections' strings serve both the language signals (source
	// paths, panic texts) and the library fingerprints: read once.
	return ExamineStrings(f, libver.Strings(f))
}

// ExamineStrings is Examine of a file whose data sections' strings
// (libver.Strings) have been read already.
func ExamineStrings(f *elffile.File, strs []byte) *Binary {
	b := &Binary{
		Path: f.Path, Size: f.Size, Format: "ELF", Machine: machine(f.Machine),
		Kind: harden.KindOf(f), Stripped: !f.HasSymtab, Toolchain: toolchain(f), BuildID: f.BuildID,
		Needed: f.Dynamic.Needed,
	}
	b.Extension = slices.ContainsFunc(f.Exports, func(n string) bool { return strings.HasPrefix(n, "PyInit_") })
	for _, s := range f.Sections {
		if strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			b.Debug = true
		}
	}
	b.Lang = lang.Detect(&f.Facts, strs)
	b.Libraries, b.BuiltAgainst = libver.Split(libver.Scan(&f.Facts, strs, path.Base(f.Path)))
	var code []byte
	in := &harden.Input{File: f, Kind: b.Kind, Lang: b.Lang, Extension: b.Extension, Code: func() []byte {
		if code == nil {
			code = executable(f)
		}
		return code
	}}
	b.Checks = harden.Run(in)
	return b
}

// executable returns the concatenated executable sections of f.
func executable(f *elffile.File) []byte {
	code := func(s elffile.Section) bool { return s.Flags&elf.SHF_EXECINSTR != 0 && s.Type == elf.SHT_PROGBITS }
	var total uint64
	for _, s := range f.Sections {
		if code(s) {
			total += s.Size
		}
	}
	// One buffer of the sections' total size (a large binary's .text is
	// tens of megabytes: no copy per section, no growth).
	out := make([]byte, 0, min(total, uint64(f.Size)))
	for _, s := range f.Sections {
		if code(s) {
			out, _ = f.AppendSection(out, s)
		}
	}
	return out
}

func machine(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_386:
		return "i386"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_PPC64:
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_RISCV:
		return "riscv"
	}
	return strings.ToLower(strings.TrimPrefix(m.String(), "EM_"))
}

// File audits the ELF file at path, including the libraries in it. A file that is not ELF gives
// [elffile.ErrNotELF]; a malformed one an [*elffile.FormatError].
func File(path string) (*Binary, error) {
	f, err := elffile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return examineAll(f, path), nil
}

// toolchain lists the .comment strings and the distinct compilers of the
// C/C++ compile units (DW_AT_producer up to its first option).
func toolchain(f *elffile.File) []string {
	out := slices.Clone(f.Comment)
	for _, p := range f.Producers {
		c := p
		if i := strings.Index(c, " -"); i > 0 {
			c = c[:i]
		}
		c = "DW_AT_producer: " + c
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
