//go:build unix

package rootfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// File is a regular file opened for reading. It reads with plain system
// calls: regular files gain nothing from Go's poller, and registering
// each with it costs a call.
type File struct{ fd int }

func (f *File) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 && len(p) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

// ReadAt reads at an offset, as io.ReaderAt.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	total := 0
	for total < len(p) {
		n, err := syscall.Pread(f.fd, p[total:], off+int64(total))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, io.EOF
		}
		total += n
	}
	return total, nil
}

// Close closes the file.
func (f *File) Close() error { return syscall.Close(f.fd) }

func (f *File) stat() (int64, fs.FileMode, time.Time, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(f.fd, &st); err != nil {
		return 0, 0, time.Time{}, err
	}
	return st.Size, fs.FileMode(st.Mode & 0o777), time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)), nil
}

var errIsLink = errors.New("is a symbolic link")

// openNoFollow opens the real path p if it is a regular file; a link as
// its last component is errIsLink. O_NONBLOCK keeps a named pipe from
// blocking the open and changes nothing for regular files.
func openNoFollow(p string) (*File, int64, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err == syscall.ELOOP || err == syscall.EMLINK {
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, 0, errIsLink
		}
	}
	if err != nil {
		return nil, 0, &os.PathError{Op: "open", Path: p, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, 0, &os.PathError{Op: "stat", Path: p, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, 0, fmt.Errorf("not a regular file (%s)", fileType(uint32(st.Mode)))
	}
	return &File{fd}, st.Size, nil
}

func fileType(mode uint32) string {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return "a directory"
	case syscall.S_IFIFO:
		return "a named pipe"
	case syscall.S_IFSOCK:
		return "a socket"
	case syscall.S_IFCHR:
		return "a character device"
	case syscall.S_IFBLK:
		return "a block device"
	}
	return "irregular"
}
