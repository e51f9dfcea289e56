package site

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"io"
	"sync"
)

// want says which extra digests a file needs beyond SHA-1 and SHA-256.
type want struct {
	recordAlgo string // RECORD's algorithm, "" when the row has no hash
	recordSize int64  // RECORD's size, -1 when unknown
	md5        bool   // dpkg's md5sums know the file
}

type digests struct {
	sha1, sha256, md5 []byte
	// prefix256 is the SHA-256 of the first recordSize bytes, when the
	// file is longer than RECORD says: it tells an appended file apart.
	prefix256 []byte
	// recordDigest is the digest in RECORD's algorithm, nil when that
	// algorithm is unsupported or the row has none.
	recordDigest []byte
	size         int64
	err          error
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// hashFile computes SHA-1, SHA-256 and, when RECORD uses another
// algorithm, that digest too, reading the file once.
func hashFile(name string, w want) digests {
	f, size, err := openRegular(name)
	if err != nil {
		return digests{err: err}
	}
	defer f.Close()
	return hashReader(f, size, w)
}

// sizedReader reads a file whose size was known when it was opened.
type sizedReader interface {
	Read(p []byte) (int, error)
}

// hashReader hashes everything f yields. expect is the size the file had
// when opened: a short read at or past it is taken as the end, which
// saves a read per file; a file that grew is read on to its end.
func hashReader(f sizedReader, expect int64, w want) digests {
	recordAlgo := w.recordAlgo
	h1, h256 := sha1.New(), sha256.New()
	var hx hash.Hash
	switch recordAlgo {
	case "sha384":
		hx = sha512.New384()
	case "sha512":
		hx = sha512.New()
	}
	var hmd5 hash.Hash
	if w.md5 || recordAlgo == "md5" {
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
			if w.recordSize > 0 && size < w.recordSize && size+int64(n) > w.recordSize {
				// Snapshot SHA-256 exactly at RECORD's size.
				cut := w.recordSize - size
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
			return digests{err: err}
		}
	}
	d := digests{sha1: h1.Sum(nil), sha256: h256.Sum(nil), size: size, prefix256: prefix256}
	if hmd5 != nil {
		d.md5 = hmd5.Sum(nil)
	}
	switch recordAlgo {
	case "md5":
		d.recordDigest = d.md5
	case "sha256":
		d.recordDigest = d.sha256
	case "sha1":
		d.recordDigest = d.sha1
	default:
		if hx != nil {
			d.recordDigest = hx.Sum(nil)
		}
	}
	return d
}
