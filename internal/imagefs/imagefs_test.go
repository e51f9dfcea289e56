package imagefs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// member is one tar member of a test layer.
type member struct {
	name, body, link string
	typ              byte
}

func file(name, body string) member   { return member{name: name, body: body, typ: tar.TypeReg} }
func dirm(name string) member         { return member{name: name, typ: tar.TypeDir} }
func symlink(name, to string) member  { return member{name: name, link: to, typ: tar.TypeSymlink} }
func hardlink(name, to string) member { return member{name: name, link: to, typ: tar.TypeLink} }
func whiteout(name string) member     { return file(name, "") }

func layerTar(t testing.TB, ms ...member) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Typeflag: m.typ, Linkname: m.link, Mode: 0o644, Size: int64(len(m.body))}
		if m.typ != tar.TypeReg {
			h.Size = 0
		}
		if m.typ == tar.TypeDir {
			h.Mode = 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			io.WriteString(tw, m.body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// memLayers serves layers from memory, gzipped when zipped is set (so
// only in-order reads are possible) and at random offsets otherwise.
type memLayers struct {
	tars   [][]byte
	zipped bool
	opens  int
}

func (m *memLayers) Open(i int) (io.ReadCloser, error) {
	m.opens++
	if !m.zipped {
		return io.NopCloser(bytes.NewReader(m.tars[i])), nil
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(m.tars[i])
	w.Close()
	r, err := gzip.NewReader(&z)
	return r, err
}

type randomLayers struct{ memLayers }

func (m *randomLayers) ReaderAt(i int) (io.ReaderAt, bool) { return bytes.NewReader(m.tars[i]), true }

func stack(t testing.TB, layers Layers, tars ...[]byte) *FS {
	var lists []*List
	for i, b := range tars {
		lists = append(lists, ReadLayer(i, bytes.NewReader(b)))
	}
	return Stack(lists, layers)
}

func read(t *testing.T, f *FS, name string) string {
	t.Helper()
	b, err := f.ReadFile(name, 1<<20)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

const site = "usr/lib/python3/dist-packages/"

func TestStackUpgradeAndRewrite(t *testing.T) {
	l0 := layerTar(t, dirm("usr/"), file(site+"a-1.0.dist-info/METADATA", "Name: a\nVersion: 1.0\n"),
		file(site+"a/__init__.py", "v1"), file("etc/os-release", "ID=debian\n"))
	l1 := layerTar(t, whiteout(site+".wh.a-1.0.dist-info"), file(site+"a-2.0.dist-info/METADATA", "Name: a\nVersion: 2.0\n"),
		file(site+"a/__init__.py", "v2"))
	ls := &memLayers{tars: [][]byte{l0, l1}}
	f := stack(t, ls, l0, l1)
	defer f.Close()
	if _, err := f.Stat(site + "a-1.0.dist-info/METADATA"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the whited-out dist-info is still there: %v", err)
	}
	e, _, err := f.Lookup(site + "a-2.0.dist-info/METADATA")
	if err != nil || e.Added != 1 || e.Changed != 1 {
		t.Errorf("new dist-info: %+v %v, want added and changed by layer 1", e, err)
	}
	e, _, _ = f.Lookup(site + "a/__init__.py")
	if e.Added != 0 || e.Changed != 1 {
		t.Errorf("rewritten file: added %d changed %d, want 0 and 1", e.Added, e.Changed)
	}
	if got := read(t, f, site+"a/__init__.py"); got != "v2" {
		t.Errorf("rewritten file reads %q", got)
	}
	if got := read(t, f, "etc/os-release"); got != "ID=debian\n" {
		t.Errorf("os-release reads %q", got)
	}
	rm := f.Removed()
	if len(rm) != 1 || rm[0].Name != site+"a-1.0.dist-info/METADATA" || rm[0].By != 1 || rm[0].Added != 0 {
		t.Errorf("removed = %+v", rm)
	}
	if len(f.Problems) != 0 {
		t.Errorf("problems: %v", f.Problems)
	}
}

func TestOpaqueDirectory(t *testing.T) {
	l0 := layerTar(t, file("app/old.py", "old"), file("app/sub/x.py", "x"), file("keep/y", "y"))
	l1 := layerTar(t, dirm("app/"), whiteout("app/.wh..wh..opq"), file("app/new.py", "new"))
	f := stack(t, nil, l0, l1)
	es, err := f.ReadDir("app")
	if err != nil || len(es) != 1 || es[0].Name() != "new.py" {
		t.Fatalf("app holds %v (%v), want only new.py", es, err)
	}
	if _, err := f.Stat("keep/y"); err != nil {
		t.Errorf("a directory the opaque marker does not name lost its files: %v", err)
	}
	if len(f.Removed()) != 2 {
		t.Errorf("removed = %+v, want app/old.py and app/sub/x.py", f.Removed())
	}
}

func TestLinks(t *testing.T) {
	l0 := layerTar(t, dirm("usr/lib/"), symlink("lib", "usr/lib"), file("usr/lib/libz.so.1.2.13", "zlib"),
		symlink("usr/lib/libz.so.1", "libz.so.1.2.13"), symlink("usr/lib/abs", "/usr/lib/libz.so.1"),
		symlink("usr/lib/up", "../../../etc/passwd"), symlink("loop", "loop"),
		hardlink("usr/lib/hard", "usr/lib/libz.so.1.2.13"), file("etc/passwd", "root"))
	// merged /usr: a later layer's lib/x lands in usr/lib/x
	l1 := layerTar(t, file("lib/x.so", "x"))
	ls := &randomLayers{memLayers{tars: [][]byte{l0, l1}}}
	f := stack(t, ls, l0, l1)
	for name, want := range map[string]string{
		"usr/lib/libz.so.1": "zlib", "lib/libz.so.1": "zlib", "usr/lib/abs": "zlib",
		"usr/lib/hard": "zlib", "usr/lib/x.so": "x",
	} {
		if got := read(t, f, name); got != want {
			t.Errorf("%s reads %q, want %q", name, got, want)
		}
	}
	if _, _, real := mustLookup(t, f, "lib/libz.so.1"); real != "usr/lib/libz.so.1.2.13" {
		t.Errorf("lib/libz.so.1 resolves to %s", real)
	}
	if _, err := f.Open("usr/lib/up"); !errors.Is(err, ErrOutside) {
		t.Errorf("a link above the image root: %v, want ErrOutside", err)
	}
	if _, err := f.Open("loop"); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("a link loop: %v", err)
	}
	fi, err := f.Lstat("usr/lib/libz.so.1")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat of a link: %v %v", fi, err)
	}
}

func mustLookup(t *testing.T, f *FS, name string) (Entry, error, string) {
	t.Helper()
	e, real, err := f.Lookup(name)
	if err != nil {
		t.Fatalf("lookup %s: %v", name, err)
	}
	return e, err, real
}

func TestHostileMembers(t *testing.T) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "../../etc/evil", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	tw.Write([]byte("e"))
	tw.WriteHeader(&tar.Header{Name: "/abs/file", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	tw.Write([]byte("a"))
	tw.WriteHeader(&tar.Header{Name: "dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3})
	tw.WriteHeader(&tar.Header{Name: "gone/.wh.never", Typeflag: tar.TypeReg})
	tw.WriteHeader(&tar.Header{Name: "dangling", Typeflag: tar.TypeLink, Linkname: "nothing"})
	tw.Close()
	l0 := b.Bytes()
	f := stack(t, &memLayers{tars: [][]byte{l0}}, l0)
	if got := read(t, f, "etc/evil"); got != "e" {
		t.Errorf("a climbing member is not where a runtime puts it: %q", got)
	}
	if got := read(t, f, "abs/file"); got != "a" {
		t.Errorf("an absolute member is not where a runtime puts it: %q", got)
	}
	if _, err := f.Open("dev/null"); err == nil {
		t.Error("a device file was opened")
	}
	var msgs []string
	for _, p := range f.Problems {
		msgs = append(msgs, p.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"../../etc/evil: the name climbs above the image root", "gone/never: a whiteout of a name no lower layer has", "dangling: a hard link to nothing"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
}

func TestTruncatedLayer(t *testing.T) {
	full := layerTar(t, file("a", "first"), file("b", strings.Repeat("b", 4096)), file("c", "third"))
	cut := full[:1024+512+100] // inside b's bytes
	f := stack(t, &memLayers{tars: [][]byte{cut}}, cut)
	if got := read(t, f, "a"); got != "first" {
		t.Errorf("the file before the cut reads %q", got)
	}
	if _, err := f.ReadFile("b", 1<<20); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("the cut file: %v, want truncated", err)
	}
	if len(f.Problems) != 1 || !strings.Contains(f.Problems[0].String(), "layer 1: truncated after b") {
		t.Errorf("problems = %v", f.Problems)
	}
}

// TestStreamsInOrder reads every file of a gzipped layer in order, out of
// order and at random offsets.
func TestStreamsInOrder(t *testing.T) {
	var ms []member
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		ms = append(ms, file("d/"+n, strings.Repeat(n, 3000)))
	}
	l0 := layerTar(t, ms...)
	ls := &memLayers{tars: [][]byte{l0}, zipped: true}
	f := stack(t, ls, l0)
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		if got := read(t, f, "d/"+n); got != strings.Repeat(n, 3000) {
			t.Fatalf("d/%s reads wrong", n)
		}
	}
	if ls.opens != 1 {
		t.Errorf("reading in order opened the layer %d times, want once", ls.opens)
	}
	if got := read(t, f, "d/b"); got != strings.Repeat("b", 3000) {
		t.Error("reading back reads wrong")
	}
	file, _ := f.Open("d/c")
	defer file.Close()
	p := make([]byte, 3)
	if n, err := file.(io.ReaderAt).ReadAt(p, 2998); n != 2 || err != io.EOF || string(p[:2]) != "cc" {
		t.Errorf("ReadAt = %d %v %q", n, err, p)
	}
}

func TestFSConformance(t *testing.T) {
	l0 := layerTar(t, dirm("usr/"), file("usr/a.txt", "a"), dirm("usr/lib/"), file("usr/lib/b", "bb"), symlink("usr/c", "a.txt"))
	l1 := layerTar(t, file("usr/lib/d", "ddd"), whiteout("usr/.wh.a.txt"), file("usr/a.txt", "again"))
	f := stack(t, &memLayers{tars: [][]byte{l0, l1}, zipped: true}, l0, l1)
	if err := fstest.TestFS(f, "usr/a.txt", "usr/lib/b", "usr/lib/d", "usr/c"); err != nil {
		t.Fatal(err)
	}
	e, _, _ := f.Lookup("usr/a.txt")
	if e.Added != 1 {
		t.Errorf("a file whited out and added again in one layer: added %d, want 1", e.Added)
	}
}

func TestVersions(t *testing.T) {
	tars := [][]byte{
		layerTar(t, file("var/lib/dpkg/status", "one")),
		layerTar(t, file("etc/x", "x")),
		layerTar(t, file("var/lib/dpkg/status", "one two")),
	}
	var lists []*List
	for i, b := range tars {
		lists = append(lists, ReadLayer(i, bytes.NewReader(b)))
	}
	f := Stack(lists, &memLayers{tars: tars, zipped: true}, "var/lib/dpkg/status")
	v := f.Versions("var/lib/dpkg/status")
	if len(v) != 2 || v[0].Layer != 0 || v[1].Layer != 2 {
		t.Fatalf("versions %+v", v)
	}
	for i, want := range []string{"one", "one two"} {
		rc, err := f.OpenEntry(v[i])
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != want {
			t.Errorf("version %d: %q", i, b)
		}
	}
	if f.Versions("etc/x") != nil {
		t.Error("an untracked name has versions")
	}
}
