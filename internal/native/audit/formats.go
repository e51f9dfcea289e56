package audit

import (
	"errors"
	"io"
	"os"
	"path"

	"github.com/pysbom/pysbom/internal/native/binfacts"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/native/harden"
	"github.com/pysbom/pysbom/internal/native/lang"
	"github.com/pysbom/pysbom/internal/native/libver"
	"github.com/pysbom/pysbom/internal/native/machofile"
	"github.com/pysbom/pysbom/internal/native/pefile"
)

// ErrNotBinary is returned for a file that is not ELF, Mach-O or PE.
var ErrNotBinary = errors.New("not a native binary")

// format tells ELF, Mach-O and PE apart by their magic numbers.
func format(magic []byte) string {
	switch {
	case elffile.Magic(magic):
		return "ELF"
	case machofile.Magic(magic):
		return "Mach-O"
	case pefile.Magic(magic):
		return "PE"
	}
	return ""
}

// examineReader audits the binary of size bytes in r, shown as rel: one
// Binary, or one per architecture of a universal Mach-O file. A malformed
// binary gives a Binary with Error set; a file of no known format gives
// ErrNotBinary.
func examineReader(rel string, r io.ReaderAt, size int64) ([]*Binary, error) {
	var magic [4]byte
	n, _ := r.ReadAt(magic[:], 0)
	form := format(magic[:n])
	malformed := func(err error) ([]*Binary, error) {
		var fe *elffile.FormatError
		if errors.As(err, &fe) {
			return []*Binary{{Path: rel, Format: form, Error: "malformed " + form + ": " + fe.Msg}}, nil
		}
		if errors.Is(err, elffile.ErrNotELF) || errors.Is(err, machofile.ErrNotMachO) || errors.Is(err, pefile.ErrNotPE) {
			return nil, ErrNotBinary
		}
		return nil, err
	}
	switch form {
	case "ELF":
		f, err := elffile.Parse(rel, r, size)
		if err != nil {
			return malformed(err)
		}
		return []*Binary{examineAll(f, rel)}, nil
	case "Mach-O":
		reps, err := machofile.Examine(rel, r, size)
		if err != nil {
			return malformed(err)
		}
		var out []*Binary
		for _, rep := range reps {
			p := rel
			if len(reps) > 1 {
				p += "#" + rep.Arch
			}
			b := foreign(p, "Mach-O", rep.Arch, rep.Kind, rep.Checks, rep.Facts)
			b.Libraries, b.BuiltAgainst = libver.Split(libver.Scan(rep.Facts, rep.Strings, path.Base(rel)))
			out = append(out, b)
		}
		return out, nil
	case "PE":
		rep, err := pefile.Examine(rel, r, size)
		if err != nil {
			if errors.Is(err, pefile.ErrNotPE) {
				return nil, ErrNotBinary
			}
			return malformed(err)
		}
		b := foreign(rel, "PE", rep.Machine, rep.Kind, rep.Checks, rep.Facts)
		b.Libraries, b.BuiltAgainst = libver.Split(libver.Scan(rep.Facts, rep.Strings, path.Base(rel)))
		return []*Binary{b}, nil
	}
	return nil, ErrNotBinary
}

// foreign builds the audit of a Mach-O or PE binary from its checks and
// facts; the C-code checks are n/a for code measured to be all Rust/Go.
func foreign(rel, form, machine string, kind harden.Kind, checks []harden.Result, facts *binfacts.Facts) *Binary {
	b := &Binary{Path: rel, Size: facts.Size, Format: form, Machine: machine, Kind: kind, Checks: checks,
		Stripped: !facts.HasSymtab, Needed: facts.Needed}
	for _, e := range facts.Exports {
		if len(e) > 7 && e[:7] == "PyInit_" {
			b.Extension = true
		}
	}
	b.Lang = lang.Detect(facts, nil)
	if b.Lang.PureMemorySafe() {
		for i, r := range b.Checks {
			if r.Check == "canary" || r.Check == "fortify" {
				b.Checks[i] = harden.Result{Check: r.Check, Verdict: harden.NA, Value: "n/a", Evidence: "code is entirely Rust/Go by function size"}
			}
		}
	}
	return b
}

// fileBinaries audits one file on disk, shown as rel.
func fileBinaries(full, rel string) ([]*Binary, error) {
	f, err := os.Open(full)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return examineReader(rel, f, st.Size())
}
