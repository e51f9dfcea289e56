//go:build !unix

package vulndb

import "os"

// tryLock: no advisory lock here; imports are not guarded against each
// other.
func tryLock(*os.File) (bool, error) { return false, nil }

func writable(path string) bool {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

func keepOwner(string, os.FileInfo) {}
