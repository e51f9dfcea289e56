package cli

import (
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var b strings.Builder
	p := &progress{w: &b, label: "records imported:", on: true}
	p.update(5, -1)
	p.update(7, 7)
	p.done()
	p.done() // a second done writes nothing more
	want := "\rpysbom: records imported: 5\rpysbom: records imported: 7/7\r\033[K"
	if b.String() != want {
		t.Errorf("progress wrote %q, want %q", b.String(), want)
	}
	var off strings.Builder
	q := newProgress(&off, "x") // not a terminal: silent
	q.update(1, 2)
	q.done()
	if off.Len() != 0 {
		t.Errorf("progress on a non-terminal wrote %q", off.String())
	}
}
