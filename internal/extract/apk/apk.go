// Package apk reads Alpine's installed-package database
// (lib/apk/db/installed): each package's name, version, architecture,
// origin (source package), licence, maintainer, URL, and the files it
// installed with their checksums.
package apk

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// DBPath is where apk keeps its database in a root file system.
const DBPath = "lib/apk/db/installed"

// Package is one installed package.
type Package struct {
	Name, Version, Arch, Origin, License, Maintainer, URL, Description string
	// Files are the absolute paths it installed, with the SHA-1 apk
	// recorded ("" when none).
	Files []File
}

// File is one installed file.
type File struct {
	Path, SHA1 string
}

// PURL is the package URL, with the distro qualifier ("alpine-3.20.1");
// osID, the os-release ID, is its namespace ("alpine", "wolfi",
// "chainguard"; "alpine" when unknown).
func (p Package) PURL(osID, distro string) string {
	q := packageurl.Qualifiers{}
	if p.Arch != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
	}
	if distro != "" {
		q = append(q, packageurl.Qualifier{Key: "distro", Value: distro})
	}
	if p.Origin != "" && p.Origin != p.Name {
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: p.Origin})
	}
	if osID == "" {
		osID = "alpine"
	}
	return packageurl.NewPackageURL("apk", osID, strings.ToLower(p.Name), p.Version, q, "").ToString()
}

// Limits on the database.
const (
	maxLine     = 1 << 20
	maxPackages = 1 << 16
	maxFiles    = 1 << 22 // files of all packages together
)

// Read reads the database of a root file system; ok is false when there is none.
func Read(fsys fs.FS) ([]Package, bool, error) {
	f, err := fsys.Open(DBPath)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	pkgs, err := Parse(f)
	if err != nil {
		return pkgs, true, fmt.Errorf("%s: %w", DBPath, err)
	}
	return pkgs, true, nil
}

// Parse reads the database's paragraphs: "K:value" lines, a blank line
// between packages. F: names a directory, R: a file in it, Z: the file's
// checksum ("Q1" and base64 SHA-1).
func Parse(r io.Reader) ([]Package, error) {
	var out []Package
	var cur *Package
	var dir string
	files := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" {
			cur, dir = nil, ""
			continue
		}
		if len(text) < 2 || text[1] != ':' {
			continue // an unknown line form: apk ignores it too
		}
		k, v := text[0], text[2:]
		if cur == nil {
			if len(out) >= maxPackages {
				return out, fmt.Errorf("line %d: more than %d packages", line, maxPackages)
			}
			out = append(out, Package{})
			cur = &out[len(out)-1]
		}
		switch k {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.Origin = v
		case 'L':
			cur.License = v
		case 'm':
			cur.Maintainer = v
		case 'U':
			cur.URL = v
		case 'T':
			cur.Description = v
		case 'F':
			dir = "/" + strings.Trim(v, "/")
		case 'R':
			if files++; files > maxFiles {
				return out, fmt.Errorf("line %d: more than %d files", line, maxFiles)
			}
			p := strings.TrimSuffix(dir, "/") + "/" + v
			cur.Files = append(cur.Files, File{Path: p})
		case 'Z':
			if n := len(cur.Files); n > 0 {
				cur.Files[n-1].SHA1 = sha1Of(v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("line %d: %v", line+1, err)
	}
	// Drop paragraphs that name no package.
	kept := out[:0]
	for _, p := range out {
		if p.Name != "" {
			kept = append(kept, p)
		}
	}
	return kept, nil
}

// sha1Of decodes apk's "Q1<base64>" checksum as hex; "" for any other form.
func sha1Of(z string) string {
	b, ok := bytes.CutPrefix([]byte(z), []byte("Q1"))
	if !ok {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil || len(raw) != 20 {
		return ""
	}
	return hex.EncodeToString(raw)
}
