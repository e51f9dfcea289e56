package site

import (
	"github.com/pysbom/pysbom/internal/digest"
)

// hashFile opens name if it is a regular file and hashes it.
func hashFile(name string, w digest.Want) digest.Digests {
	f, size, err := openRegular(name)
	if err != nil {
		return digest.Digests{Err: err}
	}
	defer f.Close()
	return digest.Read(f, size, w)
}
