//go:build !unix

package site

import (
	"fmt"
	"os"
)

// openRegular opens name for reading if it is a regular file.
func openRegular(name string) (*os.File, int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	return f, fi.Size(), nil
}
