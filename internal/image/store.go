package image

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/pysbom/pysbom/internal/imagefs"
)

// store holds the files of a local image: an OCI layout's index.json and
// blobs, or a docker archive's manifest.json, configs and layers. Names
// are slash-separated and relative to the layout or archive root.
type store interface {
	// open opens the named file and gives its size.
	open(name string) (io.ReadCloser, int64, error)
	// readerAt gives random access to the named file when the store
	// keeps it on disk as it is.
	readerAt(name string) (io.ReaderAt, int64, bool)
	has(name string) bool
	close() error
}

// readAll reads a small file of the store, at most max bytes.
func readAll(s store, name string, max int64) ([]byte, error) {
	rc, size, err := s.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > max {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a %s may have", name, size, max, path.Base(name))
	}
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: more than %d bytes", name, max)
	}
	return data, nil
}

// dirStore is an OCI layout directory, read through os.Root so that no
// name in it, and no symbolic link, reaches outside the directory.
type dirStore struct {
	root  *os.Root
	mu    sync.Mutex
	files map[string]*os.File // opened for readerAt, closed by close
}

func openDir(dir string) (*dirStore, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &dirStore{root: r, files: map[string]*os.File{}}, nil
}

func (d *dirStore) open(name string) (io.ReadCloser, int64, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: errors.New("not a regular file")}
	}
	return f, fi.Size(), nil
}

func (d *dirStore) readerAt(name string) (io.ReaderAt, int64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.files[name]; ok {
		fi, err := f.Stat()
		return f, fi.Size(), err == nil
	}
	rc, size, err := d.open(name)
	if err != nil {
		return nil, 0, false
	}
	f := rc.(*os.File)
	d.files[name] = f
	return f, size, true
}

func (d *dirStore) has(name string) bool {
	fi, err := d.root.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

func (d *dirStore) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.files {
		f.Close()
	}
	d.files = nil
	return d.root.Close()
}

// member is a regular file of an archive.
type member struct {
	offset, size int64
}

// maxMembers bounds the members of an image archive.
const maxMembers = 1 << 20

// tarStore is a tar file holding a docker archive or an OCI layout. A
// plain tar is indexed once and its members read at their offsets; a
// gzip-compressed one is read again from its start for each member.
type tarStore struct {
	file    *os.File
	gz      bool
	members map[string]member
}

func openTar(p string) (*tarStore, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	t := &tarStore{file: f, members: map[string]member{}}
	if err := t.index(); err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

// stream gives the archive's tar stream from its start.
func (t *tarStore) stream() (io.Reader, error) {
	var magic [2]byte
	if _, err := t.file.ReadAt(magic[:], 0); err != nil {
		return nil, errors.New("empty or unreadable archive")
	}
	r := io.NewSectionReader(t.file, 0, 1<<62)
	if magic[0] == 0x1f && magic[1] == 0x8b {
		t.gz = true
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		return zr, nil
	}
	return r, nil
}

func (t *tarStore) index() error {
	s, err := t.stream()
	if err != nil {
		return err
	}
	// A plain archive is read through its Seeker: tar skips the layer
	// bodies instead of reading them (they are read once, when indexed).
	var tr *tar.Reader
	var offset func() int64
	if sr, ok := s.(*io.SectionReader); ok {
		tr = tar.NewReader(sr)
		offset = func() int64 { n, _ := sr.Seek(0, io.SeekCurrent); return n }
	} else {
		c := &imagefs.Counter{R: s}
		tr = tar.NewReader(c)
		offset = func() int64 { return c.N }
	}
	links := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return errors.New("truncated archive")
			}
			return errors.New("not a tar archive (docker save output, or a tar of an OCI image layout)")
		}
		if len(t.members) >= maxMembers {
			return fmt.Errorf("more than %d members", maxMembers)
		}
		name := cleanMember(h.Name)
		if name == "" {
			continue
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			t.members[name] = member{offset: offset(), size: h.Size}
		case tar.TypeSymlink:
			// Older docker archives link a layer shared by two images.
			links[name] = path.Join(path.Dir(name), h.Linkname)
		case tar.TypeLink:
			links[name] = cleanMember(h.Linkname)
		}
	}
	for name, target := range links {
		for i := 0; i < 8; i++ {
			if next, ok := links[target]; ok {
				target = next
			}
		}
		if m, ok := t.members[cleanMember(target)]; ok {
			t.members[name] = m
		}
	}
	return nil
}

// cleanMember is a member's name as a store name; "" for names that
// climb out of the archive.
func cleanMember(n string) string {
	n = path.Clean("/" + strings.TrimPrefix(n, "./"))[1:]
	if n == "" || strings.HasPrefix(n, "../") {
		return ""
	}
	return n
}

func (t *tarStore) open(name string) (io.ReadCloser, int64, error) {
	m, ok := t.members[name]
	if !ok {
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if !t.gz {
		return io.NopCloser(io.NewSectionReader(t.file, m.offset, m.size)), m.size, nil
	}
	s, err := t.stream()
	if err != nil {
		return nil, 0, err
	}
	if _, err := io.CopyN(io.Discard, s, m.offset); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	return io.NopCloser(io.LimitReader(s, m.size)), m.size, nil
}

func (t *tarStore) readerAt(name string) (io.ReaderAt, int64, bool) {
	m, ok := t.members[name]
	if !ok || t.gz {
		return nil, 0, false
	}
	return io.NewSectionReader(t.file, m.offset, m.size), m.size, true
}

func (t *tarStore) has(name string) bool { _, ok := t.members[name]; return ok }

func (t *tarStore) close() error { return t.file.Close() }
