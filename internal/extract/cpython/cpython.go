// Package cpython reads an installed CPython (a prefix such as a pyenv
// version or /usr, or the prefix of an interpreter) from its files, for
// the SBOM: its exact version and build configuration, the libraries
// CPython vendors and compiled in (expat in pyexpat, libmpdec in
// _decimal, HACL* in the hash modules, libb2 in _blake2), the lib-dynload
// extension modules, the shared libraries the interpreter and each module
// link (resolved as the dynamic loader would, each identified from its
// bytes and, through the caller, by the package that installed it), and
// the wheels bundled in ensurepip.
//
// Nothing is imported or run: _sysconfigdata_*.py is read as text,
// patchlevel.h as a header, binaries with package elffile.
package cpython

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/libver"
	"github.com/pysbom/pysbom/internal/parallel"
)

// Build is an installed CPython as its files show it.
type Build struct {
	Prefix  string // the installation prefix (real path)
	Exe     string // the interpreter executable (real path), "" when none
	Minor   string // "3.11"
	Version string // "3.11.7"; "" when no file told
	// VersionFrom names the file the version was read from.
	VersionFrom string
	Vars        map[string]string // selected sysconfig build variables
	Modules     []*Binary         // lib-dynload extension modules, sorted
	Core        []*Binary         // the executable and libpython
	Wheels      []string          // ensurepip/_bundled/*.whl
	// SourceSBOM is CPython's Misc/sbom.spdx.json of the source tree
	// beside the build, when there is one; Source its packages by name.
	SourceSBOM string
	Source     map[string]sourcePackage
	Problems   []inventory.Problem
	libs       *syslib.Set     // the shared libraries CPython links, shared with the rest of the target
	files      syslib.Files    // the host's, or an image's
	ctx        context.Context // stops reading binaries when cancelled
	seen       func(path string, f *elffile.File, strs []byte)
}

// Binary is one of CPython's own binaries.
type Binary struct {
	Path     string // real path
	Name     string // module name ("_ssl"), or the file name of a core binary
	Needed   []string
	Links    []string       // real paths of the libraries it links (resolved NEEDED)
	Vendored []libver.Match // libraries compiled in (expat, mpdecimal, ...)
	HACL     bool           // HACL* code compiled in
	Blake2   bool           // CPython's copy of libb2 compiled in
	SHA1     []byte
	SHA256   []byte
	Size     int64
}

var patchRE = regexp.MustCompile(`(?m)^#define\s+PY_VERSION\s+"([^"]+)"`)

// Inspect reads the CPython of prefix (minor "3.11") in files (the
// host's, or an image's); exe is its interpreter when known. The shared
// libraries its binaries link are added to libs. It never fails as a
// whole: what cannot be read is a problem, and the rest is kept.
//
// seen, when not nil, is given each ELF binary read (the executable,
// libpython, lib-dynload modules) while it is in memory, by its path,
// parsed with its DWARF, with the strings of its data sections: report
// audits it there.
func Inspect(ctx context.Context, files syslib.Files, prefix, exe, minor string, libs *syslib.Set, seen func(path string, f *elffile.File, strs []byte)) *Build {
	b := &Build{Minor: minor, libs: libs, Vars: map[string]string{}, ctx: ctx, files: files, seen: seen}
	if real, err := files.Real(prefix); err == nil {
		prefix = real
	}
	b.Prefix = prefix
	if exe != "" {
		if real, err := files.Real(exe); err == nil {
			b.Exe = real
		}
	}
	stdlib := filepath.Join(prefix, "lib", "python"+minor)
	b.readVersion(prefix, stdlib)
	b.readSysconfig(stdlib)
	if b.Exe != "" {
		b.core(b.Exe)
	}
	b.modules(filepath.Join(stdlib, "lib-dynload"))
	b.Wheels = syslib.Glob(files, filepath.Join(stdlib, "ensurepip", "_bundled", "*.whl"))
	b.readSource()
	return b
}

func (b *Build) problem(kind inventory.ProblemKind, path, format string, args ...any) {
	b.Problems = append(b.Problems, inventory.Problem{Kind: kind, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (b *Build) readVersion(prefix, stdlib string) {
	h := filepath.Join(prefix, "include", "python"+b.Minor, "patchlevel.h")
	if data, err := b.files.ReadFile(h); err == nil {
		if m := patchRE.FindSubmatch(data); m != nil {
			b.Version, b.VersionFrom = string(m[1]), h
		}
	}
}

func (b *Build) readSysconfig(stdlib string) {
	files := syslib.Glob(b.files, filepath.Join(stdlib, "_sysconfigdata_*.py"))
	if len(files) == 0 {
		return
	}
	data, err := b.files.ReadFile(files[0])
	if err != nil {
		b.problem(inventory.Unreadable, files[0], "cannot read: %v", err)
		return
	}
	vars := parseSysconfig(string(data))
	for _, k := range buildVars {
		if v, ok := vars[k]; ok && v != "" {
			b.Vars[k] = v
		}
	}
	if b.Version == "" {
		if v := vars["VERSION"]; v != "" && b.Minor == "" {
			b.Minor = v
		}
	}
}

// core reads the executable and, through it, libpython.
func (b *Build) core(path string) {
	bin := b.coreBinary(path)
	if bin == nil {
		return
	}
	b.Core = append(b.Core, bin)
	for _, l := range bin.Links {
		if strings.HasPrefix(filepath.Base(l), "libpython") {
			// libpython is CPython itself, not a dependency.
			b.libs.Remove(l)
			if lp := b.coreBinary(l); lp != nil {
				b.Core = append(b.Core, lp)
			}
		}
	}
}

func (b *Build) modules(dir string) {
	entries, err := b.files.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			b.problem(inventory.Unreadable, dir, "cannot list lib-dynload: %v", err)
		}
		return
	}
	type job struct{ path, name string }
	var jobs []job
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".so") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		real, err := b.files.Real(p)
		if err != nil {
			b.problem(inventory.MissingFile, p, "broken symbolic link in lib-dynload: %v", err)
			continue
		}
		name, _, _ := strings.Cut(e.Name(), ".")
		jobs = append(jobs, job{real, name})
	}
	// Reading, hashing and fingerprinting run in parallel; resolving
	// the links, which shares the library table, runs after, in order.
	read := make([]*readResult, len(jobs))
	parallel.For(b.ctx, len(jobs), 0, func(i int) { read[i] = b.readBinary(jobs[i].path, jobs[i].name) })
	if b.ctx.Err() != nil {
		return // cancelled: some were not read
	}
	for _, r := range read {
		if bin := b.finish(r); bin != nil {
			b.Modules = append(b.Modules, bin)
		}
	}
}

// sbomParse reads what the SBOM needs of a binary: not its DWARF.
var sbomParse = elffile.Options{NoDWARF: true}

type readResult struct {
	bin *Binary
	f   *elffile.File
	err error
}

// readBinary reads one of CPython's binaries: hashes, and what is
// compiled in.
func (b *Build) readBinary(path, name string) *readResult {
	data, err := b.files.ReadFile(path)
	if err != nil {
		return &readResult{err: err, bin: &Binary{Path: path, Name: name}}
	}
	s1, s256 := sha1.Sum(data), sha256.Sum256(data)
	bin := &Binary{Path: path, Name: name, SHA1: s1[:], SHA256: s256[:], Size: int64(len(data))}
	opt := sbomParse
	if b.seen != nil {
		opt = elffile.Options{} // the audit reads the DWARF
	}
	f, err := elffile.ParseWith(path, bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		return &readResult{bin: bin, err: err}
	}
	bin.Needed = f.Dynamic.Needed
	strs := libver.Strings(f)
	if b.seen != nil {
		b.seen(path, f, strs)
	}
	for _, m := range libver.Scan(&f.Facts, strs, filepath.Base(path)) {
		switch m.Name {
		case "expat", "mpdecimal", "libffi", "sqlite", "zlib", "openssl", "bzip2", "xz":
			if (m.Version != "" || m.Confidence == libver.Low) && m.Contained() {
				bin.Vendored = append(bin.Vendored, m)
			}
		}
	}
	bin.HACL = slices.ContainsFunc(f.LocalNames, func(n string) bool { return strings.HasPrefix(n, "Hacl_") || strings.Contains(n, "_Hacl_") }) ||
		slices.ContainsFunc(f.Exports, func(n string) bool { return strings.HasPrefix(n, "Hacl_") })
	bin.Blake2 = slices.ContainsFunc(f.LocalNames, func(n string) bool { return strings.HasPrefix(n, "PyBlake2_") }) &&
		!slices.ContainsFunc(bin.Needed, func(n string) bool { return strings.HasPrefix(n, "libb2.") })
	return &readResult{bin: bin, f: f}
}

// finish records a read binary's problem or resolves its links.
func (b *Build) finish(r *readResult) *Binary {
	var fe *elffile.FormatError
	switch {
	case r.err != nil && errors.As(r.err, &fe):
		b.problem(inventory.BadBinary, r.bin.Path, "cannot parse: %s", fe.Msg)
		return r.bin
	case r.err != nil:
		b.problem(inventory.Unreadable, r.bin.Path, "cannot read: %v", r.err)
		return nil
	}
	d := r.f.Dynamic
	r.bin.Links = b.libs.Link(r.bin.Path, "CPython", d.Needed, d.RPath, d.RunPath, nil)
	return r.bin
}

// binary reads one binary and resolves its links.
// coreBinary reads the executable or libpython; when no header gave the
// version, it is PY_VERSION in their strings: a line of its own starting
// with the minor version.
func (b *Build) coreBinary(path string) *Binary {
	r := b.readBinary(path, filepath.Base(path))
	if b.Version == "" && b.Minor != "" && r.f != nil {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(b.Minor) + `\.\d+(?:(?:a|b|rc)\d+)?\+?$`)
		if m := re.Find(libver.Strings(r.f)); m != nil {
			b.Version, b.VersionFrom = string(m), path
		}
	}
	return b.finish(r)
}
