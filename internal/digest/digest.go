// Package digest computes, in one pass over a file's bytes, the
// checksums pysbom records (SHA-1 and SHA-256) and those it verifies
// against (a RECORD's algorithm, dpkg's MD5).
package digest

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"io"
	"sync"
)

// Want says which extra digests a file needs beyond SHA-1 and SHA-256.
type Want struct {
	RecordAlgo string // RECORD's algorithm, "" when the row has no hash
	RecordSize int64  // RECORD's size, -1 when unknown
	MD5        bool   // dpkg's md5sums know the file
}

// Digests are the checksums of one file.
type Digests struct {
	SHA1, SHA256, MD5 []byte
	// Prefix256 is the SHA-256 of the first RecordSize bytes, when the
	// file is longer than RECORD says: it tells an appended file apart.
	Prefix256 []byte
	// Record is the digest in RECORD's algorithm, nil when that
	// algorithm is unsupported or the row has none.
	Record []byte
	Size   int64
	Err    error
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// Read hashes everything r yields. expect is the size the file had when
// opened (-1 when unknown): a short read at or past it is taken as the
// end, which saves a read per file; a file that grew is read to its end.
func Read(r io.Reader, expect int64, w Want) Digests {
	f := r
	if expect < 0 {
		expect = 1 << 62
	}
	recordAlgo := w.RecordAlgo
	h1, h256 := sha1.New(), sha256.New()
	var hx hash.Hash
	switch recordAlgo {
	case "sha384":
		hx = sha512.New384()
	case "sha512":
		hx = sha512.New()
	}
	var hmd5 hash.Hash
	if w.MD5 || recordAlgo == "md5" {
		hmd5 = md5.New()
	}
	if recordAlgo == "md5" {
		hx = nil
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var size int64
	var prefix256 []byte
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if w.RecordSize > 0 && size < w.RecordSize && size+int64(n) > w.RecordSize {
				// Snapshot SHA-256 exactly at RECORD's size.
				cut := w.RecordSize - size
				h256.Write(chunk[:cut])
				prefix256 = h256.Sum(nil)
				h256.Write(chunk[cut:])
			} else {
				h256.Write(chunk)
			}
			h1.Write(chunk)
			if hx != nil {
				hx.Write(chunk)
			}
			if hmd5 != nil {
				hmd5.Write(chunk)
			}
			size += int64(n)
		}
		if err == io.EOF || (err == nil && n == 0) || (err == nil && n < len(buf) && size >= expect) {
			break
		}
		if err != nil {
			return Digests{Err: err}
		}
	}
	d := Digests{SHA1: h1.Sum(nil), SHA256: h256.Sum(nil), Size: size, Prefix256: prefix256}
	if hmd5 != nil {
		d.MD5 = hmd5.Sum(nil)
	}
	switch recordAlgo {
	case "md5":
		d.Record = d.MD5
	case "sha256":
		d.Record = d.SHA256
	case "sha1":
		d.Record = d.SHA1
	default:
		if hx != nil {
			d.Record = hx.Sum(nil)
		}
	}
	return d
}
