package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pysbom/pysbom/internal/image"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/target"
)

// Target is what a user named for pysbom to read.
type Target struct {
	// Arg is a wheel, sdist or folder of them, a lock or requirements
	// file, or an environment, prefix or interpreter; "" for the
	// environment in use.
	Arg string
	// Lock reads Arg as a lock file whatever its name (a requirements
	// file when neither name nor content tells the format).
	Lock bool
	// Exec runs the target's interpreter to ask it where it is (opt-in).
	Exec   bool
	Getenv func(string) string
	// Platform chooses an image of a multi-platform index.
	Platform string
}

// ErrLockNotFile is returned when Lock is set and Arg is no regular file.
var ErrLockNotFile = errors.New("not a regular file")

// Read tells what kind of target t names and reads it: a wheel, sdist or
// folder of them, a lock file, or an environment. A plain file that is
// none of these is an error that says what pysbom reads.
func Read(ctx context.Context, t Target, opts Options) (*inventory.Inventory, error) {
	if ref, ok, err := image.ParseRef(t.Arg); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return Image(ctx, ref, t.Platform, opts)
	}
	file := isFile(t.Arg)
	if t.Lock && !file {
		return nil, fmt.Errorf("%s: %w", t.Arg, ErrLockNotFile)
	}
	if dir, files, ok := target.Artifacts(t.Arg); ok && t.Arg != "" {
		return Artifacts(ctx, dir, files, opts)
	}
	if t.Lock || file && lockfile.DetectFile(t.Arg) != "" {
		parse := lockfile.Parse
		if t.Lock {
			parse = lockfile.ParseAssumed
		}
		l, err := parse(t.Arg)
		if err != nil {
			return nil, err
		}
		return Lock(l, opts), nil
	}
	if ref, ok := image.Detect(t.Arg); ok && t.Arg != "" && !t.Lock {
		return Image(ctx, ref, t.Platform, opts)
	}
	if file {
		return nil, notTarget(t.Arg)
	}
	env, err := target.Resolve(ctx, t.Arg, target.Options{Getenv: t.Getenv, Exec: t.Exec})
	if err != nil {
		return nil, err
	}
	return Environment(ctx, env, opts)
}

// isFile reports whether arg is a regular file that is no program (an
// interpreter is one).
func isFile(arg string) bool {
	fi, err := os.Stat(arg)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 == 0
}

// notTarget says why a plain file is nothing pysbom reads as a target.
func notTarget(arg string) error {
	head := make([]byte, 4096)
	if f, err := os.Open(arg); err == nil {
		n, _ := io.ReadFull(f, head)
		head = head[:n]
		f.Close()
	}
	if sbom.LooksStructured(head) {
		return fmt.Errorf("%s: a JSON or XML document is no Python environment, wheel, sdist or lock file; SBOMs are read by scan, diff and validate", arg)
	}
	return fmt.Errorf("%s: not a Python environment, wheel, sdist or lock file; a requirements file is recognised by its name (requirements*.txt, constraints*.txt, *.in) or by pinned lines, else pass --lock", arg)
}
