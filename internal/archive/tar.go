package archive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
)

// WalkTar reads a tar archive, compressed with gzip or bzip2 or not at
// all (detected from the first bytes), and calls fn for every safe
// regular-file member with a reader of its bytes. Unsafe, duplicate and
// link members are returned as problems; a truncated or corrupt archive
// is an error.
func WalkTar(r io.Reader, lim Limits, fn func(name string, size int64, r io.Reader) error) ([]Problem, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("not a readable gzip stream: %w", err)
		}
		gz.Multistream(false)
		src = gz
	case bytes.HasPrefix(head, []byte("BZh")):
		src = bzip2.NewReader(br)
	}
	var total int64
	counted := &countingReader{r: src, total: &total, max: lim.Total}
	tr := tar.NewReader(counted)
	seen := map[string]bool{}
	var problems []Problem
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return problems, nil
		}
		if err != nil {
			if errors.Is(err, ErrLimit) {
				return problems, err
			}
			return problems, fmt.Errorf("corrupt or truncated tar archive after %d bytes: %w", total, err)
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
		case tar.TypeDir, tar.TypeXGlobalHeader:
			continue
		case tar.TypeSymlink:
			problems = append(problems, Problem{h.Name, "symbolic link to " + h.Linkname + "; not followed"})
			continue
		case tar.TypeLink:
			problems = append(problems, Problem{h.Name, "hard link to " + h.Linkname + "; not followed"})
			continue
		default:
			problems = append(problems, Problem{h.Name, fmt.Sprintf("not a regular file (type %q); not read", h.Typeflag)})
			continue
		}
		if msg := CheckName(h.Name); msg != "" {
			problems = append(problems, Problem{h.Name, msg + "; not read"})
			continue
		}
		name := path.Clean(h.Name)
		if seen[name] {
			problems = append(problems, Problem{name, "duplicate member; only the first is read"})
			continue
		}
		seen[name] = true
		if h.Size > lim.Member {
			problems = append(problems, Problem{name, fmt.Sprintf("%d bytes, more than the %d-byte member limit; not read", h.Size, lim.Member)})
			continue
		}
		if err := fn(name, h.Size, tr); err != nil {
			if errors.Is(err, ErrLimit) || errors.Is(err, io.ErrUnexpectedEOF) {
				return problems, fmt.Errorf("member %s: %w", name, err)
			}
			return problems, err
		}
	}
}

type countingReader struct {
	r     io.Reader
	total *int64
	max   int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.total += int64(n)
	if *c.total > c.max {
		return n, limitErr("archive decompresses to more than %d bytes", c.max)
	}
	return n, err
}
