//go:build !unix

package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// File is a regular file opened for reading.
type File struct{ f *os.File }

func (f *File) Read(p []byte) (int, error)              { return f.f.Read(p) }
func (f *File) ReadAt(p []byte, off int64) (int, error) { return f.f.ReadAt(p, off) }
func (f *File) Close() error                            { return f.f.Close() }

func (f *File) stat() (int64, fs.FileMode, time.Time, error) {
	fi, err := f.f.Stat()
	if err != nil {
		return 0, 0, time.Time{}, err
	}
	return fi.Size(), fi.Mode(), fi.ModTime(), nil
}

var errIsLink = errors.New("is a symbolic link")

// openNoFollow opens the real path p if it is a regular file; a link is
// errIsLink.
func openNoFollow(p string) (*File, int64, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, 0, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, 0, errIsLink
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, err
	}
	return &File{f}, fi.Size(), nil
}
