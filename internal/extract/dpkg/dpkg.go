// Package dpkg reads the Debian package database (/var/lib/dpkg): which
// installed package owns a file, that package's version and architecture,
// and the MD5 sums dpkg recorded for the file.
//
// Only the files under the directories a scan asks about are kept in
// memory. The database is read, never written.
package dpkg

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/inventory"

	packageurl "github.com/package-url/packageurl-go"
)

// DefaultRoot is where dpkg keeps its database.
const DefaultRoot = "/var/lib/dpkg"

// Package is an installed Debian package.
type Package struct {
	Name, Version, Arch, Source  string
	Maintainer, Homepage, Status string
	// Distro and DistroVersion come from os-release ("debian", "12").
	Distro, DistroVersion string
	listName              string // base name of the .list file
}

// Inventory is the package as the inventory records the distro package that
// installed a component: the one conversion from dpkg's view.
func (p Package) Inventory() *inventory.DistroPackage {
	return &inventory.DistroPackage{Manager: "dpkg", Distro: p.Distro, Name: p.Name, Source: p.Source,
		Version: p.Version, Arch: p.Arch, PURL: p.PURL()}
}

// PURL returns the package URL of the Debian package.
func (p Package) PURL() string {
	q := packageurl.Qualifiers{}
	if p.Arch != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
	}
	if p.Distro != "" && p.DistroVersion != "" {
		q = append(q, packageurl.Qualifier{Key: "distro", Value: p.Distro + "-" + p.DistroVersion})
	}
	if p.Source != "" && p.Source != p.Name {
		// The source package, as syft writes it: advisories name it.
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: p.Source})
	}
	ns := p.Distro
	if ns == "" {
		ns = "debian"
	}
	return packageurl.NewPackageURL("deb", ns, p.Name, p.Version, q, "").ToString()
}

// DB answers ownership questions for files under some directories.
type DB struct {
	fsys   fs.FS               // the database directory
	sums   string              // where PKG.md5sums files are: "info", or "status.d" (distroless)
	owners map[string]*Package // absolute path -> owner
	mu     sync.Mutex
	md5    map[string]map[string]string // list name -> path -> md5 hex
	pkgs   []*Package                   // installed packages, in status order
}

// Open reads the database at root on this machine for files under the
// given directories. It returns nil and no error when there is no dpkg
// database.
func Open(root string, dirs []string, osRelease string) (*DB, error) {
	if _, err := os.Stat(filepath.Join(root, "info")); err != nil {
		return nil, nil
	}
	distro, distroVersion := readOSRelease(osRelease)
	db, err := read(os.DirFS(root), dirs, distro, distroVersion)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	return db, nil
}

// OpenTree reads the database of a root file system (an image): dir is
// var/lib/dpkg, whose status and info lists dpkg writes, or whose
// status.d distroless images write instead (a status paragraph and an
// md5sums file per package). Every file's owner is kept. It returns nil
// and no error when there is no database.
func OpenTree(fsys fs.FS, dir, distro, distroVersion string) (*DB, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "status"); err != nil {
		if _, err := fs.Stat(sub, "status.d"); err != nil {
			return nil, nil
		}
	}
	db, err := read(sub, nil, distro, distroVersion)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return db, nil
}

// read reads the database in fsys; nil dirs keeps every file's owner.
func read(fsys fs.FS, dirs []string, distro, distroVersion string) (*DB, error) {
	db := &DB{fsys: fsys, sums: "info", owners: map[string]*Package{}, md5: map[string]map[string]string{}}
	pkgs, order, err := readStatus(fsys, "status")
	if err != nil {
		return nil, err
	}
	if len(order) == 0 {
		if pkgs, order, err = readStatusD(fsys); err != nil {
			return nil, err
		}
		db.sums = "status.d"
	}
	for _, p := range order {
		p.Distro, p.DistroVersion = distro, distroVersion
		db.pkgs = append(db.pkgs, p)
	}
	prefixes := make([]string, len(dirs))
	for i, d := range dirs {
		prefixes[i] = strings.TrimSuffix(d, "/") + "/"
	}
	if db.sums == "status.d" {
		// No lists: a package's md5sums name its files.
		for _, p := range order {
			for f := range db.sumsOf(p.listName) {
				if dirs == nil || hasAnyPrefix([]byte(f), prefixes) {
					db.owners[f] = p
				}
			}
		}
		return db, nil
	}
	lists, _ := fs.Glob(fsys, "info/*.list")
	for _, l := range lists {
		base := strings.TrimSuffix(path.Base(l), ".list")
		name, arch, _ := strings.Cut(base, ":")
		data, err := readFile(fsys, l, maxList)
		if err != nil {
			continue
		}
		var owner *Package
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) == 0 || dirs != nil && !hasAnyPrefix(line, prefixes) {
				continue
			}
			if owner == nil {
				p := pkgs[name+":"+arch]
				if p == nil {
					p = pkgs[name]
				}
				if p == nil {
					p = &Package{Name: name, Arch: arch}
				}
				cp := *p
				cp.Distro, cp.DistroVersion, cp.listName = distro, distroVersion, base
				owner = &cp
			}
			db.owners[string(line)] = owner
		}
	}
	return db, nil
}

// Limits on the database's files.
const (
	maxStatus = 256 << 20
	maxList   = 64 << 20
)

// readFile reads a file of fsys, at most max bytes.
func readFile(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: more than %d MiB", name, max>>20)
	}
	return data, nil
}

func hasAnyPrefix(line []byte, prefixes []string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(line, []byte(p)) {
			return true
		}
	}
	return false
}

// StatusD reports whether the database is a distroless status.d.
func (db *DB) StatusD() bool { return db != nil && db.sums == "status.d" }

// Packages are the installed packages, in the order the database lists them.
func (db *DB) Packages() []Package {
	if db == nil {
		return nil
	}
	out := make([]Package, len(db.pkgs))
	for i, p := range db.pkgs {
		out[i] = *p
	}
	return out
}

// Owner returns the package that installed the file at the absolute path.
func (db *DB) Owner(path string) (Package, bool) {
	if db == nil {
		return Package{}, false
	}
	p, ok := db.owners[filepath.Clean(path)]
	if !ok {
		return Package{}, false
	}
	return *p, true
}

// MD5 returns the MD5 sum dpkg recorded for the file at the absolute path.
func (db *DB) MD5(path string) (string, bool) {
	if db == nil {
		return "", false
	}
	path = filepath.Clean(path)
	p, ok := db.owners[path]
	if !ok {
		return "", false
	}
	v, ok := db.sumsOf(p.listName)[path]
	return v, ok
}

// sumsOf reads (once) the md5sums file of a package.
func (db *DB) sumsOf(list string) map[string]string {
	db.mu.Lock()
	defer db.mu.Unlock()
	sums, ok := db.md5[list]
	if !ok {
		sums = readMD5Sums(db.fsys, db.sums+"/"+list+".md5sums")
		db.md5[list] = sums
	}
	return sums
}

// readMD5Sums reads "<md5>  <path relative to />" lines.
func readMD5Sums(fsys fs.FS, file string) map[string]string {
	out := map[string]string{}
	f, err := fsys.Open(file)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if ok && len(sum) == 32 {
			out["/"+strings.TrimPrefix(p, "/")] = sum
		}
	}
	return out
}

// readStatus reads the installed packages from a status file: by
// "name:arch" and by name, and in the file's order.
func readStatus(fsys fs.FS, file string) (map[string]*Package, []*Package, error) {
	data, err := readFile(fsys, file, maxStatus)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return map[string]*Package{}, nil, nil
		}
		return nil, nil, err
	}
	out := map[string]*Package{}
	var order []*Package
	for _, p := range ParseStatus(data) {
		if p.Status == "" {
			continue
		}
		out[p.Name+":"+p.Arch] = p
		if _, ok := out[p.Name]; !ok || p.Arch != "all" {
			out[p.Name] = p
		}
		order = append(order, p)
	}
	return out, order, nil
}

// readStatusD reads a distroless status.d: one status paragraph per file,
// the package's md5sums beside it.
func readStatusD(fsys fs.FS) (map[string]*Package, []*Package, error) {
	entries, err := fs.ReadDir(fsys, "status.d")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return map[string]*Package{}, nil, nil
		}
		return nil, nil, err
	}
	out := map[string]*Package{}
	var order []*Package
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md5sums") || e.IsDir() {
			continue
		}
		data, err := readFile(fsys, "status.d/"+e.Name(), maxList)
		if err != nil {
			continue
		}
		for _, p := range ParseStatus(data) {
			if p.Status == "" {
				p.Status = "install ok installed" // status.d lists what is installed
			}
			p.listName = e.Name()
			out[p.Name] = p
			order = append(order, p)
		}
	}
	return out, order, nil
}

// ParseStatus reads the paragraphs of installed packages of a status file.
func ParseStatus(data []byte) []*Package {
	var out []*Package
	for _, para := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n") {
		var p Package
		installed := true
		for _, line := range strings.Split(para, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
				continue
			}
			v = strings.TrimSpace(v)
			switch k {
			case "Package":
				p.Name = v
			case "Version":
				p.Version = v
			case "Architecture":
				p.Arch = v
			case "Source":
				p.Source = strings.Fields(v + " ")[0]
			case "Maintainer":
				p.Maintainer = v
			case "Homepage":
				p.Homepage = v
			case "Status":
				p.Status = v
				installed = strings.HasSuffix(v, " installed")
			}
		}
		if p.Name == "" || !installed {
			continue
		}
		cp := p
		out = append(out, &cp)
	}
	return out
}

// readOSRelease returns ID and VERSION_ID from an os-release file on this
// machine; a dpkg database without one is Debian's.
func readOSRelease(file string) (id, version string) {
	data, _ := os.ReadFile(file)
	r := osrelease.Parse(data)
	if r.ID == "" {
		r.ID = "debian"
	}
	return r.ID, r.VersionID
}
