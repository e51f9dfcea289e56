// Package record parses the RECORD file of an installed distribution or a
// wheel: one CSV row per file with its path, "algorithm=digest" hash
// (URL-safe base64 without padding) and size in bytes.
//
// # Security
//
// Parse reads at most [MaxSize] bytes. Paths are returned as written;
// callers must not trust them to stay inside any directory.
package record

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxSize is the largest RECORD Parse accepts.
const MaxSize = 64 << 20

// Entry is one row of a RECORD file.
type Entry struct {
	Path      string
	Algorithm string // "sha256" and so on; "" when the row has no hash
	Digest    []byte // decoded; nil when the row has no hash
	Size      int64  // -1 when the row has no size
	Line      int
}

// ParseError reports a malformed row; Line is 1-based.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrTooLarge is returned for input larger than MaxSize.
var ErrTooLarge = errors.New("RECORD larger than 64 MiB")

// Parse parses a RECORD file. A malformed row ends parsing with a
// *ParseError; the rows before it are returned with the error.
func Parse(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	var out []Entry
	err = Each(data, func(e Entry) { out = append(out, e) })
	return out, err
}

// Each calls fn with each row of a RECORD file in turn, holding no more
// than one row: a caller that keeps only the rows it needs keeps memory
// in proportion to those. A malformed row ends parsing with a
// *ParseError, after fn has seen the rows before it.
func Each(data []byte, fn func(Entry)) error {
	if len(data) > MaxSize {
		return ErrTooLarge
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &ParseError{Line: pe.Line, Msg: pe.Err.Error()}
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) != 3 {
			return &ParseError{Line: line, Msg: fmt.Sprintf("%d fields, want 3 (path,hash,size)", len(row))}
		}
		e := Entry{Path: row[0], Size: -1, Line: line}
		if e.Path == "" {
			return &ParseError{Line: line, Msg: "empty path"}
		}
		if h := row[1]; h != "" {
			algo, digest, ok := strings.Cut(h, "=")
			if !ok || algo == "" {
				return &ParseError{Line: line, Msg: fmt.Sprintf("hash %q is not algorithm=digest", h)}
			}
			d, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(digest, "="))
			if err != nil {
				return &ParseError{Line: line, Msg: fmt.Sprintf("hash %q: %v", h, err)}
			}
			e.Algorithm, e.Digest = strings.ToLower(algo), d
		}
		if s := row[2]; s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return &ParseError{Line: line, Msg: fmt.Sprintf("size %q is not a byte count", s)}
			}
			e.Size = n
		}
		fn(e)
	}
}

// Hash is the hash of an entry in RECORD form ("sha256=..."), "" for
// an entry without one.
func (e Entry) Hash() string {
	if e.Algorithm == "" {
		return ""
	}
	return e.Algorithm + "=" + base64.RawURLEncoding.EncodeToString(e.Digest)
}
