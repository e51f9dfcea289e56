// Package display makes untrusted text safe to show people on a
// terminal. Names, versions, summaries and paths come from what pysbom
// reads; written raw, an escape sequence in one could retitle the
// terminal, clear the screen or rewrite what was printed before it.
//
// Control characters (C0, DEL and C1), the bidirectional controls that
// reorder text ("Trojan Source") and bytes that are not UTF-8 are written
// as visible escapes: \x1b, \u202e, \xff. Running text keeps its tabs and
// newlines; a table cell keeps neither, and is cut to [MaxCell]
// characters with an ellipsis, so one huge field cannot blow up a table.
package display

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// MaxCell is the most characters a table cell shows.
const MaxCell = 300

// unsafe reports whether r must be escaped (tab and newline aside).
func unsafe(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// escape appends s to b with every unsafe character escaped; keep says
// which of tab and newline pass as they are.
func escape(b *strings.Builder, s string, keep bool) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case keep && (r == '\t' || r == '\n'):
			b.WriteRune(r)
		case r < 0x80 && unsafe(r):
			fmt.Fprintf(b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

// clean reports whether s needs no escaping.
func clean(s string, keep bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && !(keep && (c == '\t' || c == '\n')) || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			return utf8.ValidString(s[i:]) && strings.IndexFunc(s[i:], unsafe) < 0
		}
	}
	return true
}

// Text is s with every unsafe character, tab and newline escaped: one
// line of text.
func Text(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	escape(&b, s, false)
	return b.String()
}

// Cell is Text cut to MaxCell characters, with an ellipsis and the size
// of what was cut when it is long.
func Cell(s string) string {
	if len(s) > 4*MaxCell {
		s = s[:4*MaxCell] // no character is longer than 4 bytes
	}
	t := Text(s)
	if utf8.RuneCountInString(t) <= MaxCell {
		return t
	}
	cut := 0
	for i := range t {
		if cut == MaxCell-1 {
			return t[:i] + "…"
		}
		cut++
	}
	return t
}

// Writer escapes what is written through it as running text: tabs and
// newlines pass, everything else unsafe is escaped. A character split
// across writes is kept until its end arrives.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (d *Writer) Write(p []byte) (int, error) {
	data := p
	if len(d.pending) > 0 {
		data = append(d.pending, p...)
		d.pending = nil
	}
	// Hold back an incomplete character at the end.
	if n := incomplete(data); n > 0 {
		d.pending = append([]byte(nil), data[len(data)-n:]...)
		data = data[:len(data)-n]
	}
	s := string(data)
	if clean(s, true) {
		_, err := io.WriteString(d.w, s)
		return len(p), err
	}
	var b strings.Builder
	escape(&b, s, true)
	_, err := io.WriteString(d.w, b.String())
	return len(p), err
}

// incomplete is how many bytes at the end of b begin a UTF-8 character
// that has not ended yet.
func incomplete(b []byte) int {
	for back := 1; back <= 3 && back <= len(b); back++ {
		c := b[len(b)-back]
		if c&0xc0 == 0x80 {
			continue // a continuation byte
		}
		need := 1
		switch {
		case c >= 0xf0:
			need = 4
		case c >= 0xe0:
			need = 3
		case c >= 0xc0:
			need = 2
		}
		if back < need {
			return back
		}
		return 0
	}
	return 0
}

// Flush writes a character left incomplete, escaped.
func (d *Writer) Flush() error {
	if len(d.pending) == 0 {
		return nil
	}
	var b strings.Builder
	escape(&b, string(d.pending), true)
	d.pending = nil
	_, err := io.WriteString(d.w, b.String())
	return err
}

// Table writes aligned columns of cells, each made safe with Cell.
type Table struct{ tw *tabwriter.Writer }

// NewTable starts a table on w, columns two spaces apart.
func NewTable(w io.Writer) *Table {
	return &Table{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
}

// Row writes one row; each cell is printed with fmt.Sprint.
func (t *Table) Row(cells ...any) {
	parts := make([]string, len(cells))
	for i, c := range cells {
		s, ok := c.(string)
		if !ok {
			s = fmt.Sprint(c)
		}
		parts[i] = Cell(s)
	}
	io.WriteString(t.tw, strings.Join(parts, "\t")+"\n")
}

// Line writes one line of running text into the table's flow (it does
// not take part in the columns' widths when it has no tab).
func (t *Table) Line(s string) { io.WriteString(t.tw, Text(s)+"\n") }

// Flush writes the table out.
func (t *Table) Flush() error { return t.tw.Flush() }

// Markdown is s as one cell of a GitHub-flavoured Markdown table, or one
// line of text, that renders as the characters it holds: unsafe
// characters escaped as Text does, HTML and Markdown syntax neutralised
// (a name cannot open a tag, a link or a table cell), cut as Cell cuts.
func Markdown(s string) string {
	s = Cell(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '|', '\\', '`', '*', '_', '[', ']', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
