package syslib

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// Loader resolves DT_NEEDED names the way the GNU dynamic loader does:
// the object's DT_RPATH (only when it has no DT_RUNPATH), its DT_RUNPATH
// ($ORIGIN expanded), the directories of /etc/ld.so.conf in order, then the
// trusted directories. LD_LIBRARY_PATH is not used: it belongs to a
// process, not to the installation.
type Loader struct {
	// Dirs are the configured and trusted directories, in search order.
	Dirs  []string
	files Files
}

// NewLoader reads /etc/ld.so.conf of files (the host's, or an image's).
func NewLoader(files Files) *Loader {
	l := &Loader{files: files}
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			l.Dirs = append(l.Dirs, d)
		}
	}
	var read func(file string, depth int)
	read = func(file string, depth int) {
		if depth > 8 {
			return
		}
		data, err := files.ReadFile(file)
		if err != nil {
			return
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			if inc, ok := strings.CutPrefix(line, "include "); ok {
				pattern := strings.TrimSpace(inc)
				if !path.IsAbs(pattern) {
					pattern = path.Join(path.Dir(file), pattern)
				}
				for _, m := range Glob(files, pattern) {
					read(m, depth+1)
				}
				continue
			}
			if strings.HasPrefix(line, "/") {
				add(line)
			}
		}
	}
	read("/etc/ld.so.conf", 0)
	for _, d := range []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"} {
		add(d)
	}
	return l
}

// Resolve finds the file the loader would map for needed, loaded by the
// object name with the given DT_RPATH and DT_RUNPATH entries.
func (l *Loader) Resolve(needed, name string, rpath, runpath []string) (string, bool) {
	if strings.Contains(needed, "/") {
		return needed, l.files.IsFile(needed)
	}
	origin := path.Dir(name)
	var dirs []string
	if len(runpath) == 0 {
		dirs = append(dirs, rpath...)
	}
	dirs = append(dirs, runpath...)
	for i, d := range dirs {
		d = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", origin), "$ORIGIN", origin)
		dirs[i] = d
	}
	dirs = append(dirs, l.Dirs...)
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if p := path.Join(d, needed); l.files.IsFile(p) {
			return p, true
		}
	}
	return "", false
}
