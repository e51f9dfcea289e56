package archive

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
)

// Zip is a zip archive opened for safe reading.
type Zip struct {
	r        *zip.Reader
	lim      Limits
	files    map[string]*zip.File // safe, first of each name
	names    []string             // safe regular-file names, in archive order
	Problems []Problem
	total    int64
}

// OpenZip reads the central directory of a zip archive and checks every
// member against the limits. Members that fail a check are problems; a
// corrupt directory is an error.
func OpenZip(r io.ReaderAt, size int64, lim Limits) (*Zip, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a readable zip archive: %w", err)
	}
	z := &Zip{r: zr, lim: lim, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if msg := CheckName(f.Name); msg != "" {
			z.Problems = append(z.Problems, Problem{f.Name, msg + "; not read"})
			continue
		}
		name := path.Clean(f.Name)
		if _, dup := z.files[name]; dup {
			z.Problems = append(z.Problems, Problem{name, "duplicate member; only the first is read"})
			continue
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			z.Problems = append(z.Problems, Problem{name, "symbolic link; not followed"})
			continue
		}
		if int64(f.UncompressedSize64) > lim.Member || f.UncompressedSize64 > 1<<62 {
			z.Problems = append(z.Problems, Problem{name, fmt.Sprintf("declares %d bytes, more than the %d-byte member limit; not read", f.UncompressedSize64, lim.Member)})
			continue
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.Ratio)*max(f.CompressedSize64, 1) {
			z.Problems = append(z.Problems, Problem{name, fmt.Sprintf("compresses %d bytes into %d (ratio over %d): likely a zip bomb; not read", f.UncompressedSize64, f.CompressedSize64, lim.Ratio)})
			continue
		}
		z.files[name] = f
		z.names = append(z.names, name)
	}
	return z, nil
}

// Names returns the safe regular-file members, sorted.
func (z *Zip) Names() []string {
	out := append([]string(nil), z.names...)
	sort.Strings(out)
	return out
}

// Has reports whether a safe member of that name exists.
func (z *Zip) Has(name string) bool { _, ok := z.files[name]; return ok }

// Open opens a safe member; reading stops with an error past its declared
// size, the member limit, or the archive's total budget.
func (z *Zip) Open(name string) (io.ReadCloser, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", name, err)
	}
	return &limited{rc: rc, name: name, left: int64(f.UncompressedSize64), budget: &z.total, lim: z.lim}, nil
}

// ReadFile reads a whole safe member.
func (z *Zip) ReadFile(name string) ([]byte, error) {
	rc, err := z.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// A buffer of the declared size (bounded: the declaration may lie)
	// instead of one grown from nothing.
	size := min(int64(z.files[name].UncompressedSize64), 64<<20)
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(rc)
	return buf.Bytes(), err
}

// FS returns the safe members as a file system.
func (z *Zip) FS() fs.FS { return zipFS{z} }

type zipFS struct{ z *Zip }

func (f zipFS) Open(name string) (fs.File, error) {
	rc, err := f.z.Open(name)
	if err != nil {
		return nil, err
	}
	return &zipFile{ReadCloser: rc, info: f.z.files[name].FileInfo()}, nil
}

type zipFile struct {
	io.ReadCloser
	info fs.FileInfo
}

func (f *zipFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// limited enforces the declared size, the member limit and the budget.
type limited struct {
	rc     io.ReadCloser
	name   string
	left   int64 // declared bytes not yet read
	read   int64
	budget *int64
	lim    Limits
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.rc.Read(p)
	l.read += int64(n)
	*l.budget += int64(n)
	l.left -= int64(n)
	switch {
	case l.left < 0:
		return n, fmt.Errorf("member %s: decompresses past its declared size: %w", l.name, ErrLimit)
	case l.read > l.lim.Member:
		return n, limitErr("member %s is larger than %d bytes", l.name, l.lim.Member)
	case *l.budget > l.lim.Total:
		return n, limitErr("archive decompresses to more than %d bytes", l.lim.Total)
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("member %s: %w", l.name, err)
	}
	return n, err
}

func (l *limited) Close() error { return l.rc.Close() }
