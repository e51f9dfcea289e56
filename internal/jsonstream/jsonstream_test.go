package jsonstream

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestObjectArraySkip(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"a":[1,2,3],"skip":{"x":[{},[]]},"b":null,"c":"v"} `))
	var got []string
	err := Object(dec, func(key string) error {
		switch key {
		case "a", "b":
			return Array(dec, func() error {
				var n int
				err := dec.Decode(&n)
				got = append(got, key)
				return err
			})
		case "c":
			var s string
			err := dec.Decode(&s)
			got = append(got, s)
			return err
		}
		return Skip(dec)
	})
	if err != nil || End(dec) != nil || strings.Join(got, ",") != "a,a,a,v" {
		t.Errorf("got %v, %v", got, err)
	}
	dec = json.NewDecoder(strings.NewReader(`{"a":{}}`))
	if err := Object(dec, func(string) error { return Array(dec, func() error { return nil }) }); err == nil {
		t.Error("an object read as an array")
	}
	dec = json.NewDecoder(strings.NewReader(`{} []`))
	if err := Object(dec, func(string) error { return nil }); err != nil || End(dec) == nil {
		t.Error("a value after the document passes")
	}
	if Worded(io.EOF).Error() != "unexpected end of JSON input" || Worded(io.ErrUnexpectedEOF).Error() != "unexpected end of JSON input" {
		t.Error("an end of input is not worded as json.Unmarshal words it")
	}
}

func TestLimit(t *testing.T) {
	tooLarge := errors.New("too large")
	decode := func(r io.Reader) ([]byte, error) { return io.ReadAll(r) }
	if b, err := Decode(strings.NewReader("12345"), 5, tooLarge, decode); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	if _, err := Decode(strings.NewReader("123456"), 5, tooLarge, decode); !errors.Is(err, tooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}
