// Package site scans one site-packages (or dist-packages) directory: it
// reads every installed distribution, keeps one record per distribution,
// hashes every file the distributions list (SHA-1 and SHA-256 from the
// bytes on disk), verifies those hashes against RECORD, and finds files in
// the distributions' folders that no RECORD lists.
package site

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pysbom/pysbom/internal/digest"
	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// Options control a scan.
type Options struct {
	// Workers is the number of files hashed at once; 0 means a default
	// suited to the machine.
	Workers int
	// Progress, when set, is called as files are hashed.
	Progress func(done, total int64)
	// Dpkg, when set, tells which distributions the system package
	// manager installed; their files are verified against dpkg's MD5 sums.
	Dpkg *dpkg.DB
	// Tree is what the site directory is read through, and Name the
	// site directory's name in it; when Tree is nil, Scan opens the
	// tree Tree(dir) gives.
	Tree rootfs.Tree
	Name string
}

// Tree opens the tree a site directory is read through, and gives the
// directory's name in it: the installation prefix when dir is
// <prefix>/lib/pythonX.Y/site-packages (or dist-packages, or
// Lib/site-packages), since RECORD rows reach <prefix>/bin; else dir
// itself. No file outside it is read.
func Tree(dir string) (*rootfs.FS, string, error) {
	root, name := dir, "."
	clean := filepath.Clean(dir)
	base, parent := filepath.Base(clean), filepath.Dir(clean)
	switch {
	case (base == "site-packages" || base == "dist-packages") && pythonDir(filepath.Base(parent)) &&
		(filepath.Base(filepath.Dir(parent)) == "lib" || filepath.Base(filepath.Dir(parent)) == "lib64"):
		root = filepath.Dir(filepath.Dir(parent))
		name = filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(parent)), filepath.Base(parent), base))
	case base == "site-packages" && filepath.Base(parent) == "Lib":
		root, name = filepath.Dir(parent), "Lib/site-packages"
	}
	fsys, err := rootfs.New(root)
	if err != nil {
		return nil, "", fmt.Errorf("scan %s: %w", dir, err)
	}
	return fsys, name, nil
}

func pythonDir(name string) bool {
	return strings.HasPrefix(name, "python") || strings.HasPrefix(name, "pypy")
}

// Result is what one site directory holds.
type Result struct {
	Packages []*inventory.Package
	Problems []inventory.Problem
	problems inventory.ProblemList // gathered here, at most inventory.ProblemsPerKind of a kind per package
}

func (r *Result) add(ps ...inventory.Problem) {
	for _, p := range ps {
		r.problems.Add(p)
	}
}

// Scan scans dir.
func Scan(ctx context.Context, dir string, opt Options) (*Result, error) {
	if opt.Tree == nil {
		var err error
		if opt.Tree, opt.Name, err = Tree(dir); err != nil {
			return nil, err
		}
	}
	tree, name := opt.Tree, opt.Name
	entries, err := tree.ReadDir(name)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	site := distinfo.Site{FS: tree, Name: name, Path: dir}
	res := &Result{}
	var dists []*distinfo.Dist
	for _, e := range entries {
		if !distinfo.IsMetadataName(e.Name()) {
			continue
		}
		d, err := distinfo.Read(site, e.Name())
		if err != nil {
			res.add(inventory.Problem{
				Kind: inventory.BadMetadata, Path: filepath.Join(dir, e.Name()),
				Message: fmt.Sprintf("skipped: %v", err),
			})
			continue
		}
		dists = append(dists, d)
	}
	winners, losers := dedupe(dists, res)
	owned := map[string]bool{}
	for _, d := range append(slices.Clone(winners), losers...) {
		for _, e := range d.Expected {
			owned[e.Path] = true
		}
	}
	// Hash the listed files.
	var jobs []job
	for _, d := range winners {
		res.add(d.Problems...)
		attachDistro(dir, d, opt.Dpkg)
		d.Package.Files = make([]inventory.File, 0, len(d.Expected))
		for _, e := range d.Expected {
			if n := path.Join(name, e.Path); n == ".." || strings.HasPrefix(n, "../") {
				res.add(inventory.Problem{Kind: inventory.BadRecord, Package: d.Package.ID, Path: e.Path,
					Message: "path leaves the environment; not read"})
				continue
			}
			j := job{dist: d, exp: e}
			if d.Package.Distro != nil {
				j.dpkgMD5, j.dpkgListed = opt.Dpkg.MD5(filepath.Join(dir, filepath.FromSlash(e.Path)))
			}
			jobs = append(jobs, j)
		}
	}
	// Find unlisted files in the distributions' folders while the listed
	// ones are hashed (both wait on the file system), then hash those.
	hashed := make(chan []digest.Digests, 1)
	go func() { hashed <- hashAll(ctx, jobs, opt) }()
	extra := unlisted(site, winners, owned, opt.Dpkg, res)
	results := <-hashed
	if len(extra) > 0 {
		more := opt
		if opt.Progress != nil {
			n := int64(len(jobs))
			more.Progress = func(done, total int64) { opt.Progress(n+done, n+total) }
		}
		results = append(results, hashAll(ctx, extra, more)...)
		jobs = append(jobs, extra...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, j := range jobs {
		r := results[i]
		p := j.dist.Package
		prob := func(kind inventory.ProblemKind, format string, args ...any) {
			res.add(inventory.Problem{Kind: kind, Package: p.ID, Path: j.exp.Path, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case r.Err != nil && os.IsNotExist(r.Err) && p.Distro != nil && !j.dpkgListed:
			prob(inventory.StaleRecord, "listed in RECORD but not installed by the %s package %s", p.Distro.Manager, p.Distro.Name)
			continue
		case r.Err != nil && os.IsNotExist(r.Err):
			prob(inventory.MissingFile, "listed in RECORD but missing")
			continue
		case errors.Is(r.Err, rootfs.ErrOutside):
			prob(inventory.OutsideTree, "not read: %v", brief(r.Err))
			continue
		case r.Err != nil:
			prob(inventory.Unreadable, "%v", brief(r.Err))
			continue
		}
		p.Files = append(p.Files, inventory.File{Path: j.exp.Path, Size: r.Size, Hashes: []inventory.Hash{
			{Algorithm: inventory.SHA1, Value: hex.EncodeToString(r.SHA1)},
			{Algorithm: inventory.SHA256, Value: hex.EncodeToString(r.SHA256)},
		}})
		if j.unlisted {
			prob(inventory.UnlistedFile, "in the folder of %s but not in any RECORD", p.Name)
			continue
		}
		if j.dpkgMD5 != "" {
			// The system package manager's record is authoritative: Debian
			// rewrites files after the wheel (and its RECORD) was built.
			if got := hex.EncodeToString(r.MD5); got != j.dpkgMD5 {
				prob(inventory.HashMismatch, "md5 differs from dpkg's md5sums of %s: file changed after installation", p.Distro.Name)
			}
			continue
		}
		if kind, msg, ok := distinfo.Verify(j.exp, distinfo.Measured{Size: r.Size, Record: r.Record, Prefix256: r.Prefix256}, "installation"); !ok {
			prob(kind, "%s", msg)
		}
	}
	for _, d := range winners {
		res.Packages = append(res.Packages, d.Package)
	}
	res.Problems = res.problems.Problems()
	return res, nil
}

// dedupe keeps one record per distribution name. Debian, for one, ships a
// current .dist-info beside a stale .egg-info of the same distribution.
func dedupe(dists []*distinfo.Dist, res *Result) (winners, losers []*distinfo.Dist) {
	byKey := map[string][]*distinfo.Dist{}
	var keys []string
	for _, d := range dists {
		if _, ok := byKey[d.Key]; !ok {
			keys = append(keys, d.Key)
		}
		byKey[d.Key] = append(byKey[d.Key], d)
	}
	sort.Strings(keys)
	for _, k := range keys {
		group := byKey[k]
		sort.SliceStable(group, func(i, j int) bool { return better(group[i], group[j]) })
		winners = append(winners, group[0])
		for _, l := range group[1:] {
			losers = append(losers, l)
			w := group[0].Package
			res.add(inventory.Problem{
				Kind: inventory.DuplicateMetadata, Package: w.ID, Path: l.Package.Python.MetadataDir,
				Message: fmt.Sprintf("%s %s is also described by %s (version %s); counted once, as %s",
					w.Name, w.Version, l.Package.Python.MetadataDir, l.Package.Version, w.Python.MetadataDir),
			})
		}
	}
	return winners, losers
}

// better prefers .dist-info over .egg-info, a RECORD over none, and then
// the higher version.
func better(a, b *distinfo.Dist) bool {
	ad := strings.HasSuffix(a.Package.Python.MetadataDir, ".dist-info")
	bd := strings.HasSuffix(b.Package.Python.MetadataDir, ".dist-info")
	if ad != bd {
		return ad
	}
	if a.Listed != b.Listed {
		return a.Listed
	}
	av, errA := pep440.Parse(a.Package.Version)
	bv, errB := pep440.Parse(b.Package.Version)
	if errA == nil && errB == nil && av.Compare(bv) != 0 {
		return av.Compare(bv) > 0
	}
	return a.Package.Python.MetadataDir < b.Package.Python.MetadataDir
}

// unlisted walks the top-level folders that distributions with a RECORD
// install into and returns hashing jobs for files no RECORD lists. Bytecode
// caches (__pycache__/*.pyc) are expected and skipped.
func unlisted(site distinfo.Site, winners []*distinfo.Dist, owned map[string]bool, db *dpkg.DB, res *Result) []job {
	// Which distribution owns each directory: the one listing most files in it.
	dirOwner := map[string]*distinfo.Dist{}
	dirCount := map[string]map[*distinfo.Dist]int{}
	tops := map[string]bool{}
	for _, d := range winners {
		if !d.Listed {
			continue
		}
		for _, e := range d.Expected {
			if strings.HasPrefix(e.Path, "../") || !strings.Contains(e.Path, "/") {
				continue
			}
			tops[e.Path[:strings.IndexByte(e.Path, '/')]] = true
			for p := path.Dir(e.Path); p != "."; p = path.Dir(p) {
				if dirCount[p] == nil {
					dirCount[p] = map[*distinfo.Dist]int{}
				}
				dirCount[p][d]++
			}
		}
	}
	for p, counts := range dirCount {
		var best *distinfo.Dist
		for d, n := range counts {
			if best == nil || n > counts[best] || (n == counts[best] && d.Package.ID < best.Package.ID) {
				best = d
			}
		}
		dirOwner[p] = best
	}
	var jobs []job
	unownedRoot(site, owned, db, res)
	topList := make([]string, 0, len(tops))
	for t := range tops {
		topList = append(topList, t)
	}
	sort.Strings(topList)
	sub, err := fs.Sub(site.FS, site.Name)
	if err != nil {
		return nil
	}
	for _, top := range topList {
		_ = fs.WalkDir(sub, top, func(rel string, e fs.DirEntry, err error) error {
			if err != nil {
				if !os.IsNotExist(err) {
					res.add(inventory.Problem{Kind: inventory.Unreadable, Path: rel, Message: fmt.Sprintf("cannot list: %v", brief(err))})
				}
				return nil
			}
			if e.IsDir() || owned[rel] {
				return nil
			}
			if strings.HasSuffix(rel, ".pyc") && strings.Contains(rel, "__pycache__/") {
				return nil
			}
			if !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			for d := path.Dir(rel); d != "."; d = path.Dir(d) {
				if o := dirOwner[d]; o != nil {
					jobs = append(jobs, job{dist: o, exp: distinfo.Expected{Path: rel, Size: -1}, unlisted: true})
					return nil
				}
			}
			return nil
		})
	}
	return jobs
}

// brief is an error without the path a PathError repeats: problems
// already name their file.
func brief(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type job struct {
	dist       *distinfo.Dist
	exp        distinfo.Expected
	unlisted   bool
	dpkgMD5    string
	dpkgListed bool
}

// attachDistro records the system package that installed the distribution.
func attachDistro(dir string, d *distinfo.Dist, db *dpkg.DB) {
	meta := filepath.Join(dir, d.Package.Python.MetadataDir)
	for _, cand := range []string{filepath.Join(meta, "METADATA"), filepath.Join(meta, "PKG-INFO"), meta} {
		if owner, ok := db.Owner(cand); ok {
			d.Package.Distro = owner.Inventory()
			return
		}
	}
}

// hashAll hashes every job's file with a pool of workers.
func hashAll(ctx context.Context, jobs []job, opt Options) []digest.Digests {
	out := make([]digest.Digests, len(jobs))
	workers := opt.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	var next, done atomic.Int64
	total := int64(len(jobs))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				out[i] = hashFile(opt.Tree, path.Join(opt.Name, j.exp.Path),
					digest.Want{RecordAlgo: j.exp.Algorithm, RecordSize: j.exp.Size, MD5: j.dpkgMD5 != ""})
				if n := done.Add(1); opt.Progress != nil && (n%256 == 0 || n == total) {
					opt.Progress(n, total)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// unownedRoot reports files at the top of the site directory that no
// distribution lists. A .pth file among them runs code at every
// interpreter start, so it deserves a look.
func unownedRoot(site distinfo.Site, owned map[string]bool, db *dpkg.DB, res *Result) {
	dir := site.Path
	entries, err := site.FS.ReadDir(site.Name)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || owned[n] || n == "README.txt" || n == "README" {
			continue
		}
		if _, ok := db.Owner(filepath.Join(dir, n)); ok {
			continue
		}
		msg := "no installed distribution lists this file"
		if strings.HasSuffix(n, ".pth") {
			msg = "no installed distribution lists this .pth file, which the interpreter processes at start-up"
		}
		res.add(inventory.Problem{Kind: inventory.UnlistedFile, Path: n, Message: msg})
	}
}
