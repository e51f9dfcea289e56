package imagefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	"github.com/pysbom/pysbom/internal/rootfs"
)

// maxReadAt bounds the bytes held in memory to read one file at random
// offsets when its layer can only be read in order.
const maxReadAt = 128 << 20

// Close closes the layer streams kept open for reading files.
func (f *FS) Close() error { return f.pool.Close() }

// Lookup finds name with every symbolic link in it followed, and gives
// the name it resolves to.
func (f *FS) Lookup(name string) (Entry, string, error) {
	return f.lookup("lookup", name, true)
}

// Real is rootfs.Tree's: the name name resolves to.
func (f *FS) Real(name string) (string, error) {
	_, real, err := f.Lookup(name)
	return real, err
}

// Lstat is fs.ReadLinkFS's: Stat without following a link in name's last element.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	e, real, err := f.lookup("lstat", name, false)
	if err != nil {
		return nil, err
	}
	return info(real, e), nil
}

// ReadLink is fs.ReadLinkFS: a symbolic link's target as written.
func (f *FS) ReadLink(name string) (string, error) {
	e, _, err := f.lookup("readlink", name, false)
	if err != nil {
		return "", err
	}
	if e.Kind != Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return e.Link, nil
}

// Stat is fs.StatFS.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	e, real, err := f.lookup("stat", name, true)
	if err != nil {
		return nil, err
	}
	return info(real, e), nil
}

func (f *FS) lookup(op, name string, follow bool) (Entry, string, error) {
	if !fs.ValidPath(name) {
		return Entry{}, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n, real, err := f.walk(name, follow)
	if err != nil {
		return Entry{}, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	if n == nil {
		return Entry{}, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n.Entry, real, nil
}

// ReadDir is fs.ReadDirFS: a directory's entries sorted by name, links
// not followed.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	n, real, err := f.walk(name, true)
	switch {
	case err != nil:
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	case n == nil:
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	case n.Kind != Dir:
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	var out []fs.DirEntry
	for _, k := range n.names() {
		out = append(out, fs.FileInfoToDirEntry(info(joinName(real, k), n.children[k].Entry)))
	}
	return out, nil
}

// Open is fs.FS: it opens regular files and directories, links followed.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	n, real, err := f.walk(name, true)
	switch {
	case err != nil:
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	case n == nil:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	case n.Kind == Dir:
		return &dir{fsys: f, name: name, info: info(real, n.Entry)}, nil
	case n.Kind != Regular:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("a %s is not read", n.Kind)}
	}
	c, err := f.openContents(&n.Entry)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &File{c: c, info: info(real, n.Entry), fsys: f, entry: n.Entry}, nil
}

// ReadFile reads a whole file of at most max bytes.
func (f *FS) ReadFile(name string, max int64) ([]byte, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	fi, _ := file.Stat()
	if fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	if fi.Size() > max {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &rootfs.TooLargeError{Max: max}}
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(file, b); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: truncated(err)}
	}
	return b, nil
}

// OpenReader is rootfs.Tree's: it opens a regular file, links followed.
func (f *FS) OpenReader(name string) (rootfs.Reader, int64, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, 0, err
	}
	r, ok := file.(*File)
	if !ok {
		file.Close()
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a directory")}
	}
	return r, r.entry.Size, nil
}

var _ rootfs.Tree = (*FS)(nil)

// File is an open regular file of the image.
type File struct {
	c     *contents
	info  fs.FileInfo
	fsys  *FS
	entry Entry
	whole []byte // the file's bytes, once ReadAt needed them
}

func (f *File) Read(p []byte) (int, error) { return f.c.Read(p) }
func (f *File) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *File) Close() error               { return f.c.Close() }

// Entry tells the layers that added and last changed the file.
func (f *File) Entry() Entry { return f.entry }

// ReadAt reads at an offset: straight from a layer stored as plain tar,
// else from a copy of the file read once (files of up to 128 MiB).
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if ra, ok := f.fsys.open.(RandomAccess); ok && f.entry.Offset >= 0 {
		if r, ok := ra.ReaderAt(f.entry.Layer); ok {
			return io.NewSectionReader(r, f.entry.Offset, f.entry.Size).ReadAt(p, off)
		}
	}
	if f.whole == nil {
		if f.entry.Size > maxReadAt {
			return 0, fmt.Errorf("%s: %d bytes in a compressed layer, more than the %d read at random offsets", f.info.Name(), f.entry.Size, maxReadAt)
		}
		c, err := f.fsys.openContents(&f.entry)
		if err != nil {
			return 0, err
		}
		b := make([]byte, f.entry.Size)
		_, err = io.ReadFull(c, b)
		c.Close()
		if err != nil {
			return 0, truncated(err)
		}
		f.whole = b
	}
	if off >= int64(len(f.whole)) {
		return 0, io.EOF
	}
	n := copy(p, f.whole[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// dir is an open directory.
type dir struct {
	fsys *FS
	name string
	info fs.FileInfo
	read []fs.DirEntry
	done bool
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.done {
		es, err := d.fsys.ReadDir(d.name)
		if err != nil {
			return nil, err
		}
		d.read, d.done = es, true
	}
	if n <= 0 {
		out := d.read
		d.read = nil
		return out, nil
	}
	if len(d.read) == 0 {
		return nil, io.EOF
	}
	if n > len(d.read) {
		n = len(d.read)
	}
	out := d.read[:n]
	d.read = d.read[n:]
	return out, nil
}

// fileInfo is fs.FileInfo for an entry.
type fileInfo struct {
	name string
	e    Entry
}

func info(name string, e Entry) fs.FileInfo { return fileInfo{path.Base(name), e} }

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.e.Size }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.e.Kind == Dir }
func (i fileInfo) Sys() any           { return i.e }
func (i fileInfo) Mode() fs.FileMode {
	switch i.e.Kind {
	case Dir:
		return fs.ModeDir | i.e.Perm
	case Symlink:
		return fs.ModeSymlink | i.e.Perm
	case Other:
		return fs.ModeDevice | i.e.Perm
	}
	return i.e.Perm
}
