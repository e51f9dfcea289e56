package osv

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The compact form pysbom's database stores records in: decoding it is
// an order of magnitude cheaper than decoding JSON, which dominated the
// time of a large scan. Strings are length-prefixed (uvarint) and, when
// read, share one copy of the data; lists are counted; database_specific
// maps stay JSON. The form is private to the database and versioned by
// its first bytes.

const binaryMagic = "OSV\x01"

// MarshalBinary encodes the record in the database's compact form.
func (r *Record) MarshalBinary() ([]byte, error) {
	e := encoder{b: []byte(binaryMagic)}
	e.str(r.ID)
	e.str(r.Modified)
	e.str(r.Published)
	e.str(r.Withdrawn)
	e.strs(r.Aliases)
	e.strs(r.Upstream)
	e.strs(r.Related)
	e.str(r.Summary)
	e.str(r.Details)
	e.severities(r.Severity)
	e.n(len(r.Affected))
	for _, a := range r.Affected {
		e.str(a.Package.Ecosystem)
		e.str(a.Package.Name)
		e.str(a.Package.PURL)
		e.n(len(a.Ranges))
		for _, rg := range a.Ranges {
			e.str(rg.Type)
			e.str(rg.Repo)
			e.n(len(rg.Events))
			for _, ev := range rg.Events {
				e.str(ev.Introduced)
				e.str(ev.Fixed)
				e.str(ev.LastAffected)
				e.str(ev.Limit)
			}
		}
		e.strs(a.Versions)
		e.severities(a.Severity)
		if err := e.object(a.DatabaseSpecific); err != nil {
			return nil, err
		}
	}
	e.n(len(r.References))
	for _, ref := range r.References {
		e.str(ref.Type)
		e.str(ref.URL)
	}
	if err := e.object(r.DatabaseSpecific); err != nil {
		return nil, err
	}
	return e.b, nil
}

type encoder struct{ b []byte }

func (e *encoder) n(n int) { e.b = binary.AppendUvarint(e.b, uint64(n)) }

func (e *encoder) str(s string) {
	e.n(len(s))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(list []string) {
	e.n(len(list))
	for _, s := range list {
		e.str(s)
	}
}

func (e *encoder) severities(list []Severity) {
	e.n(len(list))
	for _, s := range list {
		e.str(s.Type)
		e.str(s.Score)
	}
}

func (e *encoder) object(m map[string]any) error {
	if len(m) == 0 {
		e.str("")
		return nil
	}
	js, err := json.Marshal(m)
	if err != nil {
		return err
	}
	e.str(string(js))
	return nil
}

// IsBinary tells the compact form from JSON.
func IsBinary(data string) bool { return strings.HasPrefix(data, binaryMagic) }

var errCorrupt = errors.New("damaged compact record")

// DecodeBinary decodes a record MarshalBinary encoded; the record's
// strings are substrings of data, so it is not copied. Damaged data is an
// error, never a panic.
func DecodeBinary(data string) (*Record, error) {
	rest, ok := strings.CutPrefix(data, binaryMagic)
	if !ok {
		return nil, errCorrupt
	}
	d := decoder{s: rest}
	r := &Record{}
	r.ID = d.str()
	r.Modified = d.str()
	r.Published = d.str()
	r.Withdrawn = d.str()
	r.Aliases = d.strs()
	r.Upstream = d.strs()
	r.Related = d.strs()
	r.Summary = d.str()
	r.Details = d.str()
	r.Severity = d.severities()
	if n := d.count(4); n > 0 {
		r.Affected = make([]Affected, n)
		for i := range r.Affected {
			a := &r.Affected[i]
			a.Package = Package{Ecosystem: d.str(), Name: d.str(), PURL: d.str()}
			if n := d.count(3); n > 0 {
				a.Ranges = make([]Range, n)
				for j := range a.Ranges {
					rg := &a.Ranges[j]
					rg.Type, rg.Repo = d.str(), d.str()
					rg.Events = make([]Event, d.count(4))
					for k := range rg.Events {
						rg.Events[k] = Event{Introduced: d.str(), Fixed: d.str(), LastAffected: d.str(), Limit: d.str()}
					}
				}
			}
			a.Versions = d.strs()
			a.Severity = d.severities()
			a.DatabaseSpecific = d.object()
		}
	}
	if n := d.count(2); n > 0 {
		r.References = make([]Reference, n)
		for i := range r.References {
			r.References[i] = Reference{Type: d.str(), URL: d.str()}
		}
	}
	r.DatabaseSpecific = d.object()
	if d.err != nil {
		return nil, d.err
	}
	if d.s != "" {
		return nil, fmt.Errorf("%w: %d bytes after the record", errCorrupt, len(d.s))
	}
	return r, nil
}

type decoder struct {
	s   string // what is left
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.s = ""
}

func (d *decoder) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		b := d.s[i]
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

// count reads a list length; each element takes at least minSize bytes,
// so a damaged length cannot make a huge allocation.
func (d *decoder) count(minSize int) int {
	n := d.uvarint()
	if n > uint64(len(d.s)/minSize) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) severities() []Severity {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	out := make([]Severity, n)
	for i := range out {
		out[i] = Severity{Type: d.str(), Score: d.str()}
	}
	return out
}

func (d *decoder) object() map[string]any {
	js := d.str()
	if js == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		d.fail()
		return nil
	}
	return m
}
