package extract

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/extract/embedded"
	"github.com/pysbom/pysbom/internal/extract/sdist"
	"github.com/pysbom/pysbom/internal/extract/wheel"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/native/elffile"
	"github.com/pysbom/pysbom/internal/parallel"
)

// artifact is one wheel or sdist read.
type artifact struct {
	file    string
	pkg     *inventory.Package
	carried embedded.Result
	err     error
}

// Artifacts reads wheels and sdists. With one file and dir "", the
// artifact's distribution is the root. With a folder (a wheelhouse), the
// folder is the root and CONTAINS every artifact; an artifact that cannot
// be read is a problem, and the others are still read. Artifacts are read
// in parallel.
func Artifacts(ctx context.Context, dir string, files []string, opt Options) (*inventory.Inventory, error) {
	results := make([]artifact, len(files))
	parallel.For(ctx, len(files), opt.Workers, func(i int) { results[i] = readArtifact(files[i], opt.Examined) })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	inv := &inventory.Inventory{}
	if dir == "" {
		if len(results) != 1 {
			return nil, fmt.Errorf("a single artifact target needs exactly one file, got %d", len(results))
		}
		r := results[0]
		if r.err != nil {
			return nil, r.err
		}
		inv.Root = r.pkg
		inv.Packages = r.carried.Packages
		inv.Relationships = r.carried.Relationships
		inv.Problems = r.carried.Problems
		if inv.Root.Supplier.IsZero() && !opt.Supplier.IsZero() {
			inv.Root.Supplier = opt.Supplier
		}
		unknownSuppliers(inv)
		inv.Sort()
		return inv, nil
	}
	root := &inventory.Package{ID: "wheelhouse", Kind: inventory.KindCollection, FoundBy: "pysbom"}
	inv.Root = root
	seen := map[string]bool{}
	var lines []string
	for _, r := range results {
		if r.err != nil {
			inv.Problems = append(inv.Problems, inventory.Problem{Kind: inventory.BadArchive, Path: filepath.Base(r.file),
				Message: fmt.Sprintf("not read: %v", r.err)})
			continue
		}
		if seen[r.pkg.ID] {
			// Several wheels of one release (one per platform): each is its own component.
			rename(&r, r.pkg.ID+"#"+filepath.Base(r.file))
		}
		seen[r.pkg.ID] = true
		inv.Packages = append(inv.Packages, r.pkg)
		inv.Packages = append(inv.Packages, r.carried.Packages...)
		inv.Relationships = append(inv.Relationships, r.carried.Relationships...)
		inv.Relationships = append(inv.Relationships, inventory.Relationship{From: root.ID, Type: inventory.Contains, To: r.pkg.ID})
		inv.Problems = append(inv.Problems, r.carried.Problems...)
		lines = append(lines, filepath.Base(r.file)+" "+r.pkg.Hash(inventory.SHA256))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	root.Name = opt.Name
	if root.Name == "" {
		root.Name = displayPath(dir)
	}
	root.Version = fmt.Sprintf("sha256:%x", sum[:6])
	root.Extend().Summary = fmt.Sprintf("folder of %s (wheels and sdists)", plural(len(lines), "Python artifact", "Python artifacts"))
	root.PURL = packageurl.NewPackageURL("generic", "", filepath.Base(filepath.FromSlash(root.Name)), root.Version, nil, "").ToString()
	root.Supplier = opt.Supplier // the owner of the folder is not a supplier
	unknownSuppliers(inv)
	inv.Sort()
	return inv, nil
}

// examined, when not nil, is given each ELF binary of a wheel parsed, as
// WHEEL!MEMBER.
func readArtifact(file string, examined func(path string, f *elffile.File, strs []byte)) artifact {
	a := artifact{file: file}
	switch {
	case strings.HasSuffix(file, ".whl"):
		var seen binaries.Seen
		if examined != nil {
			seen = func(name string, f *elffile.File, strs []byte) { examined(file+"!"+name, f, strs) }
		}
		res, err := wheel.Read(file, archive.DefaultLimits, seen)
		if err != nil {
			a.err = err
			return a
		}
		a.pkg, a.carried = res.Package, res.Carried
	case sdist.IsSdist(file):
		res, err := sdist.Read(file, archive.DefaultLimits)
		if err != nil {
			a.err = err
			return a
		}
		a.pkg, a.carried.Problems = res.Package, res.Problems
	default:
		a.err = fmt.Errorf("%s: not a wheel or sdist", file)
	}
	return a
}

// rename gives an artifact's package a new ID, and the components it
// carries IDs scoped to the new one.
func rename(a *artifact, id string) {
	old := a.pkg.ID
	re := func(s string) string {
		if s == old {
			return id
		}
		if strings.HasPrefix(s, old+">") {
			return id + s[len(old):]
		}
		return s
	}
	a.pkg.ID = id
	for _, p := range a.carried.Packages {
		p.ID = re(p.ID)
	}
	for i := range a.carried.Relationships {
		r := &a.carried.Relationships[i]
		r.From, r.To = re(r.From), re(r.To)
	}
	for i := range a.carried.Problems {
		a.carried.Problems[i].Package = re(a.carried.Problems[i].Package)
	}
}
