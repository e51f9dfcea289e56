// Package lang tells which languages a native binary was written in, which
// signals said so, and how much of its code (by function size) is in a
// memory-safe language.
//
// The signals and their strengths are those of specs/native-audit.md §(d):
// section names, .comment toolchain strings, symbol names and manglings,
// and paths the compiler leaves in read-only data.
package lang

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/native/binfacts"
)

// Language names.
const (
	Rust    = "Rust"
	Go      = "Go"
	CPP     = "C++"
	C       = "C"
	Fortran = "Fortran"
	Zig     = "Zig"
)

// Generator names: code generators whose output is C or C++ (or Rust for PyO3).
const (
	Cython   = "Cython"
	Mypyc    = "mypyc"
	PyO3     = "PyO3"
	Pybind11 = "pybind11"
	Nanobind = "nanobind"
)

// MemorySafe reports whether code in language l is memory-safe.
func MemorySafe(l string) bool { return l == Rust || l == Go }

// Finding is one language or generator with the signals that fired.
type Finding struct {
	Name    string
	Signals []string
}

// Result is what [Detect] found.
type Result struct {
	Languages  []Finding // sorted by name; C is listed when C code is present or nothing else is
	Generators []Finding
	// Bytes is the size of defined functions by language; nil when the
	// file has no symbol table to measure with.
	Bytes map[string]uint64
}

// Has reports whether language l was detected.
func (r Result) Has(l string) bool {
	return slices.ContainsFunc(r.Languages, func(f Finding) bool { return f.Name == l })
}

// Total is the measured function bytes.
func (r Result) Total() uint64 {
	var n uint64
	for _, b := range r.Bytes {
		n += b
	}
	return n
}

// SafeBytes is the measured function bytes in memory-safe languages.
func (r Result) SafeBytes() uint64 {
	var n uint64
	for l, b := range r.Bytes {
		if MemorySafe(l) {
			n += b
		}
	}
	return n
}

// PureMemorySafe reports whether the code is, by measurement, entirely in
// memory-safe languages apart from toolchain start-up stubs (under 1% of
// the function bytes). Without a symbol table it is false: the share is
// not known.
func (r Result) PureMemorySafe() bool {
	t := r.Total()
	return t > 0 && r.SafeBytes()*100 >= t*99
}

type detector struct {
	signals map[string][]string
}

func (d *detector) add(lang, signal string) {
	if !slices.Contains(d.signals[lang], signal) {
		d.signals[lang] = append(d.signals[lang], signal)
	}
}

// Detect examines f; strs are the printable strings of its data sections
// (package libver's Strings; may be nil), where compilers leave source
// paths and panic texts.
func Detect(f *binfacts.Facts, strs []byte) Result {
	d := &detector{signals: map[string][]string{}}
	if _, ok := f.SectionByName(".dep-v0"); ok {
		d.add(Rust, "section .dep-v0 (cargo-auditable)")
	}
	for _, c := range f.Comment {
		switch {
		case strings.HasPrefix(c, "rustc version"):
			d.add(Rust, ".comment: "+c)
		case strings.HasPrefix(c, "GCC:"), strings.Contains(c, "clang version"):
			// C toolchains also link Rust and C++; not a language signal on its own.
		case strings.HasPrefix(c, "Go cmd/compile"):
			d.add(Go, ".comment: "+c)
		}
	}
	for _, s := range []string{".go.buildinfo", ".gopclntab", ".note.go.buildid"} {
		if _, ok := f.SectionByName(s); ok {
			d.add(Go, "section "+s)
		}
	}
	for _, n := range f.Needed {
		switch {
		case strings.HasPrefix(n, "libstdc++.so"), strings.HasPrefix(n, "libc++.so"):
			d.add(CPP, "NEEDED "+n)
		case strings.HasPrefix(n, "libgfortran.so"):
			d.add(Fortran, "NEEDED "+n)
		}
	}
	d.symbols(f)
	d.rodata(strs)

	r := Result{}
	if len(f.Funcs) > 0 && f.HasSymtab {
		goOnly := d.signals[Go] != nil && !cToolchain(f.Comment)
		r.Bytes = measure(f.Funcs, d.signals[Go] != nil, goOnly)
		if r.Bytes[C] > 0 && d.signals[C] == nil && r.Bytes[C]*100 >= r.Total() {
			d.add(C, "functions with C names ("+pct(r.Bytes[C], r.Total())+" of code)")
		}
	}
	langs := []string{Rust, Go, CPP, Fortran, Zig}
	other := false
	for _, l := range langs {
		if s := d.signals[l]; s != nil {
			r.Languages = append(r.Languages, Finding{l, s})
			other = true
		}
	}
	if s := d.signals[C]; s != nil {
		r.Languages = append(r.Languages, Finding{C, s})
	} else if !other {
		r.Languages = append(r.Languages, Finding{C, []string{"no other language's markers"}})
	}
	slices.SortFunc(r.Languages, func(a, b Finding) int { return strings.Compare(a.Name, b.Name) })
	for _, g := range []string{Cython, Mypyc, Nanobind, PyO3, Pybind11} {
		if s := d.signals[g]; s != nil {
			r.Generators = append(r.Generators, Finding{g, s})
		}
	}
	return r
}

func pct(a, t uint64) string {
	if t == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", float64(a)*100/float64(t))
}

func (d *detector) symbols(f *binfacts.Facts) {
	see := func(name, where string) {
		switch {
		case name == "rust_eh_personality", strings.HasPrefix(name, "__rust_"), strings.HasPrefix(name, "__rdl_"), strings.HasPrefix(name, "__rg_"):
			d.add(Rust, where+" "+name)
		case RustMangled(name):
			d.add(Rust, where+" Rust-mangled names")
		case name == "runtime.main", name == "runtime.goexit":
			d.add(Go, where+" "+name)
		case name == "__gxx_personality_v0", strings.HasPrefix(name, "__cxa_") && !cRuntime(name):
			d.add(CPP, where+" "+name)
		case strings.HasPrefix(name, "_ZN8pybind11"):
			d.add(Pybind11, where+" pybind11 names")
		case strings.Contains(name, "nanobind"):
			d.add(Nanobind, where+" nanobind names")
		case strings.HasPrefix(name, "_Z"):
			d.add(CPP, where+" Itanium-mangled names")
		case strings.HasPrefix(name, "_gfortran_"):
			d.add(Fortran, where+" "+name)
		case strings.HasPrefix(name, "__zig_"):
			d.add(Zig, where+" "+name)
		case strings.HasPrefix(name, "__pyx_"), strings.HasPrefix(name, "__Pyx_"):
			d.add(Cython, where+" __pyx_ names")
		case strings.HasPrefix(name, "CPyStatic_"), strings.HasPrefix(name, "CPyDef_"):
			d.add(Mypyc, where+" CPyDef_/CPyStatic_ names")
		}
	}
	for _, im := range f.Imports {
		see(im.Name, "imports")
	}
	for _, n := range f.Exports {
		see(n, "exports")
	}
	for _, n := range f.LocalNames {
		see(n, "symbols")
	}
	if strings.Contains(f.Path, "__mypyc") {
		d.add(Mypyc, "file name *__mypyc*")
	}
}

func (d *detector) rodata(b []byte) {
	if len(b) == 0 {
		return
	}
	for _, m := range []struct{ lang, marker, signal string }{
		{Rust, "/rustc/", "read-only data: /rustc/<commit>/library paths"},
		{Rust, "/rustlib/src/rust/library/", "read-only data: rustlib source paths"},
		{Rust, ".cargo/registry/src/", "read-only data: Cargo registry paths"},
		{Rust, "called `Option::unwrap()` on a `None` value", "read-only data: Rust panic messages"},
		{PyO3, "/pyo3-", "read-only data: pyo3 crate paths"},
	} {
		if i := bytes.Index(b, []byte(m.marker)); i >= 0 {
			if m.marker == "/rustc/" && !rustcCommitPath(b[i+len(m.marker):]) {
				continue
			}
			d.add(m.lang, m.signal)
		}
	}
}

// cRuntime reports the __cxa_ functions that C start-up code uses too.
func cRuntime(name string) bool {
	return name == "__cxa_finalize" || name == "__cxa_atexit" || name == "__cxa_thread_atexit_impl"
}

// rustcCommitPath reports whether b starts with a 40-hex commit and "/library/".
func rustcCommitPath(b []byte) bool {
	if len(b) < 49 {
		return false
	}
	for _, c := range b[:40] {
		if !isHex(c) {
			return false
		}
	}
	return bytes.HasPrefix(b[40:], []byte("/library/"))
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// RustMangled reports whether name is a Rust symbol: v0 mangling (_R
// followed by an upper-case tag) or legacy mangling (_ZN…17h<16 hex>E,
// optionally followed by a suffix such as .llvm.N or .0).
func RustMangled(name string) bool {
	if len(name) > 3 && name[0] == '_' && name[1] == 'R' && name[2] >= 'A' && name[2] <= 'Z' {
		return true
	}
	if !strings.HasPrefix(name, "_ZN") {
		return false
	}
	for rest := name[3:]; ; {
		k := strings.Index(rest, "17h")
		if k < 0 {
			return false
		}
		h := rest[k+3:]
		if len(h) >= 17 && allHex(h[:16]) && h[16] == 'E' && (len(h) == 17 || h[17] == '.') {
			return true
		}
		rest = rest[k+3:]
	}
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// goName reports whether a function name is Go's package-qualified form
// (runtime.main, fmt.(*pp).doPrintf, type:.eq.[2]string) rather than a C
// name with a compiler suffix (.cold, .part.0, .isra.0, .constprop.0).
func goName(n string) bool {
	i := strings.IndexByte(n, '.')
	if i <= 0 {
		return false
	}
	for _, s := range []string{".cold", ".part.", ".isra.", ".constprop.", ".lto_priv.", ".llvm."} {
		if strings.Contains(n, s) {
			return false
		}
	}
	return true
}

// cToolchain reports whether a C compiler left its mark in .comment. The
// Go linker writes no .comment; a cgo binary linked by gcc or clang does.
func cToolchain(comment []string) bool {
	return slices.ContainsFunc(comment, func(c string) bool {
		return strings.HasPrefix(c, "GCC:") || strings.Contains(c, "clang version")
	})
}

// measure sums function sizes by language. In a Go binary without a C
// toolchain (no cgo) the assembly functions of the runtime, which have
// undotted names, are Go's too.
func measure(funcs []binfacts.Func, goDetected, goOnly bool) map[string]uint64 {
	out := map[string]uint64{}
	for _, fn := range funcs {
		n := fn.Name
		var l string
		switch {
		case RustMangled(n), strings.HasPrefix(n, "__rust_"), strings.HasPrefix(n, "__rdl_"), strings.HasPrefix(n, "__rg_"), n == "rust_eh_personality", strings.HasPrefix(n, "rust_"):
			l = Rust
		case goOnly, goDetected && goName(n):
			l = Go
		case strings.HasPrefix(n, "_Z"):
			l = CPP
		default:
			l = C
		}
		out[l] += fn.Size
	}
	return out
}
