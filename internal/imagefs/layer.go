package imagefs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// whiteout prefixes, from the OCI image specification's layer changesets.
const (
	whPrefix = ".wh."
	whOpaque = ".wh..wh..opq"
)

// maxEntries bounds the names one layer may hold, so a hostile layer of
// empty members cannot grow the index without end.
const maxEntries = 4 << 20

// record is one member of a layer's tar stream.
type record struct {
	name   string
	kind   Kind
	perm   fs.FileMode
	size   int64
	offset int64
	link   string // symbolic link target, or hard link target's name
	hard   bool
	// whiteout: the member removes name from lower layers; opaque: it
	// hides the lower contents of the directory name.
	whiteout, opaque bool
}

// List is what one layer holds, in its tar order.
type List struct {
	records  []record
	Problems []Problem
	// Err is why the layer could not be read to its end; the records
	// before it are kept.
	Err error
}

// Problem is something wrong with a layer that did not stop it from being
// read.
type Problem struct {
	Layer int
	Name  string
	Msg   string
}

func (p Problem) String() string {
	if p.Name == "" {
		return fmt.Sprintf("layer %d: %s", p.Layer+1, p.Msg)
	}
	return fmt.Sprintf("layer %d: %s: %s", p.Layer+1, p.Name, p.Msg)
}

// Counter counts the bytes read through it. It is no io.Seeker, so a tar
// reader over it reads every byte in order and the count after Next is
// where the member's bytes start in the stream.
type Counter struct {
	R io.Reader
	N int64
}

func (c *Counter) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// ReadLayer reads the uncompressed tar stream of layer number index.
func ReadLayer(index int, r io.Reader) *List {
	l := &List{}
	c := &Counter{R: r}
	tr := tar.NewReader(c)
	var ordinal int64 // the member's place in the stream
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return l
		}
		if err != nil {
			l.Err = readError(err, l)
			return l
		}
		if len(l.records) >= maxEntries {
			l.Err = fmt.Errorf("more than %d names: the rest of the layer is not read", maxEntries)
			return l
		}
		if rec, ok := l.member(index, h, c.N, ordinal); ok {
			l.records = append(l.records, rec)
		}
		ordinal++
	}
}

// readError says where a layer stopped being readable.
func readError(err error, l *List) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("truncated")
	}
	if n := len(l.records); n > 0 {
		return fmt.Errorf("%v after %s: the rest of the layer is not read", err, l.records[n-1].name)
	}
	return fmt.Errorf("%v: nothing in it is read", err)
}

// member turns one tar header into a record; ok is false for members that
// name nothing in the file system (tar's own global headers).
func (l *List) member(index int, h *tar.Header, offset, ordinal int64) (record, bool) {
	name, climbed := memberName(h.Name)
	if name == "." && h.Typeflag != tar.TypeDir {
		l.Problems = append(l.Problems, Problem{index, h.Name, "a member with no name is skipped"})
		return record{}, false
	}
	if climbed {
		l.Problems = append(l.Problems, Problem{index, h.Name, "the name climbs above the image root; a container runtime puts it at /" + name})
	}
	rec := record{name: name, perm: fs.FileMode(h.Mode) & fs.ModePerm, size: h.Size, offset: offset}
	dir, base := path.Split(name)
	switch {
	case base == whOpaque:
		rec.name, rec.opaque = cleanDir(dir), true
		return rec, true
	case strings.HasPrefix(base, whPrefix):
		rec.name, rec.whiteout = dir+strings.TrimPrefix(base, whPrefix), true
		return rec, true
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		rec.kind = Regular
		if isSparse(h) {
			rec.offset = -1 - ordinal
		}
	case tar.TypeDir:
		rec.kind, rec.size = Dir, 0
	case tar.TypeSymlink:
		rec.kind, rec.link, rec.size = Symlink, h.Linkname, 0
	case tar.TypeLink:
		target, _ := memberName(h.Linkname)
		rec.kind, rec.link, rec.hard = Regular, target, true
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		rec.kind, rec.size = Other, 0
	case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
		return record{}, false
	default:
		l.Problems = append(l.Problems, Problem{index, name, fmt.Sprintf("tar member type %q is not one a layer holds; it is skipped", h.Typeflag)})
		return record{}, false
	}
	return rec, true
}

// isSparse reports whether the member's bytes are stored in fragments,
// so they cannot be read from one offset.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// memberName is the name a container runtime gives a tar member: cleaned
// under the root, so "/etc/x" and "../etc/x" both land at "etc/x";
// climbed reports a name that tried to go above the root.
func memberName(raw string) (name string, climbed bool) {
	raw = strings.ReplaceAll(raw, "\x00", "")
	c := path.Clean("/" + raw)
	rel := path.Clean(raw)
	climbed = rel == ".." || strings.HasPrefix(rel, "../")
	if c == "/" {
		return ".", climbed
	}
	return c[1:], climbed
}

func cleanDir(dir string) string {
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		return "."
	}
	return dir
}
