package audit

import (
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/parallel"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// Dir is a file or folder of a tree to audit, with the owner of what is
// in it when no distribution's RECORD names one (CPython's own modules).
type Dir struct {
	Name  string
	Owner Owner
}

// AuditTree examines the native binaries under dirs (names in tree, such
// as an image's site-packages and lib-dynload folders), read through the
// tree: nothing of it is opened on the host. Binaries are shown by their
// absolute names in the tree ("/usr/local/lib/python3.12/..."), the names
// opt.Known is keyed by.
func AuditTree(ctx context.Context, tree rootfs.Tree, dirs []Dir, opt Options) (*Report, error) {
	rep := &Report{}
	owners := map[string]Owner{}
	var candidates []string
	seen := map[string]bool{}
	for _, d := range dirs {
		dir := d.Name
		err := fs.WalkDir(tree, dir, func(name string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable or missing folder: nothing to examine
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(name, dir), "/")
			if rel != "" && opt.excluded(rel) {
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if strings.HasSuffix(e.Name(), ".dist-info") {
					treeOwners(owners, tree, path.Dir(name), e.Name())
				}
				return nil
			}
			if e.Type().IsRegular() && !skipExt[strings.ToLower(path.Ext(e.Name()))] && !seen[name] {
				seen[name] = true
				candidates = append(candidates, name)
				if _, ok := owners[name]; !ok && d.Owner.Name != "" {
					owners[name] = d.Owner
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	bins := make([][]*Binary, len(candidates))
	tick := opt.counter(len(candidates))
	parallel.For(ctx, len(candidates), 0, func(i int) {
		name := candidates[i]
		if b := opt.known("/"+name, "/"+name, owners[name]); b != nil {
			bins[i] = []*Binary{b}
		} else if r, size, err := tree.OpenReader(name); err == nil {
			if bs, err := examineReader("/"+name, r, size); err == nil {
				for _, b := range bs {
					b.Owner = owners[name]
				}
				bins[i] = bs
			}
			r.Close()
		}
		tick()
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, bs := range bins {
		rep.Binaries = append(rep.Binaries, bs...)
	}
	slices.SortFunc(rep.Binaries, func(a, b *Binary) int { return strings.Compare(a.Path, b.Path) })
	return rep, nil
}

// treeOwners maps the files a dist-info RECORD lists to its distribution.
func treeOwners(owners map[string]Owner, tree rootfs.Tree, site, name string) {
	d, err := distinfo.Read(distinfo.Site{FS: tree, Name: site, Path: "/" + site}, name)
	if err != nil {
		return
	}
	o := Owner{d.Package.Name, d.Package.Version}
	for _, e := range d.Expected {
		owners[path.Join(site, e.Path)] = o
	}
}

// counter gives the function each worker calls after a file: it reports
// progress, when asked for, counting to total.
func (o Options) counter(total int) func() {
	if o.Progress == nil {
		return func() {}
	}
	var mu sync.Mutex
	var done int64
	return func() {
		mu.Lock()
		defer mu.Unlock()
		done++
		o.Progress(done, int64(total))
	}
}
