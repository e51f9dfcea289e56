package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// OpenRegular opens a path of the host for reading if it is a regular
// file, symbolic links followed; a named pipe or a device is never opened
// for reading, so it cannot block or flood.
func OpenRegular(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file (%s)", path, typeOf(fi.Mode()))
	}
	return f, fi.Size(), nil
}

// typeOf names the type of a file that is not a regular one.
func typeOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// ReadRegular reads a regular file of the host (see OpenRegular) of at
// most max bytes.
func ReadRegular(path string, max int64) ([]byte, error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than the %d MiB read from such a file", path, max>>20)
	}
	return data, nil
}
