package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Berkeley DB's hash database, as rpm 4.x up to RHEL 8, CentOS 7 and
// Amazon Linux 2 keep /var/lib/rpm/Packages: pages of one size; page 0
// is the metadata page; hash pages hold key/value items (a 4-byte header
// number, a header), small ones in the page, large ones on a chain of
// overflow pages. The byte order is the writing machine's; the magic
// number tells which.
const (
	bdbHashMagic      = 0x061561
	bdbPageHeader     = 26
	bdbHashUnsorted   = 2
	bdbOverflow       = 7
	bdbHashMeta       = 8
	bdbHash           = 13
	bdbItemKeyData    = 1
	bdbItemOffPage    = 3
	maxBDBPageSize    = 64 << 10
	maxBDBOverflowLen = 256 << 20
)

// ParseBDB reads the headers of a Berkeley DB hash database held in
// memory. A value that is not a header is a problem naming its page; the
// others are returned.
func ParseBDB(data []byte) (pkgs []Package, problems []error, err error) {
	if len(data) < 512 {
		return nil, nil, errors.New("not a Berkeley DB hash database: shorter than its metadata page")
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint32(data[12:]) == bdbHashMagic:
		order = binary.LittleEndian
	case binary.BigEndian.Uint32(data[12:]) == bdbHashMagic:
		order = binary.BigEndian
	default:
		return nil, nil, errors.New("not a Berkeley DB hash database: no hash magic number")
	}
	if data[25] != bdbHashMeta {
		return nil, nil, fmt.Errorf("not a Berkeley DB hash database: page 0 is of type %d", data[25])
	}
	pageSize := int(order.Uint32(data[20:]))
	if pageSize < 512 || pageSize > maxBDBPageSize || pageSize&(pageSize-1) != 0 {
		return nil, nil, fmt.Errorf("Berkeley DB page size %d", pageSize)
	}
	if data[24] != 0 {
		return nil, nil, errors.New("an encrypted Berkeley DB database")
	}
	b := bdb{data: data, order: order, pageSize: pageSize}
	for pg := 1; pg < b.pages(); pg++ {
		page := b.page(pg)
		if t := page[25]; t != bdbHash && t != bdbHashUnsorted {
			continue
		}
		values, err := b.values(pg, page)
		if err != nil {
			problems = append(problems, err)
		}
		for _, v := range values {
			p, err := ParseHeader(v.data)
			if err != nil {
				problems = append(problems, fmt.Errorf("page %d: %v", pg, err))
				if p.Name == "" {
					continue
				}
			}
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, problems, nil
}

type bdb struct {
	data     []byte
	order    binary.ByteOrder
	pageSize int
}

func (b bdb) pages() int { return len(b.data) / b.pageSize }

func (b bdb) page(n int) []byte { return b.data[n*b.pageSize : (n+1)*b.pageSize] }

type bdbValue struct{ data []byte }

// values are the data items of a hash page whose key is a header number
// other than 0 (rpm's record 0 holds no header).
func (b bdb) values(pg int, page []byte) ([]bdbValue, error) {
	entries := int(b.order.Uint16(page[20:]))
	if bdbPageHeader+2*entries > len(page) {
		return nil, fmt.Errorf("page %d: %d entries do not fit", pg, entries)
	}
	offset := func(i int) int { return int(b.order.Uint16(page[bdbPageHeader+2*i:])) }
	// item i runs from its offset to the previous item's (items are laid
	// from the page's end backwards).
	item := func(i int) ([]byte, error) {
		start, end := offset(i), len(page)
		if i > 0 {
			end = offset(i - 1)
		}
		if start < bdbPageHeader+2*entries || start >= end || end > len(page) {
			return nil, fmt.Errorf("page %d: item %d at bytes %d-%d", pg, i, start, end)
		}
		return page[start:end], nil
	}
	var out []bdbValue
	for i := 0; i+1 < entries; i += 2 {
		key, err := item(i)
		if err != nil {
			return out, err
		}
		if key[0] == bdbItemKeyData && len(key) == 5 && b.order.Uint32(key[1:]) == 0 {
			continue
		}
		val, err := item(i + 1)
		if err != nil {
			return out, err
		}
		switch val[0] {
		case bdbItemKeyData:
			out = append(out, bdbValue{val[1:]})
		case bdbItemOffPage:
			if len(val) < 12 {
				return out, fmt.Errorf("page %d: overflow item of %d bytes", pg, len(val))
			}
			data, err := b.overflow(int(b.order.Uint32(val[4:])), int(b.order.Uint32(val[8:])))
			if err != nil {
				return out, fmt.Errorf("page %d: %v", pg, err)
			}
			out = append(out, bdbValue{data})
		default:
			return out, fmt.Errorf("page %d: item of type %d", pg, val[0])
		}
	}
	return out, nil
}

// overflow reads a chain of overflow pages from pgno: total bytes.
func (b bdb) overflow(pgno, total int) ([]byte, error) {
	if total > maxBDBOverflowLen {
		return nil, fmt.Errorf("an item of %d bytes", total)
	}
	out := make([]byte, 0, total)
	for seen := 0; len(out) < total; seen++ {
		if pgno <= 0 || pgno >= b.pages() || seen > b.pages() {
			return nil, fmt.Errorf("overflow chain broken at page %d", pgno)
		}
		page := b.page(pgno)
		if page[25] != bdbOverflow {
			return nil, fmt.Errorf("page %d in an overflow chain is of type %d", pgno, page[25])
		}
		n := int(b.order.Uint16(page[22:])) // bytes of the item on this page
		if bdbPageHeader+n > len(page) {
			return nil, fmt.Errorf("overflow page %d claims %d bytes", pgno, n)
		}
		out = append(out, page[bdbPageHeader:bdbPageHeader+n]...)
		pgno = int(b.order.Uint32(page[16:]))
	}
	if len(out) != total {
		return nil, fmt.Errorf("overflow chain holds %d bytes, not %d", len(out), total)
	}
	return out, nil
}
