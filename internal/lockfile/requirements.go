package lockfile

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep440"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/pep508"
	"github.com/pysbom/pysbom/internal/python/wheelname"
)

// maxIncludeDepth bounds -r/-c nesting.
const maxIncludeDepth = 16

// eggRE finds the project name of a URL requirement.
var eggRE = regexp.MustCompile(`[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)`)

// parseRequirements reads pip's requirements file format.
func parseRequirements(file string, data []byte) (*Lock, error) {
	r := &reqParser{seen: map[string]bool{}, constraints: map[string]Package{}}
	if err := r.file(file, data, 0, false); err != nil {
		return nil, err
	}
	// Constraints pin requirements that are otherwise unpinned, as pip
	// would install them.
	for i, p := range r.lock.Packages {
		if c, ok := r.constraints[pep503.Normalize(p.Name)]; ok && p.Version == "" && c.Version != "" {
			r.lock.Packages[i].Version = c.Version
			r.lock.Packages[i].Groups = append(r.lock.Packages[i].Groups, "pinned-by-constraint")
			r.lock.Packages[i].Hashes = append(r.lock.Packages[i].Hashes, c.Hashes...)
		}
	}
	return &r.lock, nil
}

type reqParser struct {
	lock        Lock
	seen        map[string]bool
	constraints map[string]Package
	index       string
}

// logicalLines joins continuation lines and drops comments, keeping the
// line number where each logical line starts.
func logicalLines(data []byte) (lines []string, nums []int) {
	var cur strings.Builder // the logical line so far, grown once per physical line
	start := 0
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimRight(raw, "\r")
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(line)
		s := cur.String()
		if j := commentAt(s); j >= 0 {
			s = s[:j]
		}
		if s := strings.TrimSpace(s); s != "" {
			lines, nums = append(lines, s), append(nums, start)
		}
		cur.Reset()
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		lines, nums = append(lines, s), append(nums, start)
	}
	return lines, nums
}

// commentAt finds a "#" that starts a comment: at the start of the line
// or after white space (a URL fragment "#egg=" is not one).
func commentAt(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}

func (r *reqParser) file(file string, data []byte, depth int, constraint bool) error {
	abs, _ := filepath.Abs(file)
	if r.seen[abs] {
		return nil
	}
	r.seen[abs] = true
	lines, nums := logicalLines(data)
	for i, line := range lines {
		if err := r.line(file, line, nums[i], depth, constraint); err != nil {
			return err
		}
	}
	return nil
}

func (r *reqParser) line(file, line string, num, depth int, constraint bool) error {
	fail := func(format string, args ...any) error {
		return &Error{File: file, Line: num, Msg: fmt.Sprintf(format, args...)}
	}
	fields := strings.Fields(line)
	opt, val := fields[0], ""
	if k, v, ok := strings.Cut(opt, "="); ok && strings.HasPrefix(opt, "--") {
		opt, val = k, v
	} else if len(fields) > 1 {
		val = fields[1]
	}
	switch opt {
	case "-r", "--requirement", "-c", "--constraint":
		if val == "" {
			return fail("%s needs a file name", opt)
		}
		if depth >= maxIncludeDepth {
			return fail("includes nested more than %d deep", maxIncludeDepth)
		}
		inc := val
		if !filepath.IsAbs(inc) {
			inc = filepath.Join(filepath.Dir(file), inc)
		}
		if strings.Contains(inc, "://") {
			return fail("%s %s: remote includes are not read", opt, val)
		}
		data, err := readLimited(inc)
		if err != nil {
			return fail("%s %s: %v", opt, val, err)
		}
		return r.file(inc, data, depth+1, constraint || opt == "-c" || opt == "--constraint")
	case "-i", "--index-url":
		r.index = val
		return nil
	case "-e", "--editable":
		if val == "" {
			return fail("%s needs a path or URL", opt)
		}
		p := r.urlRequirement(val, num)
		p.SourceKind = "editable"
		r.add(p, constraint)
		return nil
	}
	if strings.HasPrefix(opt, "-") {
		if reqOptions[opt] {
			return nil // how pip finds and builds packages, not which
		}
		return fail("unknown option %s", opt)
	}
	// Split per-requirement options (--hash) from the requirement.
	var hashes []Hash
	var reqParts []string
	for j := 0; j < len(fields); j++ {
		f := fields[j]
		switch {
		case strings.HasPrefix(f, "--hash="):
			h, ok := parseHash(strings.TrimPrefix(f, "--hash="))
			if !ok {
				return fail("malformed %s", f)
			}
			hashes = append(hashes, h)
		case f == "--hash" && j+1 < len(fields):
			h, ok := parseHash(fields[j+1])
			if !ok {
				return fail("malformed --hash %s", fields[j+1])
			}
			hashes = append(hashes, h)
			j++
		case strings.HasPrefix(f, "--"):
			// --global-option and friends apply to how a package is built.
		default:
			reqParts = append(reqParts, f)
		}
	}
	text := strings.Join(reqParts, " ")
	var p Package
	if isURLish(text) {
		p = r.urlRequirement(text, num)
	} else {
		req, err := pep508.Parse(text)
		if err != nil {
			return fail("%v", err)
		}
		p = Package{Name: req.Name, Extras: req.Extras, Line: num}
		if req.Marker != nil {
			p.Marker = req.Marker.String()
		}
		switch {
		case req.URL != "":
			p.Source, p.SourceKind = req.URL, urlKind(req.URL)
			// name @ file:///.../name-1.6-py3-none-any.whl#sha256=...: the
			// archive's name says the version, the fragment its hash.
			if a := artifactOf(req.URL); pep503.Normalize(a.name) == pep503.Normalize(req.Name) {
				p.Version = a.version
			}
		default:
			p.Version = pinned(req.Specifier)
			if p.Version == "" {
				p.Specifier = req.Specifier.String()
			}
			if r.index != "" {
				p.Source, p.SourceKind = r.index, "registry"
			}
		}
	}
	p.Hashes = appendFragmentHash(hashes, p.Source)
	r.add(p, constraint)
	return nil
}

func (r *reqParser) add(p Package, constraint bool) {
	if constraint {
		if p.Name != "" {
			r.constraints[pep503.Normalize(p.Name)] = p
		}
		return
	}
	r.lock.Packages = append(r.lock.Packages, p)
}

// pinned returns the version of a "==X" or "===X" specifier set, else "".
func pinned(set pep440.SpecifierSet) string {
	if len(set.Specs) != 1 {
		return ""
	}
	s := set.Specs[0]
	if (s.Op == pep440.OpEqual && !s.Wildcard) || s.Op == pep440.OpArbitrary {
		return s.Raw
	}
	return ""
}

// pep508URL matches the start of a PEP 508 URL requirement: "name @ url",
// "name[extra]@url".
var pep508URL = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@`)

func isURLish(s string) bool {
	if pep508URL.MatchString(s) {
		return false
	}
	return strings.Contains(s, "://") ||
		strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") ||
		strings.HasSuffix(s, ".whl") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".zip")
}

func urlKind(u string) string {
	switch {
	case strings.HasPrefix(u, "git+") || strings.HasPrefix(u, "hg+") || strings.HasPrefix(u, "svn+") || strings.HasPrefix(u, "bzr+"):
		return "vcs"
	case strings.HasPrefix(u, "file:") || strings.HasPrefix(u, ".") || strings.HasPrefix(u, "/"):
		return "path"
	}
	return "url"
}

// urlRequirement reads a bare URL, VCS reference or path requirement; the
// name comes from #egg= or from an archive file name.
func (r *reqParser) urlRequirement(s string, num int) Package {
	p := Package{Source: s, SourceKind: urlKind(s), Line: num}
	if m := eggRE.FindStringSubmatch(s); m != nil {
		p.Name = m[1]
	}
	a := artifactOf(s)
	switch {
	case a.wheel:
		p.Name, p.Version = a.name, a.version
	case a.name != "" && p.Name == "":
		p.Name, p.Version = a.name, a.version
	}
	if p.Name == "" {
		p.Name = strings.TrimSuffix(a.base, ".git")
	}
	return p
}

// archiveName is what an archive's file name in a URL says.
type archiveName struct {
	base          string // the file name
	name, version string // "" when the name is no wheel's or sdist's
	wheel         bool
}

func artifactOf(u string) archiveName {
	base := filepath.Base(strings.SplitN(strings.SplitN(u, "#", 2)[0], "?", 2)[0])
	a := archiveName{base: base}
	switch {
	case strings.HasSuffix(base, ".whl"):
		if n, err := wheelname.Parse(base); err == nil {
			a.name, a.version, a.wheel = n.Distribution, n.Version, true
		}
	case strings.HasSuffix(base, ".tar.gz") || strings.HasSuffix(base, ".zip") || strings.HasSuffix(base, ".tar.bz2"):
		stem := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, ".tar.gz"), ".zip"), ".tar.bz2")
		if i := strings.LastIndex(stem, "-"); i > 0 {
			a.name, a.version = stem[:i], stem[i+1:]
		}
	}
	return a
}

// appendFragmentHash adds the hash a URL's fragment names
// ("#sha256=..."), when hs does not have it already.
func appendFragmentHash(hs []Hash, u string) []Hash {
	_, frag, ok := strings.Cut(u, "#")
	if !ok {
		return hs
	}
	for _, part := range strings.Split(frag, "&") {
		algo, v, ok := strings.Cut(part, "=")
		algo = strings.ToLower(algo)
		switch algo {
		case "md5", "sha1", "sha224", "sha256", "sha384", "sha512":
		default:
			continue
		}
		if !ok || v == "" || slices.ContainsFunc(hs, func(h Hash) bool { return h.Algorithm == algo && h.Value == strings.ToLower(v) }) {
			continue
		}
		hs = append(hs, Hash{Algorithm: algo, Value: strings.ToLower(v)})
	}
	return hs
}
