// Package archive reads zip and tar archives (wheels and sdists) in place,
// safely: nothing is extracted to disk, and hostile archives give an
// error or a problem instead of exhausting memory or disk.
//
// # Security
//
//   - Member names that are absolute, contain "..", backslashes or NUL,
//     or are empty are refused (reported, never read).
//   - Duplicate member names are reported; only the first is read.
//   - Symbolic and hard links in tar archives are reported, never followed.
//   - Every member is read through a limit: at most [Limits.Member] bytes,
//     at most its declared size in a zip, and the whole archive at most
//     [Limits.Total] bytes once decompressed. A zip member whose declared
//     size exceeds [Limits.Ratio] times its compressed size (and 1 MiB) is
//     refused as a likely zip bomb.
//   - A truncated or corrupt archive is an error that names the offset or
//     member where reading failed.
package archive

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Limits bound what an archive may make pysbom read.
type Limits struct {
	Member int64 // bytes of one member, decompressed
	Total  int64 // bytes of all members, decompressed
	Ratio  int64 // largest decompressed/compressed ratio of a zip member
}

// DefaultLimits suit real wheels and sdists, the largest of which hold
// members of a few hundred megabytes.
var DefaultLimits = Limits{Member: 1 << 30, Total: 4 << 30, Ratio: 200}

// Problem is a member that was not read, and why.
type Problem struct {
	Member string
	Msg    string
}

// ErrLimit is wrapped by errors caused by a limit.
var ErrLimit = errors.New("archive exceeds pysbom's limits")

// CheckName returns why a member name is unsafe, or "".
func CheckName(name string) string {
	switch {
	case name == "":
		return "empty member name"
	case strings.ContainsRune(name, 0):
		return "member name contains NUL"
	case strings.Contains(name, `\`):
		return "member name contains a backslash"
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return "absolute member name"
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "member name leaves the archive (..)"
		}
	}
	if path.Clean(name) == "." {
		return "member name is the archive root"
	}
	return ""
}

func limitErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrLimit}, args...)...)
}
