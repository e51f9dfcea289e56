// Package elffile reads the facts of an ELF binary that the hardening
// checks, language detection and library fingerprints need: kind, program
// headers, dynamic tags, imported and defined symbols, version
// definitions, .comment strings and GNU property notes.
//
// It wraps [debug/elf] and reads everything it exposes into plain values
// once, in [Parse]; section contents are read on demand with [File.Section].
//
// # Security
//
// Binaries come from wheels and other untrusted input. debug/elf documents
// that it may panic on malformed files; every call into it is guarded by a
// recover that turns the panic into a [*FormatError] naming the file. Sizes
// are capped: a file over [MaxFileSize], a section or symbol table larger
// than the file, or more than [MaxSymbols] symbols is refused as malformed.
package elffile

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/binfacts"
)

// Caps on what one binary may make us read.
const (
	MaxFileSize = 2 << 30   // 2 GiB
	MaxSymbols  = 4_000_000 // per table
)

// FormatError reports a malformed binary: ELF here, Mach-O and PE in
// their packages (one type, so that callers tell malformed input from
// other errors whatever the format).
type FormatError = binfacts.FormatError

// ErrNotELF is returned (wrapped) by [Parse] for input without the ELF magic.
var ErrNotELF = errors.New("not an ELF file")

// Magic reports whether b starts with the ELF magic number.
func Magic(b []byte) bool { return bytes.HasPrefix(b, []byte(elf.ELFMAG)) }

// Prog is one program header.
type Prog struct {
	Type   elf.ProgType
	Flags  elf.ProgFlag
	Off    uint64
	Filesz uint64
}

// Section, Import and Func are the format-neutral ones.
type (
	Section = binfacts.Section
	Import  = binfacts.Import
	Func    = binfacts.Func
)

// Dynamic holds the dynamic-section facts.
type Dynamic struct {
	Present bool
	Flags   uint64 // DT_FLAGS
	Flags1  uint64 // DT_FLAGS_1
	BindNow bool   // DT_BIND_NOW tag present
	TextRel bool   // DT_TEXTREL tag present
	Debug   bool   // DT_DEBUG tag present
	SONAME  string
	Needed  []string
	RPath   []string // DT_RPATH entries, split on ':'
	RunPath []string // DT_RUNPATH entries, split on ':'
}

// Property holds the GNU property note's feature bits.
type Property struct {
	Present    bool
	X86        uint32 // GNU_PROPERTY_X86_FEATURE_1_AND: 1 IBT, 2 SHSTK
	X86Set     bool
	AArch64    uint32 // GNU_PROPERTY_AARCH64_FEATURE_1_AND: 1 BTI, 2 PAC
	AArch64Set bool
}

// File is the parsed facts of one ELF binary.
type File struct {
	binfacts.Facts // Path, Size, Sections, symbols, .comment, version definitions

	Class   elf.Class
	Machine elf.Machine
	Type    elf.Type
	Interp  bool // PT_INTERP present

	Progs   []Prog
	Dynamic Dynamic // Facts.Needed is Dynamic.Needed

	Property Property
	BuildID  string
	// Producers are the DW_AT_producer strings of the C and C++ compile
	// units (compiler and its flags), one per unit, when the file has
	// DWARF; ProducerUnits counts every unit read, any language.
	Producers     []string
	ProducerUnits int

	r io.ReaderAt
	c io.Closer
}

// Options choose what is read beyond the headers, dynamic section,
// symbols, version definitions, .comment and notes.
type Options struct {
	// NoDWARF leaves the DWARF compile units unread (Producers stays
	// empty): for a binary built with -g, the most expensive part to read,
	// and only the hardening audit needs it.
	NoDWARF bool
}

// Open parses the ELF file at path. Close releases it.
func Open(path string) (*File, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, opt Options) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := ParseWith(path, fh, st.Size(), opt)
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.c = fh
	return f, nil
}

// Close closes the file opened by [Open]; it is a no-op after [Parse].
func (f *File) Close() error {
	if f.c == nil {
		return nil
	}
	return f.c.Close()
}

// Parse reads the facts of the ELF binary of size bytes in r; name is used
// in errors. The returned File keeps r for [File.Section].
func Parse(name string, r io.ReaderAt, size int64) (*File, error) {
	return ParseWith(name, r, size, Options{})
}

// ParseWith is Parse with options.
func ParseWith(name string, r io.ReaderAt, size int64, opt Options) (f *File, err error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || !Magic(magic[:]) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotELF)
	}
	if size > MaxFileSize {
		return nil, &FormatError{Path: name, Msg: fmt.Sprintf("file of %d bytes is over the %d-byte limit", size, MaxFileSize)}
	}
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, &FormatError{Path: name, Msg: fmt.Sprint("debug/elf: ", p)}
		}
	}()
	sr := io.NewSectionReader(r, 0, size)
	ef, err := elf.NewFile(sr)
	if err != nil {
		return nil, &FormatError{Path: name, Msg: describe(err, size)}
	}
	f = &File{Facts: binfacts.Facts{Path: name, Size: size}, Class: ef.Class, Machine: ef.Machine, Type: ef.Type, r: sr}
	if err := f.read(ef, opt); err != nil {
		return nil, &FormatError{Path: name, Msg: describe(err, size)}
	}
	return f, nil
}

// describe words a debug/elf error; a bare EOF means the headers point
// past the end of the file.
func describe(err error, size int64) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("truncated: its headers point past the end of the file (%d bytes)", size)
	}
	return err.Error()
}

func (f *File) read(ef *elf.File, opt Options) error {
	for i, p := range ef.Progs {
		if p.Filesz > 0 && (p.Off > uint64(f.Size) || p.Filesz > uint64(f.Size)-p.Off) {
			return fmt.Errorf("program header %d (%s) claims bytes %d to %d of a %d-byte file", i, p.Type, p.Off, p.Off+p.Filesz, f.Size)
		}
		f.Progs = append(f.Progs, Prog{p.Type, p.Flags, p.Off, p.Filesz})
		if p.Type == elf.PT_INTERP {
			f.Interp = true
		}
	}
	for _, s := range ef.Sections {
		// FileSize is the size on disk (a compressed section's Size is
		// what it holds uncompressed).
		if s.Type != elf.SHT_NOBITS && s.Type != elf.SHT_NULL && (s.Offset > uint64(f.Size) || s.FileSize > uint64(f.Size)-s.Offset) {
			return fmt.Errorf("section %q claims bytes %d to %d of a %d-byte file", s.Name, s.Offset, s.Offset+s.FileSize, f.Size)
		}
		f.Sections = append(f.Sections, Section{Name: s.Name, Type: s.Type, Flags: s.Flags, Addr: s.Addr, Off: s.Offset, Size: s.Size})
	}
	if err := f.readDynamic(ef); err != nil {
		return err
	}
	if err := f.readSymbols(ef); err != nil {
		return err
	}
	if vd, err := ef.DynamicVersions(); err == nil {
		for _, v := range vd {
			if v.Flags&elf.VER_FLG_BASE == 0 {
				f.VerDefs = append(f.VerDefs, v.Name)
			}
		}
	}
	if b, ok := f.sectionData(ef, ".comment"); ok {
		for _, s := range bytes.Split(b, []byte{0}) {
			if s := strings.TrimSpace(string(s)); s != "" && !slices.Contains(f.Comment, s) {
				f.Comment = append(f.Comment, s)
			}
		}
	}
	f.readNotes(ef)
	if !opt.NoDWARF {
		f.readProducers(ef)
	}
	return nil
}

// MaxUnits caps the DWARF compile units read for their producers.
const MaxUnits = 20000

// readProducers reads DW_AT_producer of the compile units of C and C++
// code (GCC records its options there by default; clang with
// -grecord-command-line). A malformed .debug_info is not an error: the
// binary's producers are then unknown.
func (f *File) readProducers(ef *elf.File) {
	if ef.Section(".debug_info") == nil && ef.Section(".zdebug_info") == nil {
		return
	}
	defer func() {
		if recover() != nil {
			f.Producers, f.ProducerUnits = nil, 0
		}
	}()
	d, err := ef.DWARF()
	if err != nil {
		return
	}
	r := d.Reader()
	for f.ProducerUnits < MaxUnits {
		e, err := r.Next()
		if err != nil || e == nil {
			return
		}
		if e.Tag != dwarf.TagCompileUnit {
			r.SkipChildren()
			continue
		}
		f.ProducerUnits++
		if lang, _ := e.Val(dwarf.AttrLanguage).(int64); !cLanguage(lang) {
			r.SkipChildren()
			continue
		}
		if p, ok := e.Val(dwarf.AttrProducer).(string); ok {
			f.Producers = append(f.Producers, p)
		}
		r.SkipChildren()
	}
}

// cLanguage reports DW_LANG values of C and C++.
func cLanguage(l int64) bool {
	switch l {
	// C89, C, C++, C99, ObjC, ObjC++, C++03, C++11, C11, C++14, C++17, C++20, C17
	case 0x1, 0x2, 0x4, 0xc, 0x10, 0x11, 0x19, 0x1a, 0x1d, 0x21, 0x2a, 0x2b, 0x2c:
		return true
	}
	return false
}

func (f *File) readDynamic(ef *elf.File) error {
	d := &f.Dynamic
	if ef.SectionByType(elf.SHT_DYNAMIC) == nil {
		for _, p := range f.Progs {
			d.Present = d.Present || p.Type == elf.PT_DYNAMIC
		}
		return nil
	}
	d.Present = true
	first := func(t elf.DynTag) (uint64, bool) {
		v, err := ef.DynValue(t)
		if err != nil || len(v) == 0 {
			return 0, false
		}
		return v[0], true
	}
	d.Flags, _ = first(elf.DT_FLAGS)
	d.Flags1, _ = first(elf.DT_FLAGS_1)
	if v, _ := ef.DynValue(elf.DT_BIND_NOW); len(v) > 0 {
		d.BindNow = true
	}
	if v, _ := ef.DynValue(elf.DT_TEXTREL); len(v) > 0 {
		d.TextRel = true
	}
	if v, _ := ef.DynValue(elf.DT_DEBUG); len(v) > 0 {
		d.Debug = true
	}
	if s, _ := ef.DynString(elf.DT_SONAME); len(s) > 0 {
		d.SONAME = s[0]
	}
	d.Needed, _ = ef.DynString(elf.DT_NEEDED)
	split := func(t elf.DynTag) []string {
		var out []string
		ss, _ := ef.DynString(t)
		for _, s := range ss {
			out = append(out, strings.Split(s, ":")...)
		}
		return out
	}
	d.RPath, d.RunPath = split(elf.DT_RPATH), split(elf.DT_RUNPATH)
	f.Needed = d.Needed
	f.Facts.SONAME = d.SONAME
	return nil
}

func (f *File) readSymbols(ef *elf.File) error {
	if s := ef.SectionByType(elf.SHT_DYNSYM); s != nil {
		if s.Size/24 > MaxSymbols {
			return fmt.Errorf(".dynsym has over %d symbols", MaxSymbols)
		}
		dyn, err := ef.DynamicSymbols()
		if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
			return fmt.Errorf("read .dynsym: %w", err)
		}
		for _, s := range dyn {
			if s.Name == "" {
				continue
			}
			if s.Section == elf.SHN_UNDEF {
				f.Imports = append(f.Imports, Import{Name: s.Name, Version: s.Version, Library: s.Library, Weak: elf.ST_BIND(s.Info) == elf.STB_WEAK})
			} else {
				f.Exports = append(f.Exports, s.Name)
			}
		}
		if f.Funcs == nil {
			f.Funcs = funcs(dyn)
		}
	}
	if s := ef.SectionByType(elf.SHT_SYMTAB); s != nil {
		if s.Size/24 > MaxSymbols {
			return fmt.Errorf(".symtab has over %d symbols", MaxSymbols)
		}
		syms, err := ef.Symbols()
		if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
			return fmt.Errorf("read .symtab: %w", err)
		}
		f.HasSymtab = len(syms) > 0
		if f.HasSymtab {
			f.Funcs = funcs(syms)
			for _, s := range syms {
				if s.Section != elf.SHN_UNDEF && s.Name != "" {
					switch elf.ST_TYPE(s.Info) {
					case elf.STT_FUNC, elf.STT_OBJECT:
						f.LocalNames = append(f.LocalNames, s.Name)
					}
				}
			}
		}
	}
	slices.SortFunc(f.Imports, func(a, b Import) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(f.Exports)
	slices.Sort(f.LocalNames)
	f.LocalNames = slices.Compact(f.LocalNames)
	return nil
}

func funcs(syms []elf.Symbol) []Func {
	var out []Func
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Section != elf.SHN_UNDEF && s.Name != "" {
			out = append(out, Func{Name: s.Name, Size: s.Size})
		}
	}
	return out
}

// readNotes reads the GNU property note and the build ID.
func (f *File) readNotes(ef *elf.File) {
	for _, s := range ef.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		b, ok := f.sectionData(ef, s.Name)
		if !ok {
			continue
		}
		f.parseNotes(ef.ByteOrder, b)
	}
}

// parseNotes walks ELF notes in b: namesz, descsz, type, name, desc, each
// padded to 4 bytes (8 for the descriptor of GNU property notes on ELF64).
func (f *File) parseNotes(bo binary.ByteOrder, b []byte) {
	align := uint64(4)
	for len(b) >= 12 {
		namesz, descsz, typ := uint64(bo.Uint32(b)), uint64(bo.Uint32(b[4:])), bo.Uint32(b[8:])
		b = b[12:]
		nameEnd := (namesz + 3) &^ 3
		if nameEnd > uint64(len(b)) {
			return
		}
		name := strings.TrimRight(string(b[:namesz]), "\x00")
		b = b[nameEnd:]
		if descsz > uint64(len(b)) {
			return
		}
		desc := b[:descsz]
		if name == "GNU" && typ == 5 && f.Class == elf.ELFCLASS64 {
			align = 8
		}
		step := (descsz + align - 1) &^ (align - 1)
		if step > uint64(len(b)) {
			step = uint64(len(b))
		}
		b = b[step:]
		if name != "GNU" {
			continue
		}
		switch typ {
		case 3: // NT_GNU_BUILD_ID
			f.BuildID = fmt.Sprintf("%x", desc)
		case 5: // NT_GNU_PROPERTY_TYPE_0
			f.parseProperties(bo, desc)
		}
	}
}

func (f *File) parseProperties(bo binary.ByteOrder, d []byte) {
	f.Property.Present = true
	pad := uint64(4)
	if f.Class == elf.ELFCLASS64 {
		pad = 8
	}
	for len(d) >= 8 {
		typ, sz := bo.Uint32(d), uint64(bo.Uint32(d[4:]))
		d = d[8:]
		if sz > uint64(len(d)) {
			return
		}
		if sz >= 4 {
			v := bo.Uint32(d)
			switch typ {
			case 0xc0000002:
				f.Property.X86, f.Property.X86Set = v, true
			case 0xc0000000:
				f.Property.AArch64, f.Property.AArch64Set = v, true
			}
		}
		step := (sz + pad - 1) &^ (pad - 1)
		if step > uint64(len(d)) {
			return
		}
		d = d[step:]
	}
}

// sectionData returns the contents of the named section, refusing sizes
// larger than the file.
func (f *File) sectionData(ef *elf.File, name string) ([]byte, bool) {
	s := ef.Section(name)
	if s == nil || s.Type == elf.SHT_NOBITS || s.Size > uint64(f.Size) {
		return nil, false
	}
	b, err := s.Data()
	return b, err == nil
}

// Section reads the raw bytes of the named section (uncompressed sections
// only). It returns false when the section is absent, empty or outside the
// file.
func (f *File) Section(name string) ([]byte, bool) {
	s, ok := f.SectionByName(name)
	if !ok {
		return nil, false
	}
	return f.Read(s)
}

// Read reads the raw bytes of section s.
func (f *File) Read(s Section) ([]byte, bool) { return f.AppendSection(nil, s) }

// AppendSection appends the raw bytes of section s to dst (read straight
// into it when it has room).
func (f *File) AppendSection(dst []byte, s Section) ([]byte, bool) {
	if s.Type == elf.SHT_NOBITS || s.Size == 0 || s.Off > uint64(f.Size) || s.Size > uint64(f.Size)-s.Off {
		return dst, false
	}
	n := len(dst)
	dst = slices.Grow(dst, int(s.Size))[:n+int(s.Size)]
	if _, err := f.r.ReadAt(dst[n:], int64(s.Off)); err != nil {
		return dst[:n], false
	}
	return dst, true
}
