package extract

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/digest"
	"github.com/pysbom/pysbom/internal/extract/syslib"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// maxHashedFile bounds a file --files all hashes.
var maxHashedFile int64 = 4 << 30 // a variable for the tests

// FilesAll, as Options.Files, lists every regular file of a root file
// system or image, not only those of its Python installations.
const FilesAll = "all"

// allFiles adds every regular file of the root that no component lists
// yet, hashed (SHA-1, SHA-256), to the OS package that installed it, else
// to the root component: --files all.
func (r Root) allFiles(ctx context.Context, inv *inventory.Inventory, owner syslib.Owner, workers int) error {
	listed := map[string]bool{}
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		for _, f := range p.Files {
			name := f.Path
			if p.Python != nil && p.Python.Location != "" && !path.IsAbs(name) {
				name = path.Join(p.Python.Location, name)
			}
			listed[path.Clean("/"+name)] = true
		}
	}
	var names []string
	err := fs.WalkDir(r.Tree, ".", func(name string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return nil // an unreadable directory: what it holds is not listed
		}
		if d.IsDir() && skipDirs[name] {
			return fs.SkipDir
		}
		if d.Type().IsRegular() && !listed["/"+name] {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	files := make([]inventory.File, len(names))
	tooLarge := make([]bool, len(names))
	parallel.For(ctx, len(names), workers, func(i int) {
		var err error
		files[i], err = hashFile(r.Tree, names[i], "/"+names[i])
		tooLarge[i] = errors.Is(err, errTooLarge)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, big := range tooLarge {
		if big {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.Unreadable, Package: inv.Root.ID, Path: files[i].Path,
				Message: fmt.Sprintf("%d bytes, %v", files[i].Size, errTooLarge)})
		}
	}
	byPURL := map[string]*inventory.Package{}
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindOSPackage {
			byPURL[p.PURL] = p
		}
	}
	// A CPython built into a prefix (not a distro's) holds what is in it:
	// its standard library, headers, scripts.
	var prefixes []*inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindInterpreter && p.Distro == nil && p.Prop(inventory.PropInstallation) != "" {
			prefixes = append(prefixes, p)
		}
	}
	for _, f := range files {
		holder := inv.Root
		for _, p := range prefixes {
			if strings.HasPrefix(f.Path, p.Prop(inventory.PropInstallation)+"/") {
				holder = p
			}
		}
		// Debian's merged /usr: dpkg may list /lib/x for /usr/lib/x.
		for _, name := range []string{f.Path, strings.TrimPrefix(f.Path, "/usr")} {
			if d, ok := owner(name); ok && byPURL[d.PURL] != nil {
				holder = byPURL[d.PURL]
				break
			}
		}
		holder.Files = append(holder.Files, f)
	}
	for _, p := range append([]*inventory.Package{inv.Root}, inv.Packages...) {
		if p.Kind == inventory.KindOSPackage || p.Kind == inventory.KindInterpreter || p == inv.Root {
			slices.SortFunc(p.Files, func(a, b inventory.File) int { return strings.Compare(a.Path, b.Path) })
		}
	}
	return nil
}

// errTooLarge is a file over maxHashedFile: listed, not hashed.
var errTooLarge = fmt.Errorf("more than the %d GiB hashed: listed without checksums", maxHashedFile>>30)

// hashFile hashes the regular file name of tree (SHA-1 and SHA-256) into
// a file entry named as. A file over maxHashedFile (a sparse member of
// gigabytes of zeros) gives its entry with its size and errTooLarge.
func hashFile(tree rootfs.Tree, name, as string) (inventory.File, error) {
	f := inventory.File{Path: as}
	rd, size, err := tree.OpenReader(name)
	if err != nil {
		return f, err
	}
	defer rd.Close()
	if size > maxHashedFile {
		f.Size = size
		return f, errTooLarge
	}
	d := digest.Read(rd, size, digest.Want{RecordSize: -1})
	if d.Err != nil {
		return f, d.Err
	}
	f.Size = d.Size
	f.Hashes = []inventory.Hash{{Algorithm: inventory.SHA1, Value: hex.EncodeToString(d.SHA1)},
		{Algorithm: inventory.SHA256, Value: hex.EncodeToString(d.SHA256)}}
	return f, nil
}
