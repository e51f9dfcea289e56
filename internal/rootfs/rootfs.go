// Package rootfs reads a directory tree through names that cannot leave
// it: the view every extractor reads a target through.
//
// Names are slash-separated and relative to the root. A name whose path,
// with its symbolic links followed, would end outside the root is refused
// with [ErrOutside], whether it gets there with "..", an absolute symbolic
// link or a chain of them; links that stay inside, absolute or relative,
// are followed. Only regular files are opened for reading, so a named pipe
// never blocks and a device never streams without end, and [FS.ReadFile]
// reads at most the size it is given.
//
// # Security
//
// The checks hold for a tree at rest. A tree changed while it is read
// (a directory swapped for a symbolic link between the check and the
// open) can race them for intermediate directories; the last component
// is always opened without following a link.
package rootfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrOutside is returned for a name that leaves the root.
var ErrOutside = errors.New("leaves the tree through a symbolic link or ..")

// maxLinks bounds the symbolic links followed for one name.
const maxLinks = 40

// FS is a read-only view of the tree under one directory.
type FS struct {
	root string // the root's real path
	mu   sync.Mutex
	dirs map[string]string // a directory's name -> its real path
}

// New opens the tree at dir. dir itself may be reached through
// symbolic links: the caller named it.
func New(dir string) (*FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	return &FS{root: real, dirs: map[string]string{".": real}}, nil
}

// Root is the real path of the tree's root.
func (f *FS) Root() string { return f.root }

// Rel is the name of an absolute path inside the tree, as the tree's
// names are written; ok is false when path is not under the root (as
// written, before any link is followed).
func (f *FS) Rel(p string) (string, bool) {
	rel, err := filepath.Rel(f.root, p)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// clean checks and cleans a name.
func clean(name string) (string, error) {
	if name == "" {
		return ".", nil
	}
	if path.IsAbs(name) || strings.Contains(name, "\x00") {
		return "", ErrOutside
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", ErrOutside
	}
	return c, nil
}

// realDir is the real path of the directory name, every link in it
// followed and checked.
func (f *FS) realDir(name string, links *int) (string, error) {
	f.mu.Lock()
	r, ok := f.dirs[name]
	f.mu.Unlock()
	if ok {
		return r, nil
	}
	parent, base := path.Split(name)
	parent = strings.TrimSuffix(parent, "/")
	if parent == "" {
		parent = "."
	}
	pr, err := f.realDir(parent, links)
	if err != nil {
		return "", err
	}
	next := filepath.Join(pr, base)
	fi, err := os.Lstat(next)
	if err != nil {
		return "", err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := f.follow(pr, next, links)
		if err != nil {
			return "", err
		}
		if r, err = f.realDir(target, links); err != nil {
			return "", err
		}
	case fi.IsDir():
		r = next
	default:
		return "", &fs.PathError{Op: "open", Path: name, Err: errors.New("not a directory")}
	}
	f.mu.Lock()
	f.dirs[name] = r
	f.mu.Unlock()
	return r, nil
}

// follow reads the symbolic link at real path link (in real directory
// dir) and returns the name it points to inside the tree.
func (f *FS) follow(dir, link string, links *int) (string, error) {
	if *links++; *links > maxLinks {
		return "", &fs.PathError{Op: "open", Path: link, Err: errors.New("too many levels of symbolic links")}
	}
	target, err := os.Readlink(link)
	if err != nil {
		return "", err
	}
	t := filepath.FromSlash(target)
	if !filepath.IsAbs(t) {
		t = filepath.Join(dir, t)
	}
	rel, ok := f.Rel(filepath.Clean(t))
	if !ok {
		rel, _ := f.Rel(link)
		return "", &fs.PathError{Op: "open", Path: rel, Err: fmt.Errorf("%w (to %s)", ErrOutside, target)}
	}
	return rel, nil
}

// resolve is the real path of name, whose last component may be a link.
func (f *FS) resolve(name string, links *int) (string, error) {
	name, err := clean(name)
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if name == "." {
		return f.root, nil
	}
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	rd, err := f.realDir(dir, links)
	if err != nil {
		return "", err
	}
	p := filepath.Join(rd, base)
	fi, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return p, nil
	}
	target, err := f.follow(rd, p, links)
	if err != nil {
		return "", err
	}
	return f.resolve(target, links)
}

// Resolve is the real path of name inside the tree.
func (f *FS) Resolve(name string) (string, error) {
	var links int
	return f.resolve(name, &links)
}

// OpenFile opens name for reading when it is a regular file inside the
// tree, and returns its size.
func (f *FS) OpenFile(name string) (*File, int64, error) {
	c, err := clean(name)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var links int
	for {
		dir, base := path.Split(c)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		rd, err := f.realDir(dir, &links)
		if err != nil {
			return nil, 0, err
		}
		p := filepath.Join(rd, base)
		file, size, err := openNoFollow(p)
		if !errors.Is(err, errIsLink) {
			if err != nil {
				return nil, 0, &fs.PathError{Op: "open", Path: c, Err: unwrapPath(err)}
			}
			return file, size, nil
		}
		if c, err = f.follow(rd, p, &links); err != nil {
			return nil, 0, err
		}
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadFile reads the regular file name, at most max bytes of it; a
// larger file is an error that names the limit.
func (f *FS) ReadFile(name string, max int64) ([]byte, error) {
	file, size, err := f.OpenFile(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if size > max {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Max: max}}
	}
	buf := make([]byte, 0, size+1)
	for {
		n, err := file.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Max: max}}
		}
		if err == io.EOF || n == 0 && err == nil {
			return buf, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// TooLargeError is a file over the size a reader accepts.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string {
	switch {
	case e.Max >= 1<<20 && e.Max%(1<<20) == 0:
		return fmt.Sprintf("larger than the %d MiB allowed for it", e.Max>>20)
	case e.Max >= 1<<10 && e.Max%(1<<10) == 0:
		return fmt.Sprintf("larger than the %d KiB allowed for it", e.Max>>10)
	}
	return fmt.Sprintf("larger than the %d bytes allowed for it", e.Max)
}

// Stat describes name, its links followed.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	p, err := f.Resolve(name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// Lstat describes name without following a last link.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	c, err := clean(name)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	if c == "." {
		return os.Lstat(f.root)
	}
	dir, base := path.Split(c)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	var links int
	rd, err := f.realDir(dir, &links)
	if err != nil {
		return nil, err
	}
	return os.Lstat(filepath.Join(rd, base))
}

// ReadDir lists the directory name, sorted by file name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := f.Resolve(name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(p)
}

// Open implements fs.FS: regular files and directories of the tree.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	fi, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		entries, err := f.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &dir{info: fi, entries: entries}, nil
	}
	file, _, err := f.OpenFile(name)
	if err != nil {
		return nil, err
	}
	return &openFile{File: file, name: path.Base(name)}, nil
}

// openFile is an opened regular file as fs.File.
type openFile struct {
	*File
	name string
}

func (o *openFile) Stat() (fs.FileInfo, error) {
	size, mode, mod, err := o.File.stat()
	if err != nil {
		return nil, err
	}
	return fileInfo{name: o.name, size: size, mode: mode, mod: mod}, nil
}

type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
	mod  time.Time
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return i.mode }
func (i fileInfo) ModTime() time.Time { return i.mod }
func (i fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

// dir is an opened directory as fs.ReadDirFile.
type dir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
