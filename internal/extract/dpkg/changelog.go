package dpkg

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
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

// ReadChangelog reads /usr/share/doc/<pkg>/changelog.Debian.gz.
func ReadChangelog(pkg string) (*Changelog, error) {
	if strings.ContainsAny(pkg, "/\\") || pkg == "" || pkg == "." || pkg == ".." {
		return nil, fmt.Errorf("bad package name %q", pkg)
	}
	f, err := os.Open(filepath.Join(DocRoot, pkg, "changelog.Debian.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s changelog: %w", pkg, err)
	}
	c := &Changelog{Fixed: map[string]string{}}
	sc := bufio.NewScanner(gz)
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
