package imagefs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Layers opens the uncompressed tar streams of an image's layers.
type Layers interface {
	// Open opens layer number i's uncompressed tar stream from its start.
	Open(i int) (io.ReadCloser, error)
}

// RandomAccess is implemented by Layers whose uncompressed bytes can be
// read at any offset (a layer stored as plain tar on disk).
type RandomAccess interface {
	ReaderAt(i int) (io.ReaderAt, bool)
}

// idlePerLayer bounds the positioned streams kept open for one layer.
const idlePerLayer = 4

// stream is a layer's tar stream read up to pos.
type stream struct {
	rc  io.ReadCloser
	pos int64
}

// streams keeps layer streams open where the last file read left them, so
// that files read in the order the layer stores them (the order a sorted
// walk reads them in most layers) cost one pass over a compressed layer,
// not one pass per file.
type streams struct {
	layers Layers
	mu     sync.Mutex
	idle   map[int][]*stream
}

func newStreams(l Layers) *streams { return &streams{layers: l, idle: map[int][]*stream{}} }

// at gives a stream of layer i positioned at off.
func (s *streams) at(i int, off int64) (*stream, error) {
	if s.layers == nil {
		return nil, errors.New("the image's layers are not open")
	}
	s.mu.Lock()
	best := -1
	for j, st := range s.idle[i] {
		if st.pos <= off && (best < 0 || st.pos > s.idle[i][best].pos) {
			best = j
		}
	}
	var st *stream
	if best >= 0 {
		st = s.idle[i][best]
		s.idle[i] = append(s.idle[i][:best], s.idle[i][best+1:]...)
	}
	s.mu.Unlock()
	if st == nil {
		rc, err := s.layers.Open(i)
		if err != nil {
			return nil, err
		}
		st = &stream{rc: rc}
	}
	if _, err := io.CopyN(io.Discard, st.rc, off-st.pos); err != nil {
		st.rc.Close()
		return nil, fmt.Errorf("layer %d: %w", i+1, truncated(err))
	}
	st.pos = off
	return st, nil
}

// put keeps a stream for the next file of its layer.
func (s *streams) put(i int, st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle[i]) >= idlePerLayer {
		s.idle[i][0].rc.Close()
		s.idle[i] = s.idle[i][1:]
	}
	s.idle[i] = append(s.idle[i], st)
}

// Close closes the streams kept open.
func (s *streams) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, l := range s.idle {
		for _, st := range l {
			st.rc.Close()
		}
		delete(s.idle, i)
	}
	return nil
}

func truncated(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated")
	}
	return err
}

// contents reads one file's bytes from its layer.
type contents struct {
	s     *streams
	layer int
	st    *stream
	left  int64
	close func() error
	r     io.Reader
}

// openContents opens the bytes of e.
func (f *FS) openContents(e *Entry) (*contents, error) {
	if ra, ok := f.open.(RandomAccess); ok && e.Offset >= 0 {
		if r, ok := ra.ReaderAt(e.Layer); ok {
			return &contents{r: io.NewSectionReader(r, e.Offset, e.Size), left: e.Size}, nil
		}
	}
	if e.Offset < 0 {
		return f.openSparse(e)
	}
	st, err := f.pool.at(e.Layer, e.Offset)
	if err != nil {
		return nil, err
	}
	return &contents{s: f.pool, layer: e.Layer, st: st, left: e.Size}, nil
}

// openSparse reads a sparse member through a tar reader of its layer.
func (f *FS) openSparse(e *Entry) (*contents, error) {
	if f.open == nil {
		return nil, errors.New("the image's layers are not open")
	}
	rc, err := f.open.Open(e.Layer)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(rc)
	for n := int64(0); n <= -1-e.Offset; n++ {
		if _, err := tr.Next(); err != nil {
			rc.Close()
			return nil, fmt.Errorf("layer %d: %w", e.Layer+1, truncated(err))
		}
	}
	return &contents{r: tr, left: e.Size, close: rc.Close}, nil
}

func (c *contents) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	var n int
	var err error
	if c.st != nil {
		n, err = c.st.rc.Read(p)
		c.st.pos += int64(n)
		if err != nil {
			c.st.rc.Close() // a stream that failed is not kept
			c.st = nil
		}
	} else if c.r == nil {
		return 0, errors.New("read after an error")
	} else {
		n, err = c.r.Read(p)
	}
	c.left -= int64(n)
	if err == io.EOF && c.left > 0 {
		err = errors.New("the layer is truncated inside the file")
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

func (c *contents) Close() error {
	if c.st != nil {
		c.s.put(c.layer, c.st)
		c.st = nil
	}
	if c.close != nil {
		return c.close()
	}
	return nil
}
