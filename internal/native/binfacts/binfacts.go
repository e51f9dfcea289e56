// Package binfacts holds what language detection and library
// fingerprints read of a native binary, whatever its format: its
// sections, symbols, linked libraries and toolchain notes. Package elffile
// fills them for ELF (with much more for the hardening checks),
// machofile and pefile for Mach-O and PE.
package binfacts

import (
	"debug/elf"
	"fmt"
	"slices"
	"strings"
)

// FormatError reports a file that is not a well-formed binary of its
// format.
type FormatError struct {
	Path   string
	Format string // "ELF" when empty; "Mach-O", "PE"
	Msg    string
}

func (e *FormatError) Error() string {
	format := e.Format
	if format == "" {
		format = "ELF"
	}
	return fmt.Sprintf("%s: malformed %s: %s", e.Path, format, e.Msg)
}

// Facts are the format-neutral facts of one binary.
type Facts struct {
	Path string
	Size int64

	Sections []Section
	Needed   []string // linked libraries (DT_NEEDED, LC_LOAD_DYLIB, PE imports)
	SONAME   string   // the binary's own library name (DT_SONAME), "" for none

	Imports    []Import // undefined symbols, sorted by name
	Exports    []string // defined exported symbols, sorted
	Funcs      []Func   // defined functions with their sizes
	HasSymtab  bool     // a full symbol table is present (not stripped)
	LocalNames []string // defined symbol names of the full table, sorted

	VerDefs []string // ELF version definitions (.gnu.version_d), e.g. OPENSSL_3.0.9
	Comment []string // toolchain strings (ELF .comment)
}

// Section is one section header. Type, Flags, Addr and Off are ELF's;
// other formats give the name and size.
type Section struct {
	Name  string
	Type  elf.SectionType
	Flags elf.SectionFlag
	Addr  uint64
	Off   uint64
	Size  uint64
}

// Import is an undefined (imported) symbol.
type Import struct {
	Name    string
	Version string // symbol version, e.g. GLIBC_2.4
	Library string // the library it comes from, when known, e.g. libc.so.6
	Weak    bool   // a weak reference (may stay unresolved)
}

// Func is a defined function symbol.
type Func struct {
	Name string
	Size uint64
}

// SectionByName returns the header of the named section.
func (f *Facts) SectionByName(name string) (Section, bool) {
	for _, s := range f.Sections {
		if s.Name == name {
			return s, true
		}
	}
	return Section{}, false
}

// ImportsName reports whether name is an imported symbol.
func (f *Facts) ImportsName(name string) bool {
	_, ok := slices.BinarySearchFunc(f.Imports, name, func(i Import, n string) int { return strings.Compare(i.Name, n) })
	return ok
}

// Defines reports whether name is a defined symbol (exported or, when
// the binary is not stripped, in its full symbol table).
func (f *Facts) Defines(name string) bool {
	if _, ok := slices.BinarySearch(f.Exports, name); ok {
		return true
	}
	_, ok := slices.BinarySearch(f.LocalNames, name)
	return ok
}
