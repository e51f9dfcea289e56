// Package jsonstream reads large JSON documents a value at a time with
// encoding/json's Decoder: the members of an object and the elements of
// an array, each decoded by the caller and let go before the next, so
// that a document of a million entries never becomes one tree in memory.
package jsonstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Object calls member with each key of the object at dec, in document
// order; member decodes the value (or Skips it).
func Object(dec *json.Decoder, member func(key string) error) error {
	if err := expect(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := member(key); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// Array calls entry for each element of the array at dec (null is an
// empty array); entry decodes the element.
func Array(dec *json.Decoder, entry func() error) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("expected an array, found %v", tok)
	}
	for dec.More() {
		if err := entry(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// Skip reads past one value without keeping it.
func Skip(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// expect reads the next token, which must be delim.
func expect(dec *json.Decoder, delim json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != delim {
		return fmt.Errorf("expected %v, found %v", delim, tok)
	}
	return nil
}

// End checks that nothing but white space follows the value read.
func End(dec *json.Decoder) error {
	_, err := dec.Token()
	switch err {
	case io.EOF:
		return nil
	case nil:
		return errors.New("invalid character after top-level value")
	}
	return err
}

// Limit reads r until n bytes have been read; more fails with tooLarge.
func Limit(r io.Reader, n int64, tooLarge error) io.Reader {
	return &limited{r: r, left: n, tooLarge: tooLarge}
}

type limited struct {
	r        io.Reader
	left     int64
	tooLarge error
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte // more to read is too much; EOF is not
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, l.tooLarge
		}
		return 0, err
	}
	n, err := l.r.Read(p[:min(int64(len(p)), l.left)])
	l.left -= int64(n)
	return n, err
}

// Worded is err as json.Unmarshal words it: an end of input met inside
// the document is "unexpected end of JSON input", not a bare EOF.
func Worded(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("unexpected end of JSON input")
	}
	return err
}

// Decode runs decode on r read no further than limit bytes; a document
// beyond gives an error that wraps tooLarge and names the limit.
func Decode[T any](r io.Reader, limit int64, tooLarge error, decode func(io.Reader) (T, error)) (T, error) {
	v, err := decode(Limit(r, limit, tooLarge))
	if errors.Is(err, tooLarge) {
		var zero T
		return zero, fmt.Errorf("%w: larger than %d MiB", tooLarge, limit>>20)
	}
	return v, err
}
