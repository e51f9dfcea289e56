package distinfo

import (
	"bytes"
	"fmt"

	"github.com/pysbom/pysbom/internal/inventory"
)

// Measured is what was measured of a file's bytes to check it against its
// RECORD row.
type Measured struct {
	Size int64
	// Record is the digest in the row's algorithm; nil when pysbom does
	// not compute that algorithm.
	Record []byte
	// Prefix256 is the SHA-256 of the first Size bytes the row gives, when
	// the file is longer: it tells bytes appended after installation from
	// bytes changed.
	Prefix256 []byte
}

// Verify decides, in one place for installed distributions and wheels,
// whether a file agrees with its RECORD row (e); when it does not, the kind
// of problem and the message. since names what the bytes should not have
// changed after ("installation", "the wheel was built").
func Verify(e Expected, r Measured, since string) (inventory.ProblemKind, string, bool) {
	if e.Digest != nil {
		switch {
		case r.Record == nil:
			return inventory.BadRecord, fmt.Sprintf("RECORD uses unsupported hash algorithm %q", e.Algorithm), false
		case bytes.Equal(r.Record, e.Digest):
		case r.Prefix256 != nil && e.Algorithm == "sha256" && bytes.Equal(r.Prefix256, e.Digest):
			return inventory.HashMismatch, fmt.Sprintf("sha256 differs from RECORD: the first %d bytes are as recorded and %d bytes were appended after %s",
				e.Size, r.Size-e.Size, since), false
		default:
			return inventory.HashMismatch, fmt.Sprintf("%s differs from RECORD: file changed after %s", e.Algorithm, since), false
		}
	}
	if e.Size >= 0 && e.Size != r.Size {
		return inventory.SizeMismatch, fmt.Sprintf("size %d differs from RECORD's %d", r.Size, e.Size), false
	}
	return "", "", true
}
