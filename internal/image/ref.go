// Package image opens container images for reading: a `docker save`
// archive, an OCI image layout (a directory or a tar of one), or an image
// in a registry. It gives an image's metadata (name, digests, platform,
// layers and the history line that made each) and the file system its
// layers make, read through [imagefs] without unpacking anything.
//
// Local images are read in place: a plain tar member is read at its
// offset, a compressed layer as a stream. An image pulled from a registry
// has its compressed layer blobs kept in a temporary directory while it is
// read, so that each is downloaded once.
package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Scheme is how a reference names an image.
type Scheme string

const (
	DockerArchive Scheme = "docker-archive"
	OCIDir        Scheme = "oci-dir"
	OCIArchive    Scheme = "oci-archive"
	Registry      Scheme = "registry"
	// Dir is an unpacked root file system, read as a directory.
	Dir Scheme = "dir"
)

// Ref is a parsed image reference.
type Ref struct {
	Scheme Scheme
	// Path is the file or directory (local schemes) or the registry
	// reference ("ghcr.io/org/app:1.2").
	Path string
	// Tag selects an image of an OCI layout by its
	// org.opencontainers.image.ref.name, or of a docker archive by one of
	// its RepoTags; "" when the archive holds one image.
	Tag string
}

func (r Ref) String() string {
	s := string(r.Scheme) + ":" + r.Path
	if r.Tag != "" && r.Scheme != Registry {
		s += ":" + r.Tag
	}
	return s
}

// ParseRef reads a reference with a scheme ("docker-archive:app.tar").
// ok is false when arg has none of the schemes; a bare path is then for
// [Detect].
func ParseRef(arg string) (Ref, bool, error) {
	scheme, rest, found := strings.Cut(arg, ":")
	if !found {
		return Ref{}, false, nil
	}
	s := Scheme(scheme)
	switch s {
	case DockerArchive, OCIDir, OCIArchive, Dir:
		if rest == "" {
			return Ref{}, true, fmt.Errorf("%s: no path after %q", arg, scheme+":")
		}
		r := Ref{Scheme: s, Path: rest}
		if s != Dir {
			r.Path, r.Tag = splitTag(rest)
		}
		return r, true, nil
	case Registry:
		if rest == "" {
			return Ref{}, true, fmt.Errorf("%s: no image after %q (registry:HOST/REPO:TAG)", arg, "registry:")
		}
		return Ref{Scheme: Registry, Path: rest}, true, nil
	}
	return Ref{}, false, nil
}

// splitTag splits "layout:TAG" when the part before the last colon exists
// on disk and the whole does not (a path may hold a colon).
func splitTag(p string) (string, string) {
	if _, err := os.Lstat(p); err == nil {
		return p, ""
	}
	i := strings.LastIndex(p, ":")
	if i <= 0 {
		return p, ""
	}
	if _, err := os.Lstat(p[:i]); err == nil {
		return p[:i], p[i+1:]
	}
	return p, ""
}

// Detect tells whether a bare path is an image: a directory holding an
// OCI layout (oci-layout and index.json), or a tar file (plain or gzip)
// whose members make a docker archive (manifest.json) or an OCI layout.
func Detect(p string) (Ref, bool) {
	fi, err := os.Stat(p)
	if err != nil {
		return Ref{}, false
	}
	if fi.IsDir() {
		if isFile(filepath.Join(p, "oci-layout")) && isFile(filepath.Join(p, "index.json")) {
			return Ref{Scheme: OCIDir, Path: p}, true
		}
		return Ref{}, false
	}
	if !fi.Mode().IsRegular() {
		return Ref{}, false
	}
	f, err := os.Open(p)
	if err != nil {
		return Ref{}, false
	}
	defer f.Close()
	kind := archiveKind(f)
	switch kind {
	case DockerArchive, OCIArchive:
		return Ref{Scheme: kind, Path: p}, true
	}
	return Ref{}, false
}

// maxDetectMembers bounds the members read to tell what a tar holds.
const maxDetectMembers = 4096

// archiveKind reads a tar's member names (through gzip when compressed)
// until they tell a docker archive from an OCI layout.
// A plain tar is read through its Seeker, so member bodies (layers of
// hundreds of megabytes before a docker archive's manifest.json) are
// skipped, not read.
func archiveKind(r io.ReadSeeker) Scheme {
	var head [512]byte
	n, _ := io.ReadFull(r, head[:])
	var br io.Reader = io.MultiReader(bytes.NewReader(head[:n]), r)
	if n >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return ""
		}
		br = zr
	} else if n < 512 || !isTarHeader(head[:]) {
		return ""
	} else if _, err := r.Seek(0, io.SeekStart); err == nil {
		br = r
	}
	tr := tar.NewReader(br)
	oci := false
	for i := 0; i < maxDetectMembers; i++ {
		h, err := tr.Next()
		if err != nil {
			break
		}
		switch strings.TrimPrefix(h.Name, "./") {
		case "manifest.json":
			return DockerArchive
		case "oci-layout", "index.json":
			oci = true
		}
	}
	if oci {
		return OCIArchive
	}
	return ""
}

// isTarHeader reports whether a 512-byte block is a ustar or GNU header.
func isTarHeader(b []byte) bool {
	magic := string(b[257:263])
	return magic == "ustar\x00" || magic == "ustar "
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
