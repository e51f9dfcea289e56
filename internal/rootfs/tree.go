package rootfs

import (
	"io"
	"io/fs"
)

// Tree is what extractors read a file tree through: a directory on disk
// ([FS]) or the file system of an image's layers (package imagefs). Both
// keep every name, and every symbolic link, inside the tree.
type Tree interface {
	fs.StatFS
	fs.ReadDirFS
	// ReadFile reads the regular file name, at most max bytes of it.
	ReadFile(name string, max int64) ([]byte, error)
	// OpenReader opens the regular file name and gives its size.
	OpenReader(name string) (Reader, int64, error)
	// Real is the name that name resolves to, every symbolic link in it
	// followed (inside the tree).
	Real(name string) (string, error)
}

// Reader is a regular file opened for reading.
type Reader interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// OpenReader is Tree's: OpenFile as a Reader.
func (f *FS) OpenReader(name string) (Reader, int64, error) {
	file, size, err := f.OpenFile(name)
	if err != nil {
		return nil, 0, err
	}
	return file, size, nil
}

// Real is Tree's: the tree name of Resolve's real path.
func (f *FS) Real(name string) (string, error) {
	p, err := f.Resolve(name)
	if err != nil {
		return "", err
	}
	rel, ok := f.Rel(p)
	if !ok {
		return "", &fs.PathError{Op: "open", Path: name, Err: ErrOutside}
	}
	return rel, nil
}

var _ Tree = (*FS)(nil)
