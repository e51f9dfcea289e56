package dpkg

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// DocRoot is where Debian packages install their changelogs.
var DocRoot = "/usr/share/doc"

var (
	entryRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]* \(([^)]+)\) `)
	cveRE   = regexp.MustCompile(`CVE-\d{4}-\d{4,}`)
)

// Changelog is what an installed package's Debian changelog says.
type Changelog struct {
	// Version is the newest entry's version: the installed package's.
	Version string
	// Fixed maps each CVE the changelog names to the version of the
	// entry that names it.
	Fixed map[string]string
}

// ReadChangelog reads /usr/share/doc/<pkg>/changelog.Debian.gz of the
// running system.
func ReadChangelog(pkg string) (*Changelog, error) {
	if !validPackageName(pkg) {
		return nil, fmt.Errorf("bad package name %q", pkg)
	}
	f, err := os.Open(filepath.Join(DocRoot, pkg, "changelog.Debian.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseChangelog(pkg, f)
}

// ReadChangelogFS reads usr/share/doc/<pkg>/changelog.Debian.gz of a root
// file system (an image's).
func ReadChangelogFS(fsys fs.FS, pkg string) (*Changelog, error) {
	if !validPackageName(pkg) {
		return nil, fmt.Errorf("bad package name %q", pkg)
	}
	f, err := fsys.Open(path.Join("usr/share/doc", pkg, "changelog.Debian.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseChangelog(pkg, f)
}

func validPackageName(pkg string) bool {
	return !strings.ContainsAny(pkg, "/\\") && pkg != "" && pkg != "." && pkg != ".."
}

// parseChangelog reads a gzip-compressed Debian changelog: the newest
// entry's version and, for each CVE named, the entry that names it first.
func parseChangelog(pkg string, r io.Reader) (*Changelog, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s changelog: %w", pkg, err)
	}
	c := &Changelog{Fixed: map[string]string{}}
	sc := bufio.NewScanner(io.LimitReader(gz, 64<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	entry := ""
	for lines := 0; sc.Scan() && lines < 200000; lines++ {
		line := sc.Text()
		if m := entryRE.FindStringSubmatch(line); m != nil {
			entry = m[1]
			if c.Version == "" {
				c.Version = entry
			}
			continue
		}
		for _, cve := range cveRE.FindAllString(line, -1) {
			if _, seen := c.Fixed[cve]; !seen && entry != "" {
				c.Fixed[cve] = entry
			}
		}
	}
	return c, sc.Err()
}
