package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

type member struct{ name, body string }

func mkzip(t testing.TB, members ...member) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range members {
		f, err := w.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(m.body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func problemsText(ps []Problem) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Member+": "+p.Msg)
	}
	return strings.Join(s, "\n")
}

func TestZipHostileNames(t *testing.T) {
	data := mkzip(t, member{"ok/a.py", "a"}, member{"../evil.py", "x"}, member{"/etc/passwd", "x"},
		member{`win\path.py`, "x"}, member{"ok/a.py", "second"}, member{"ok/../../up.py", "x"})
	z, err := OpenZip(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(z.Names(), ","); got != "ok/a.py" {
		t.Errorf("safe names = %s", got)
	}
	want := "../evil.py: member name leaves the archive (..); not read\n" +
		"/etc/passwd: absolute member name; not read\n" +
		`win\path.py: member name contains a backslash; not read` + "\n" +
		"ok/a.py: duplicate member; only the first is read\n" +
		"ok/../../up.py: member name leaves the archive (..); not read"
	if got := problemsText(z.Problems); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	if b, err := z.ReadFile("ok/a.py"); err != nil || string(b) != "a" {
		t.Errorf("first duplicate = %q, %v", b, err)
	}
}

func TestZipBomb(t *testing.T) {
	data := mkzip(t, member{"bomb.bin", strings.Repeat("\x00", 50<<20)}, member{"fine.py", "x"})
	z, err := OpenZip(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if z.Has("bomb.bin") || !z.Has("fine.py") || !strings.Contains(problemsText(z.Problems), "likely a zip bomb") {
		t.Errorf("bomb not refused: %s", problemsText(z.Problems))
	}
	small := Limits{Member: 1 << 20, Total: 1 << 30, Ratio: 1 << 20}
	z, _ = OpenZip(bytes.NewReader(data), int64(len(data)), small)
	if z.Has("bomb.bin") || !strings.Contains(problemsText(z.Problems), "more than the 1048576-byte member limit") {
		t.Errorf("gigantic member not refused: %s", problemsText(z.Problems))
	}
}

// TestZipLyingSize: a member whose data inflates past its declared size.
func TestZipLyingSize(t *testing.T) {
	var body bytes.Buffer
	fw, _ := flate.NewWriter(&body, flate.BestCompression)
	payload := bytes.Repeat([]byte("A"), 100000)
	fw.Write(payload)
	fw.Close()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.CreateRaw(&zip.FileHeader{Name: "liar.txt", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(payload),
		CompressedSize64: uint64(body.Len()), UncompressedSize64: 10})
	if err != nil {
		t.Fatal(err)
	}
	f.Write(body.Bytes())
	w.Close()
	z, err := OpenZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	b, err := z.ReadFile("liar.txt")
	if !errors.Is(err, ErrLimit) && !errors.Is(err, zip.ErrFormat) || len(b) > 100000 {
		t.Errorf("ReadFile of a lying member: %d bytes, %v; want an error", len(b), err)
	}
}

func TestZipCorrupt(t *testing.T) {
	data := mkzip(t, member{"a.py", "a"})
	for _, bad := range [][]byte{nil, []byte("not a zip"), data[:len(data)-10]} {
		if _, err := OpenZip(bytes.NewReader(bad), int64(len(bad)), DefaultLimits); err == nil {
			t.Errorf("OpenZip(%d bytes): no error", len(bad))
		}
	}
}

func mktar(t testing.TB, gz bool, hdrs ...tar.Header) []byte {
	var buf bytes.Buffer
	var w io.Writer = &buf
	var g *gzip.Writer
	if gz {
		g = gzip.NewWriter(&buf)
		w = g
	}
	tw := tar.NewWriter(w)
	for _, h := range hdrs {
		h := h
		body := h.Linkname
		if h.Typeflag == tar.TypeReg {
			h.Linkname = ""
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	if g != nil {
		g.Close()
	}
	return buf.Bytes()
}

func TestTar(t *testing.T) {
	// For regular files the test passes the body in Linkname.
	data := mktar(t, true,
		tar.Header{Name: "pkg-1.0/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "pkg-1.0/PKG-INFO", Typeflag: tar.TypeReg, Linkname: "Name: pkg\nVersion: 1.0\n", Mode: 0o644},
		tar.Header{Name: "pkg-1.0/link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"},
		tar.Header{Name: "pkg-1.0/hard", Typeflag: tar.TypeLink, Linkname: "pkg-1.0/PKG-INFO"},
		tar.Header{Name: "../escape", Typeflag: tar.TypeReg, Linkname: "x", Mode: 0o644},
		tar.Header{Name: "pkg-1.0/PKG-INFO", Typeflag: tar.TypeReg, Linkname: "dup", Mode: 0o644},
	)
	var got []string
	problems, err := WalkTar(bytes.NewReader(data), DefaultLimits, func(name string, size int64, r io.Reader) error {
		b, _ := io.ReadAll(r)
		got = append(got, name+"="+string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "pkg-1.0/PKG-INFO=Name: pkg\nVersion: 1.0\n" {
		t.Errorf("members = %q", got)
	}
	want := "pkg-1.0/link: symbolic link to /etc/passwd; not followed\n" +
		"pkg-1.0/hard: hard link to pkg-1.0/PKG-INFO; not followed\n" +
		"../escape: member name leaves the archive (..); not read\n" +
		"pkg-1.0/PKG-INFO: duplicate member; only the first is read"
	if p := problemsText(problems); p != want {
		t.Errorf("problems:\n%s\nwant:\n%s", p, want)
	}
	// Truncated: an error, not a silent partial list.
	if _, err := WalkTar(bytes.NewReader(data[:len(data)/2]), DefaultLimits, func(string, int64, io.Reader) error { return nil }); err == nil {
		t.Error("truncated tar.gz: no error")
	}
	// Total budget.
	big := mktar(t, false, tar.Header{Name: "a", Typeflag: tar.TypeReg, Linkname: strings.Repeat("x", 5000), Mode: 0o644})
	_, err = WalkTar(bytes.NewReader(big), Limits{Member: 1 << 20, Total: 1000, Ratio: 100}, func(_ string, _ int64, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("over budget: %v, want ErrLimit", err)
	}
}

func FuzzOpenZip(f *testing.F) {
	f.Add(mkzip(f, member{"a/b.py", "x"}, member{"../c", "y"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := OpenZip(bytes.NewReader(data), int64(len(data)), Limits{Member: 1 << 20, Total: 8 << 20, Ratio: 100})
		if err != nil {
			return
		}
		for _, n := range z.Names() {
			if CheckName(n) != "" {
				t.Fatalf("unsafe name %q accepted", n)
			}
			rc, err := z.Open(n)
			if err == nil {
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		}
	})
}

func FuzzWalkTar(f *testing.F) {
	f.Add(mktar(f, true, tar.Header{Name: "p/x", Typeflag: tar.TypeReg, Linkname: "body", Mode: 0o644}))
	f.Add(mktar(f, false, tar.Header{Name: "p/l", Typeflag: tar.TypeSymlink, Linkname: "/x"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = WalkTar(bytes.NewReader(data), Limits{Member: 1 << 20, Total: 8 << 20, Ratio: 100}, func(name string, _ int64, r io.Reader) error {
			if CheckName(name) != "" {
				t.Fatalf("unsafe name %q passed", name)
			}
			_, err := io.Copy(io.Discard, r)
			return err
		})
	})
}
