// Package pefile audits PE binaries (Windows wheels: .pyd files are DLLs)
// with the checks of specs/native-audit.md "PE": ASLR (DYNAMIC_BASE with
// relocations), high-entropy ASLR, DEP (NX_COMPAT), Control Flow Guard,
// the /GS security cookie, SafeSEH on x86, writable+executable and
// shared+writable sections, the CET shadow-stack compatibility flag and a
// high image base. The load configuration and debug directories are parsed
// by hand; debug/pe does not read them.
//
// # Security
//
// debug/pe may panic on malformed input; every call is guarded by a
// recover that turns the panic into an error naming the file. Directory
// reads are bounds-checked against the file.
package pefile

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/binfacts"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/libver"
)

// ErrNotPE is returned (wrapped) for input without the MZ/PE signatures.
var ErrNotPE = errors.New("not a PE file")

// Magic reports whether b starts with the MZ magic.
func Magic(b []byte) bool { return len(b) >= 2 && b[0] == 'M' && b[1] == 'Z' }

// Report is the audit of one PE file.
type Report struct {
	Machine string
	Kind    harden.Kind
	Checks  []harden.Result
	Facts   *binfacts.Facts // names for language detection and fingerprints
	Strings []byte          // printable runs of the data sections, for library fingerprints
}

// DllCharacteristics bits.
const (
	dynamicBase    = 0x0040
	highEntropyVA  = 0x0020
	nxCompat       = 0x0100
	noSEH          = 0x0400
	guardCF        = 0x4000
	fileDLL        = 0x2000
	scnShared      = 0x10000000
	scnExecute     = 0x20000000
	scnWrite       = 0x80000000
	relocsStripped = 0x0001
)

// Examine audits the PE file of size bytes in r.
func Examine(name string, r io.ReaderAt, size int64) (rep *Report, err error) {
	var mz [2]byte
	if _, err := r.ReadAt(mz[:], 0); err != nil || !Magic(mz[:]) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotPE)
	}
	if size > elffile.MaxFileSize {
		return nil, &elffile.FormatError{Path: name, Format: "PE", Msg: "file over the size limit"}
	}
	defer func() {
		if p := recover(); p != nil {
			rep, err = nil, &elffile.FormatError{Path: name, Format: "PE", Msg: fmt.Sprint("debug/pe: ", p)}
		}
	}()
	sr := io.NewSectionReader(r, 0, size)
	f, err := pe.NewFile(sr)
	if err != nil {
		return nil, &elffile.FormatError{Path: name, Format: "PE", Msg: err.Error()}
	}
	p := &peFile{f: f, r: sr, size: size}
	rep = &Report{Facts: p.facts(name), Strings: p.dataStrings()}
	switch f.Machine {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		rep.Machine = "x86_64"
	case pe.IMAGE_FILE_MACHINE_I386:
		rep.Machine = "i386"
	case pe.IMAGE_FILE_MACHINE_ARM64:
		rep.Machine = "arm64"
	default:
		rep.Machine = fmt.Sprintf("0x%x", f.Machine)
	}
	chars, _, _, _ := p.header()
	switch {
	case f.Characteristics&fileDLL != 0:
		rep.Kind = harden.SharedLib
	case chars&dynamicBase != 0:
		rep.Kind = harden.PIEExec
	default:
		rep.Kind = harden.Exec // loaded at its fixed image base
	}
	rep.Checks = p.checks(rep)
	return rep, nil
}

type peFile struct {
	f    *pe.File
	r    io.ReaderAt
	size int64
}

func (p *peFile) header() (dllChars uint16, dirs []pe.DataDirectory, imageBase uint64, is64 bool) {
	switch h := p.f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		return h.DllCharacteristics, h.DataDirectory[:min(int(h.NumberOfRvaAndSizes), 16)], h.ImageBase, true
	case *pe.OptionalHeader32:
		return h.DllCharacteristics, h.DataDirectory[:min(int(h.NumberOfRvaAndSizes), 16)], uint64(h.ImageBase), false
	}
	return 0, nil, 0, false
}

// read returns n bytes at virtual address rva, if they lie in a section's
// file data.
func (p *peFile) read(rva uint32, n uint32) []byte {
	for _, s := range p.f.Sections {
		if rva >= s.VirtualAddress && rva-s.VirtualAddress < s.Size {
			off := int64(s.Offset) + int64(rva-s.VirtualAddress)
			if n > s.Size-(rva-s.VirtualAddress) {
				n = s.Size - (rva - s.VirtualAddress)
			}
			if off < 0 || off+int64(n) > p.size || n > 1<<20 {
				return nil
			}
			b := make([]byte, n)
			if _, err := p.r.ReadAt(b, off); err != nil {
				return nil
			}
			return b
		}
	}
	return nil
}

func (p *peFile) facts(name string) *binfacts.Facts {
	fa := &binfacts.Facts{Path: name, Size: p.size}
	for _, s := range p.f.Sections {
		fa.Sections = append(fa.Sections, binfacts.Section{Name: s.Name, Size: uint64(s.Size)})
	}
	if syms, err := p.f.ImportedSymbols(); err == nil {
		for _, s := range syms {
			n, lib, _ := strings.Cut(s, ":")
			fa.Imports = append(fa.Imports, binfacts.Import{Name: n, Library: lib})
		}
	}
	if libs, err := p.f.ImportedLibraries(); err == nil {
		fa.Needed = libs
	}
	text := -1
	for i, s := range p.f.Sections {
		if s.Name == ".text" {
			text = i + 1
		}
	}
	type fn struct {
		name string
		off  uint32
	}
	var fns []fn
	for _, s := range p.f.Symbols {
		if s.Name != "" && s.SectionNumber > 0 {
			fa.LocalNames = append(fa.LocalNames, s.Name)
			if int(s.SectionNumber) == text {
				fns = append(fns, fn{s.Name, s.Value})
			}
		}
	}
	// COFF symbols carry no size: a function runs to the next symbol.
	slices.SortFunc(fns, func(a, b fn) int { return int(a.off) - int(b.off) })
	for i, x := range fns {
		end := p.f.Sections[text-1].VirtualSize
		if i+1 < len(fns) {
			end = fns[i+1].off
		}
		if end > x.off {
			fa.Funcs = append(fa.Funcs, binfacts.Func{Name: x.name, Size: uint64(end - x.off)})
		}
	}
	fa.HasSymtab = len(fa.LocalNames) > 0
	slices.SortFunc(fa.Imports, func(a, b binfacts.Import) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(fa.LocalNames)
	fa.LocalNames = slices.Compact(fa.LocalNames)
	return fa
}

// loadConfig returns the security cookie, the SafeSEH handler count and
// the guard flags of the load configuration directory.
func (p *peFile) loadConfig(dirs []pe.DataDirectory, is64 bool) (cookie uint64, sehCount uint32, guard uint32, ok bool) {
	if len(dirs) <= pe.IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG {
		return 0, 0, 0, false
	}
	d := dirs[pe.IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG]
	if d.VirtualAddress == 0 || d.Size == 0 {
		return 0, 0, 0, false
	}
	b := p.read(d.VirtualAddress, max(d.Size, 4))
	if len(b) < 4 {
		return 0, 0, 0, false
	}
	le := binary.LittleEndian
	if is64 {
		if len(b) >= 0x60 {
			cookie = le.Uint64(b[0x58:])
		}
		if len(b) >= 0x94 {
			guard = le.Uint32(b[0x90:])
		}
	} else {
		if len(b) >= 0x40 {
			cookie = uint64(le.Uint32(b[0x3c:]))
		}
		if len(b) >= 0x48 {
			sehCount = le.Uint32(b[0x44:])
		}
		if len(b) >= 0x5c {
			guard = le.Uint32(b[0x58:])
		}
	}
	return cookie, sehCount, guard, true
}

// cetCompat reads the extended DLL characteristics debug entry (type 20).
func (p *peFile) cetCompat(dirs []pe.DataDirectory) bool {
	if len(dirs) <= pe.IMAGE_DIRECTORY_ENTRY_DEBUG {
		return false
	}
	d := dirs[pe.IMAGE_DIRECTORY_ENTRY_DEBUG]
	b := p.read(d.VirtualAddress, d.Size)
	for ; len(b) >= 28; b = b[28:] {
		if binary.LittleEndian.Uint32(b[12:]) != 20 {
			continue
		}
		off, n := int64(binary.LittleEndian.Uint32(b[24:])), binary.LittleEndian.Uint32(b[16:])
		if n < 4 || off+4 > p.size {
			continue
		}
		var fl [4]byte
		if _, err := p.r.ReadAt(fl[:], off); err == nil && binary.LittleEndian.Uint32(fl[:])&1 != 0 {
			return true
		}
	}
	return false
}

func (p *peFile) checks(rep *Report) []harden.Result {
	chars, dirs, imageBase, is64 := p.header()
	var out []harden.Result
	add := func(id string, v harden.Verdict, value, ev string) {
		out = append(out, harden.Result{Check: id, Verdict: v, Value: value, Evidence: ev})
	}
	relocs := p.f.Characteristics&relocsStripped == 0 && len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_BASERELOC && dirs[pe.IMAGE_DIRECTORY_ENTRY_BASERELOC].Size > 0
	switch {
	case chars&dynamicBase == 0:
		add("pie", harden.Fail, "no", "no DYNAMIC_BASE: loaded at a fixed address")
	case !relocs:
		add("pie", harden.Fail, "no", "DYNAMIC_BASE without relocations: ASLR cannot move the image")
	default:
		add("pie", harden.Pass, "yes", "DYNAMIC_BASE with a relocation directory")
	}
	switch {
	case !is64:
		add("high_entropy_va", harden.NA, "n/a", "32-bit image")
	case chars&highEntropyVA != 0:
		add("high_entropy_va", harden.Pass, "yes", "HIGH_ENTROPY_VA")
	default:
		add("high_entropy_va", harden.Fail, "no", "no HIGH_ENTROPY_VA")
	}
	if chars&nxCompat != 0 {
		add("nx", harden.Pass, "yes", "NX_COMPAT")
	} else {
		add("nx", harden.Fail, "no", "no NX_COMPAT: data may be executed")
	}
	cookie, sehCount, guard, hasLC := p.loadConfig(dirs, is64)
	switch {
	case chars&guardCF != 0 && guard&0x100 != 0:
		add("cfg", harden.Pass, "yes", "GUARD_CF and IMAGE_GUARD_CF_INSTRUMENTED")
	case chars&guardCF != 0:
		add("cfg", harden.Fail, "partial", "GUARD_CF without instrumented guard flags in the load configuration")
	default:
		add("cfg", harden.Fail, "no", "no GUARD_CF")
	}
	switch {
	case !hasLC:
		add("canary", harden.Unknown, "unknown", "no load configuration: /GS cannot be told")
	case cookie != 0:
		add("canary", harden.Pass, "yes", fmt.Sprintf("load configuration SecurityCookie at 0x%x (/GS)", cookie))
	default:
		add("canary", harden.Fail, "no", "load configuration without a SecurityCookie")
	}
	add("fortify", harden.NA, "n/a", "_FORTIFY_SOURCE is a glibc feature")
	switch {
	case is64 || rep.Machine != "i386":
		add("safeseh", harden.NA, "n/a", "SafeSEH applies to x86 images")
	case chars&noSEH != 0:
		add("safeseh", harden.Pass, "yes", "NO_SEH: no exception handlers")
	case sehCount > 0:
		add("safeseh", harden.Pass, "yes", fmt.Sprintf("%d registered SEH handlers", sehCount))
	default:
		add("safeseh", harden.Fail, "no", "no SafeSEH table")
	}
	wx, sw := "", ""
	for _, s := range p.f.Sections {
		if s.Characteristics&scnWrite != 0 && s.Characteristics&scnExecute != 0 {
			wx = s.Name
		}
		if s.Characteristics&scnWrite != 0 && s.Characteristics&scnShared != 0 {
			sw = s.Name
		}
	}
	if wx != "" {
		add("wx_sections", harden.Fail, "yes", "section "+wx+" is writable and executable")
	} else {
		add("wx_sections", harden.Pass, "no", "no writable and executable section")
	}
	if sw != "" {
		add("shared_writable", harden.Fail, "yes", "section "+sw+" is shared and writable")
	} else {
		add("shared_writable", harden.Pass, "no", "no shared writable section")
	}
	if p.cetCompat(dirs) {
		add("cet", harden.Pass, "yes", "CET_COMPAT extended DLL characteristic")
	} else {
		add("cet", harden.Fail, "no", "no CET_COMPAT debug entry")
	}
	switch {
	case !is64:
		add("high_image_base", harden.NA, "n/a", "32-bit image")
	case imageBase > 0xffffffff:
		add("high_image_base", harden.Pass, "yes", fmt.Sprintf("image base 0x%x", imageBase))
	default:
		add("high_image_base", harden.Fail, "no", fmt.Sprintf("image base 0x%x is below 4 GB", imageBase))
	}
	return out
}

// dataStrings reads the strings of the initialised data sections
// (.rdata, .data), each at most the file's size.
func (p *peFile) dataStrings() []byte {
	var out []byte
	for _, s := range p.f.Sections {
		if s.Characteristics&0x40 == 0 || s.Characteristics&scnExecute != 0 || int64(s.Size) > p.size {
			continue // IMAGE_SCN_CNT_INITIALIZED_DATA, not code
		}
		if b, err := s.Data(); err == nil {
			out = append(out, libver.Runs(b)...)
		}
	}
	return out
}
