package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/pysbom/pysbom/internal/glob"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/python/wheelname"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// Report is the audit of every native binary under a target.
type Report struct {
	Target   string
	Binaries []*Binary // sorted by path
}

// Owner is the distribution a binary belongs to.
type Owner struct {
	Name, Version string
}

// Options tunes [Audit].
type Options struct {
	// Progress, when set, is called after each file examined with the
	// count of files done and the count to examine.
	Progress func(done, total int64)
	// Exclude are globs of paths, relative to a folder audited, that are
	// not examined ("**/tests/**").
	Exclude []string
	// Known are binaries examined already, by their clean path on disk
	// (a wheel's member as WHEEL!MEMBER), or for AuditTree their absolute
	// name in the tree (report examines the binaries it reads for the
	// SBOM): these are taken as they are and their files not opened.
	Known map[string]*Binary
}

// known is the binary Known has under key, shown as path and owned by
// owner; nil when it has none.
func (o Options) known(key, path string, owner Owner) *Binary {
	b, ok := o.Known[key]
	if !ok {
		return nil
	}
	c := *b
	c.Path, c.Owner = path, owner
	return &c
}

// excluded reports whether rel (slash-separated, relative to the folder
// audited) matches one of the globs.
func (o Options) excluded(rel string) bool {
	for _, g := range o.Exclude {
		if glob.Match(g, rel) {
			return true
		}
	}
	return false
}

// skipExt are extensions of files that are never native binaries; the
// walk does not open them.
var skipExt = map[string]bool{
	".py": true, ".pyc": true, ".pyi": true, ".pyx": true, ".pxd": true, ".txt": true, ".md": true, ".rst": true,
	".json": true, ".toml": true, ".cfg": true, ".ini": true, ".h": true, ".c": true, ".cc": true, ".cpp": true,
	".hpp": true, ".html": true, ".css": true, ".js": true, ".csv": true, ".pem": true, ".typed": true,
	".xml": true, ".yaml": true, ".yml": true, ".png": true, ".gif": true, ".jpg": true, ".svg": true, ".gz": true,
	".pth": true, ".tcl": true, ".tmpl": true, ".pyo": true, ".mo": true, ".po": true, ".sh": true, ".bat": true,
}

// Audit examines TARGET: a single binary (shown by the path given), a
// wheel or any zip (shown by member names), or a folder (an environment,
// a prefix, an unpacked tree; shown by paths relative to it), every
// native binary of which is audited. A binary that cannot be parsed is kept with its
// Error set; the rest of the audit goes on.
func Audit(ctx context.Context, target string, opt Options) (*Report, error) {
	fi, err := os.Stat(target)
	if err != nil {
		return nil, err
	}
	rep := &Report{Target: target}
	switch {
	case fi.IsDir():
		err = rep.walk(ctx, target, opt)
	case isZip(target):
		err = rep.zip(target, opt)
	default:
		rep.Binaries, err = fileBinaries(target, filepath.ToSlash(target))
		if errors.Is(err, ErrNotBinary) {
			return nil, fmt.Errorf("%s: not a native binary, wheel or folder", target)
		}
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rep.Binaries, func(a, b *Binary) int { return strings.Compare(a.Path, b.Path) })
	return rep, nil
}

func isZip(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var m [4]byte
	_, err = io.ReadFull(f, m[:])
	return err == nil && string(m[:]) == "PK\x03\x04"
}

// examineAll audits f and scans it for bundled libraries.
func examineAll(f *elffile.File, rel string) *Binary {
	b := Examine(f)
	b.Path = rel
	return b
}

func (r *Report) walk(ctx context.Context, root string, opt Options) error {
	owners := map[string]Owner{}
	tree, err := rootfs.New(root)
	if err != nil {
		return err
	}
	var candidates []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable subfolder: skip it
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if rel, err := filepath.Rel(root, p); err == nil && rel != "." && opt.excluded(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if strings.HasSuffix(d.Name(), ".dist-info") {
				readOwners(owners, tree, root, filepath.Dir(p), d.Name())
			}
			return nil
		}
		if !d.Type().IsRegular() || skipExt[strings.ToLower(filepath.Ext(d.Name()))] {
			return nil
		}
		candidates = append(candidates, p)
		return nil
	})
	if err != nil {
		return err
	}
	bins := make([][]*Binary, len(candidates))
	tick := opt.counter(len(candidates))
	parallel.For(ctx, len(candidates), 0, func(i int) {
		p := candidates[i]
		rel, _ := filepath.Rel(root, p)
		if b := opt.known(filepath.Clean(p), filepath.ToSlash(rel), owners[p]); b != nil {
			bins[i] = []*Binary{b}
		} else if bs, err := fileBinaries(p, filepath.ToSlash(rel)); err == nil {
			for _, b := range bs {
				b.Owner = owners[p]
			}
			bins[i] = bs
		}
		tick()
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, bs := range bins {
		r.Binaries = append(r.Binaries, bs...)
	}
	return nil
}

// readOwners maps the files a dist-info RECORD lists to its distribution;
// the metadata is read through the tree of the audited folder.
func readOwners(owners map[string]Owner, tree *rootfs.FS, root, site, name string) {
	rel, err := filepath.Rel(root, site)
	if err != nil {
		return
	}
	d, err := distinfo.Read(distinfo.Site{FS: tree, Name: filepath.ToSlash(rel), Path: site}, name)
	if err != nil {
		return
	}
	o := Owner{d.Package.Name, d.Package.Version}
	for _, e := range d.Expected {
		owners[filepath.Join(site, filepath.FromSlash(e.Path))] = o
	}
}

// MaxMember is the largest zip member audited (read into memory).
const MaxMember = 1 << 30

// zip audits the members of the zip file p, taking those opt.Known has as
// P!MEMBER.
func (r *Report) zip(p string, opt Options) error {
	fh, err := os.Open(p)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	lim := archive.DefaultLimits
	z, err := archive.OpenZip(fh, st.Size(), lim)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	owner := ownerFromWheelName(filepath.Base(p))
	for _, name := range z.Names() {
		if strings.HasSuffix(name, "/") || skipExt[strings.ToLower(path.Ext(name))] {
			continue
		}
		if b := opt.known(filepath.Clean(p)+"!"+name, name, owner); b != nil {
			r.Binaries = append(r.Binaries, b)
			continue
		}
		rc, err := z.Open(name)
		if err != nil {
			continue
		}
		var magic [4]byte
		n, _ := io.ReadFull(rc, magic[:])
		if format(magic[:n]) == "" {
			rc.Close()
			continue
		}
		rest, err := io.ReadAll(io.LimitReader(rc, MaxMember))
		rc.Close()
		if err != nil {
			r.Binaries = append(r.Binaries, &Binary{Path: name, Format: format(magic[:n]), Owner: owner, Error: "read from " + filepath.Base(p) + ": " + err.Error()})
			continue
		}
		data := append(magic[:n:n], rest...)
		bs, err := examineReader(name, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			continue
		}
		for _, b := range bs {
			b.Owner = owner
		}
		r.Binaries = append(r.Binaries, bs...)
	}
	return nil
}

// ownerFromWheelName reads name and version from a wheel file name.
func ownerFromWheelName(base string) Owner {
	n, err := wheelname.Parse(base)
	if err != nil {
		return Owner{}
	}
	return Owner{n.Distribution, n.Version}
}
