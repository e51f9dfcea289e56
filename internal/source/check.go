package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pysbom/pysbom/internal/parallel"
)

// Problem is one disagreement between the manifest, the SBOM and the tree.
type Problem struct {
	Package string
	File    string
	Msg     string
	Fix     string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Package != "" {
		b.WriteString(p.Package + ": ")
	}
	if p.File != "" {
		b.WriteString(p.File + ": ")
	}
	b.WriteString(p.Msg)
	if p.Fix != "" {
		b.WriteString(" (" + p.Fix + ")")
	}
	return b.String()
}

// Result is the files of every package and the problems found.
type Result struct {
	Files    map[string][]File
	Problems []Problem
}

// Compute hashes the files of every package and checks the manifest
// against the tree (everything but the recorded SBOM).
func Compute(ctx context.Context, root string, m *Manifest, tree *Tree) Result {
	res := Result{Files: map[string][]File{}}
	add := func(pkg, file, msg, fix string) {
		res.Problems = append(res.Problems, Problem{pkg, file, msg, fix})
	}
	claimed := map[string]string{}
	for _, p := range m.Packages {
		for _, f := range requiredFields(p) {
			add(p.Name, "", "missing "+f, "add "+f+" to the package in "+ManifestName)
		}
		if p.Version != "" && p.DownloadURL != "" && !strings.Contains(p.DownloadURL, p.Version) {
			add(p.Name, "", fmt.Sprintf("version %s is not in download_url %s", p.Version, p.DownloadURL), "update the URL to the release of this version")
		}
		for _, id := range append(append([]string{}, p.CPE...), p.PURL...) {
			if p.Version != "" && !strings.Contains(id, p.Version) {
				add(p.Name, "", fmt.Sprintf("version %s is not in identifier %s", p.Version, id), "update the identifier to this version")
			}
		}
		for _, g := range p.Include {
			if !slices.ContainsFunc(tree.Under(g), func(f string) bool { return Match(g, f) }) {
				add(p.Name, "", fmt.Sprintf("include glob %q matches no file", g), "fix the glob or remove it from "+ManifestName)
			}
		}
		var mine []string
		for _, f := range tree.Covered(p) {
			if other, ok := claimed[f]; ok {
				add(p.Name, f, "also claimed by package "+other, "exclude it from one of them")
				continue
			}
			claimed[f] = p.Name
			mine = append(mine, f)
		}
		hashed := make([]File, len(mine))
		errs := make([]error, len(mine))
		parallel.For(ctx, len(mine), 0, func(i int) { hashed[i], errs[i] = tree.Hash(mine[i]) })
		for i, f := range mine {
			if errs[i] != nil {
				add(p.Name, f, "cannot read: "+errs[i].Error(), "")
				continue
			}
			res.Files[p.Name] = append(res.Files[p.Name], hashed[i])
		}
		if v, where, ok := codeVersion(root, p, res.Files[p.Name]); ok && v != p.Version {
			add(p.Name, where, fmt.Sprintf("the vendored code declares version %s, the manifest %s", v, p.Version),
				"update the version, URL, checksum and identifiers in "+ManifestName+", or the vendored code")
		}
	}
	// A file under a vendored folder that no package covers or excludes.
	// Exclude globs are filed by their static folder, so a file is tried
	// only against those of its own ancestor folders.
	excludes := map[string][]string{}
	for _, p := range m.Packages {
		for _, g := range p.Exclude {
			excludes[staticDir(g)] = append(excludes[staticDir(g)], g)
		}
	}
	for _, f := range tree.Files {
		if _, ok := claimed[f]; ok {
			continue
		}
		excluded := false
		for d := f; !excluded; {
			d = path.Dir(d)
			if d == "." {
				d = ""
			}
			excluded = slices.ContainsFunc(excludes[d], func(g string) bool { return Match(g, f) })
			if d == "" {
				break
			}
		}
		if !excluded {
			add("", f, "new file under a vendored folder, covered by no package", "add it to a package's include globs or to its exclude globs")
		}
	}
	return res
}

func requiredFields(p Package) []string {
	var out []string
	for _, f := range []struct{ name, v string }{{"version", p.Version}, {"download_url", p.DownloadURL}, {"sha256", p.SHA256}, {"license", p.License}} {
		if f.v == "" {
			out = append(out, f.name)
		}
	}
	if len(p.CPE) == 0 && len(p.PURL) == 0 {
		out = append(out, "cpe or purl")
	}
	return out
}

// CompareRecorded reports how the SBOM on disk differs from the tree.
func CompareRecorded(recordedJSON []byte, sbomPath string, res Result) []Problem {
	rec, err := readRecorded(recordedJSON)
	if err != nil {
		return []Problem{{File: sbomPath, Msg: "cannot read the SBOM: " + err.Error(), Fix: "run pysbom source update"}}
	}
	var out []Problem
	seen := map[string]bool{}
	names := make([]string, 0, len(res.Files))
	for n := range res.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, f := range res.Files[name] {
			seen[f.Path] = true
			old, ok := rec.byPath[f.Path]
			switch {
			case !ok:
				out = append(out, Problem{name, f.Path, "new file, not in " + sbomPath, "run pysbom source update, or exclude it"})
			case old.sum("SHA256") != f.SHA256 || old.sum("SHA1") != f.SHA1:
				out = append(out, Problem{name, f.Path, "changed since " + sbomPath + " was written (SHA-256 " + short(old.sum("SHA256")) + " is now " + short(f.SHA256) + ")",
					"if the change is intended, run pysbom source update; a changed vendored file may also need a new version"})
			case rec.owner[f.Path] != name:
				out = append(out, Problem{name, f.Path, "recorded under package " + rec.owner[f.Path], "run pysbom source update"})
			}
		}
	}
	var gone []string
	for p := range rec.byPath {
		if !seen[p] {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	for _, p := range gone {
		out = append(out, Problem{rec.owner[p], p, "in " + sbomPath + " but no longer covered (removed, renamed or excluded)", "run pysbom source update, or restore the file"})
	}
	return out
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// CheckArchives compares each package's archive checksum with the file
// of the same name in dir (offline verification of download_url).
func CheckArchives(m *Manifest, dir string) []Problem {
	return checkArchives(m, func(p Package) (io.ReadCloser, string, error) {
		name := path.Base(p.DownloadURL)
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, "archive not found in " + dir, err
		}
		return f, "", nil
	})
}

// MaxArchive caps a downloaded archive.
const MaxArchive = 2 << 30

// DownloadArchives fetches each package's download_url with client and
// compares the SHA-256 of what it gets with the manifest's.
func DownloadArchives(ctx context.Context, client *http.Client, m *Manifest) []Problem {
	return checkArchives(m, func(p Package) (io.ReadCloser, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.DownloadURL, nil)
		if err != nil {
			return nil, "bad download_url", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, "download failed", err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, "download failed", fmt.Errorf("HTTP %s", resp.Status)
		}
		return struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, MaxArchive), resp.Body}, "", nil
	})
}

func checkArchives(m *Manifest, open func(Package) (io.ReadCloser, string, error)) []Problem {
	var out []Problem
	for _, p := range m.Packages {
		if p.DownloadURL == "" {
			continue
		}
		name := path.Base(p.DownloadURL)
		f, what, err := open(p)
		if err != nil {
			out = append(out, Problem{p.Name, name, what + ": " + err.Error(), "check download_url"})
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			out = append(out, Problem{p.Name, name, "cannot read archive: " + err.Error(), ""})
			continue
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(p.SHA256) {
			out = append(out, Problem{p.Name, name, fmt.Sprintf("archive SHA-256 is %s, the manifest says %s", got, orNone(p.SHA256)),
				"check where the archive came from; if it is the right one, update sha256"})
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// versionRule finds the version a vendored library's own code declares.
type versionRule struct {
	file string         // base name of the file holding it
	re   *regexp.Regexp // submatches joined with "."
}

var versionRules = []versionRule{
	{"expat.h", regexp.MustCompile(`(?s)#define\s+XML_MAJOR_VERSION\s+(\d+).*?#define\s+XML_MINOR_VERSION\s+(\d+).*?#define\s+XML_MICRO_VERSION\s+(\d+)`)},
	{"mpdecimal.h", regexp.MustCompile(`#define\s+MPD_VERSION\s+"([^"]+)"`)},
	{"zlib.h", regexp.MustCompile(`#define\s+ZLIB_VERSION\s+"([^"]+)"`)},
	{"sqlite3.h", regexp.MustCompile(`#define\s+SQLITE_VERSION\s+"([^"]+)"`)},
	{"opensslv.h", regexp.MustCompile(`#\s*define\s+OPENSSL_VERSION_TEXT\s+"OpenSSL\s+(\S+)`)},
	{"VERSION.dat", regexp.MustCompile(`(?s)MAJOR=(\d+).*?MINOR=(\d+).*?PATCH=(\d+)`)},
	{"ffi.h", regexp.MustCompile(`libffi\s+(\d+\.\d+\.\d+)`)},
	{"bzlib_private.h", regexp.MustCompile(`#define\s+BZ_VERSION\s+"([0-9.]+)`)},
	{"version.h", regexp.MustCompile(`(?s)#define\s+LZMA_VERSION_MAJOR\s+(\d+).*?#define\s+LZMA_VERSION_MINOR\s+(\d+).*?#define\s+LZMA_VERSION_PATCH\s+(\d+)`)},
	{"zstd.h", regexp.MustCompile(`(?s)#define\s+ZSTD_VERSION_MAJOR\s+(\d+).*?#define\s+ZSTD_VERSION_MINOR\s+(\d+).*?#define\s+ZSTD_VERSION_RELEASE\s+(\d+)`)},
	{"refresh.sh", regexp.MustCompile(`expected_hacl_star_rev=([0-9a-f]{40})`)},
	{"blake2.h", regexp.MustCompile(`BLAKE2_VERSION\s+"([^"]+)"`)},
}

// codeVersion reads the version the package's vendored code declares,
// from the files it covers and, for refresh scripts (HACL*), from the
// folders of its include globs.
func codeVersion(root string, p Package, files []File) (version, where string, ok bool) {
	candidates := map[string]bool{}
	for _, f := range files {
		candidates[f.Path] = true
	}
	for _, g := range p.Include {
		d := staticDir(g)
		for _, r := range versionRules {
			candidates[path.Join(d, r.file)] = true
		}
	}
	var paths []string
	for c := range candidates {
		paths = append(paths, c)
	}
	sort.Strings(paths)
	for _, r := range versionRules {
		for _, c := range paths {
			if path.Base(c) != r.file {
				continue
			}
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(c)))
			if err != nil || len(data) > 8<<20 {
				continue
			}
			if m := r.re.FindSubmatch(data); m != nil {
				var parts []string
				for _, s := range m[1:] {
					parts = append(parts, string(s))
				}
				return strings.Join(parts, "."), c, true
			}
		}
	}
	return "", "", false
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
