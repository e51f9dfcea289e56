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

var _ Tree = (*FS)(nil)
