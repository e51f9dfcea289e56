package image

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/pysbom/pysbom/internal/imagefs"
	"github.com/pysbom/pysbom/internal/parallel"
)

// compression tells a compressed stream by its first bytes: "gzip",
// "zstd", or "" for anything else (a plain tar).
func compression(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd"
	}
	return ""
}

// decompress gives the uncompressed stream of a layer blob, whatever its
// media type claims: the bytes tell.
func decompress(rc io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	head, _ := br.Peek(4)
	switch compression(head) {
	case "gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, err
		}
		return both{zr, rc}, nil
	case "zstd":
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			rc.Close()
			return nil, err
		}
		return both{zr.IOReadCloser(), rc}, nil
	}
	return both{io.NopCloser(br), rc}, nil
}

// both reads r and closes r and c.
type both struct {
	r io.ReadCloser
	c io.Closer
}

func (b both) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b both) Close() error {
	b.r.Close()
	return b.c.Close()
}

// FS reads every layer, in parallel, into the file system they make. A
// layer whose content does not match the diff ID the config names is
// still read and named among the image's Problems, as is a layer that
// cannot be read to its end.
// The files every layer wrote at the tracked names are kept (see
// imagefs.Stack).
func (img *Image) FS(ctx context.Context, workers int, track ...string) (*imagefs.FS, error) {
	lists := make([]*imagefs.List, len(img.Layers))
	problems := make([]string, len(img.Layers))
	var mu sync.Mutex
	done := 0
	parallel.For(ctx, len(img.Layers), workers, func(i int) {
		lists[i], problems[i] = img.readLayer(i)
		if img.Progress != nil {
			mu.Lock()
			done++
			img.Progress(int64(done), int64(len(img.Layers)))
			mu.Unlock()
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, p := range problems {
		if p != "" {
			img.Problems = append(img.Problems, p)
		}
	}
	return imagefs.Stack(lists, img, track...), nil
}

// readLayer lists layer i and checks its diff ID.
func (img *Image) readLayer(i int) (*imagefs.List, string) {
	rc, err := img.Open(i)
	if err != nil {
		return &imagefs.List{Err: fmt.Errorf("not readable: %v", err)}, ""
	}
	defer rc.Close()
	h := sha256.New()
	l := imagefs.ReadLayer(i, io.TeeReader(rc, h))
	if l.Err != nil {
		return l, "" // the list names the error
	}
	if _, err := io.Copy(h, rc); err != nil {
		return l, fmt.Sprintf("layer %d: not readable after its tar stream ends: %v", i+1, err)
	}
	got := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if want := img.Layers[i].DiffID; got != want {
		return l, fmt.Sprintf("layer %d: its content's digest %s is not the diff ID %s the config names: the layer was changed or cut short since the image was built", i+1, got, want)
	}
	return l, ""
}
