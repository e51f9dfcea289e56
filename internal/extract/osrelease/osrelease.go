// Package osrelease reads os-release(5): which distribution, and which
// release of it, a root file system holds.
package osrelease

import (
	"io/fs"
	"strings"
)

// Release is what os-release says.
type Release struct {
	ID, VersionID, Name, PrettyName, VersionCodename string
	IDLike                                           []string
	// From is the file it was read from ("etc/os-release").
	From string
}

// Distro is the purl distro qualifier value: "debian-12", "alpine-3.20.1"; "" when the release is unknown.
func (r Release) Distro() string {
	if r.ID == "" || r.VersionID == "" {
		return ""
	}
	return r.ID + "-" + r.VersionID
}

// maxSize bounds an os-release file.
const maxSize = 64 << 10

// Read reads etc/os-release, else usr/lib/os-release, of a root file
// system; ok is false when neither is there.
func Read(fsys fs.FS) (Release, bool) {
	for _, name := range []string{"etc/os-release", "usr/lib/os-release"} {
		f, err := fsys.Open(name)
		if err != nil {
			continue
		}
		buf := make([]byte, maxSize)
		n, _ := readFull(f, buf)
		f.Close()
		r := Parse(buf[:n])
		r.From = name
		return r, true
	}
	return Release{}, false
}

func readFull(f fs.File, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Parse reads the KEY=value lines of an os-release file.
func Parse(data []byte) Release {
	var r Release
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		v = unquote(strings.TrimSpace(v))
		switch k {
		case "ID":
			r.ID = strings.ToLower(v)
		case "VERSION_ID":
			r.VersionID = v
		case "NAME":
			r.Name = v
		case "PRETTY_NAME":
			r.PrettyName = v
		case "VERSION_CODENAME":
			r.VersionCodename = v
		case "ID_LIKE":
			r.IDLike = strings.Fields(v)
		}
	}
	return r
}

// unquote removes the shell quoting os-release allows.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return strings.NewReplacer(`\"`, `"`, `\$`, `$`, "\\`", "`", `\\`, `\`).Replace(v)
}
