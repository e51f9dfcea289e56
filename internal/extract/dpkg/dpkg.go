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
	"github.com/pysbom/pysbom/internal/inventory"
	"os"
	"path/filepath"
	"strings"
	"sync"

	packageurl "github.com/package-url/packageurl-go"
)

// DefaultRoot is where dpkg keeps its database.
const DefaultRoot = "/var/lib/dpkg"

// Package is an installed Debian package.
type Package struct {
	Name, Version, Arch, Source string
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
	root   string
	owners map[string]*Package // absolute path -> owner
	mu     sync.Mutex
	md5    map[string]map[string]string // list name -> path -> md5 hex
}

// Open reads the database at root for files under the given directories.
// It returns nil and no error when there is no dpkg database.
func Open(root string, dirs []string, osRelease string) (*DB, error) {
	info := filepath.Join(root, "info")
	if _, err := os.Stat(info); err != nil {
		return nil, nil
	}
	pkgs, err := readStatus(filepath.Join(root, "status"))
	if err != nil {
		return nil, err
	}
	distro, distroVersion := readOSRelease(osRelease)
	db := &DB{root: root, owners: map[string]*Package{}, md5: map[string]map[string]string{}}
	lists, _ := filepath.Glob(filepath.Join(info, "*.list"))
	prefixes := make([]string, len(dirs))
	for i, d := range dirs {
		prefixes[i] = strings.TrimSuffix(d, "/") + "/"
	}
	for _, l := range lists {
		base := strings.TrimSuffix(filepath.Base(l), ".list")
		name, arch, _ := strings.Cut(base, ":")
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		var owner *Package
		for _, line := range bytes.Split(data, []byte("\n")) {
			if !hasAnyPrefix(line, prefixes) {
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

func hasAnyPrefix(line []byte, prefixes []string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(line, []byte(p)) {
			return true
		}
	}
	return false
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
	db.mu.Lock()
	defer db.mu.Unlock()
	sums, ok := db.md5[p.listName]
	if !ok {
		sums = readMD5Sums(filepath.Join(db.root, "info", p.listName+".md5sums"))
		db.md5[p.listName] = sums
	}
	v, ok := sums[path]
	return v, ok
}

// readMD5Sums reads "<md5>  <path relative to />" lines.
func readMD5Sums(file string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(file)
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

// readStatus reads the installed packages from dpkg's status file.
func readStatus(file string) (map[string]*Package, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		if os.IsNotExist(err) {
			return map[string]*Package{}, nil
		}
		return nil, err
	}
	out := map[string]*Package{}
	for _, para := range strings.Split(string(data), "\n\n") {
		var p Package
		installed := false
		for _, line := range strings.Split(para, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, " ") {
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
			case "Status":
				installed = strings.HasSuffix(v, " installed")
			}
		}
		if p.Name == "" || !installed {
			continue
		}
		cp := p
		out[p.Name+":"+p.Arch] = &cp
		if _, ok := out[p.Name]; !ok || p.Arch != "all" {
			out[p.Name] = &cp
		}
	}
	return out, nil
}

// readOSRelease returns ID and VERSION_ID from an os-release file.
func readOSRelease(file string) (id, version string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "debian", ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch k {
		case "ID":
			id = v
		case "VERSION_ID":
			version = v
		}
	}
	if id == "" {
		id = "debian"
	}
	return id, version
}
