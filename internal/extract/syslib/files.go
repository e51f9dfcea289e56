package syslib

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/rootfs"
)

// Files is the file system binaries are read from and their libraries
// looked for: the host's ([Host]), or a tree's, such as an image's
// ([InTree]). Names are absolute, slash-separated.
type Files interface {
	// Real is name with every symbolic link in it followed.
	Real(name string) (string, error)
	// IsFile tells whether name, links followed, is a regular file.
	IsFile(name string) bool
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	// Open opens a regular file for reading at offsets.
	Open(name string) (rootfs.Reader, int64, error)
}

// Host is the running system's file system.
var Host Files = host{}

type host struct{}

// The host's files are read as a tree's are: regular files only (a named
// pipe as a module would block the read forever), at most maxBinary.
func (host) Real(name string) (string, error)           { return filepath.EvalSymlinks(name) }
func (host) ReadFile(name string) ([]byte, error)       { return rootfs.ReadRegular(name, maxBinary) }
func (host) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (host) Open(name string) (rootfs.Reader, int64, error) {
	return rootfs.OpenRegular(name)
}
func (host) IsFile(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// maxBinary bounds a binary read from a tree.
const maxBinary = 1 << 30

// InTree reads a tree (an image's file system, an unpacked root) as if it
// were the root of the system: "/usr/lib/x" is the tree's "usr/lib/x",
// and no name leaves the tree.
func InTree(t rootfs.Tree) Files { return tree{t} }

type tree struct{ t rootfs.Tree }

// treeName is the tree's name of an absolute name.
func treeName(name string) string {
	n := strings.TrimPrefix(path.Clean("/"+name), "/")
	if n == "" {
		return "."
	}
	return n
}

func (t tree) Real(name string) (string, error) {
	r, err := t.t.Real(treeName(name))
	if err != nil {
		return "", err
	}
	return path.Clean("/" + r), nil
}
func (t tree) ReadFile(name string) ([]byte, error) { return t.t.ReadFile(treeName(name), maxBinary) }
func (t tree) ReadDir(name string) ([]fs.DirEntry, error) {
	return t.t.ReadDir(treeName(name))
}
func (t tree) Open(name string) (rootfs.Reader, int64, error) {
	return t.t.OpenReader(treeName(name))
}
func (t tree) IsFile(name string) bool {
	fi, err := t.t.Stat(treeName(name))
	return err == nil && fi.Mode().IsRegular()
}

// Glob is the names matching pattern, whose wildcards may only be in its
// last element ("/etc/ld.so.conf.d/*.conf"), sorted.
func Glob(files Files, pattern string) []string {
	dir, base := path.Split(pattern)
	entries, err := files.ReadDir(path.Clean(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if ok, _ := path.Match(base, e.Name()); ok {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out
}
