package display

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"plain name":                      "plain name",
		"évian ünïcode":                   "évian ünïcode",
		"\x1b]0;owned\x07\x1b[2J":         `\x1b]0;owned\x07\x1b[2J`,
		"a\tb\nc\rd":                      `a\x09b\x0ac\x0dd`,
		"del\x7f c1\u009b[31m":            `del\x7f c1\u009b[31m`,
		"trojan \u202eevil\u2066":         `trojan \u202eevil\u2066`,
		"bad utf8 \xff\xfe":               `bad utf8 \xff\xfe`,
		"zero-width joiner ok \u200d end": "zero-width joiner ok \u200d end",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCell(t *testing.T) {
	long := strings.Repeat("x", 100<<20)
	c := Cell(long)
	if utf8.RuneCountInString(c) != MaxCell || !strings.HasSuffix(c, "…") {
		t.Errorf("cell of 100 MiB: %d characters", utf8.RuneCountInString(c))
	}
	if Cell("short") != "short" {
		t.Error("short cell changed")
	}
	if c := Cell(strings.Repeat("é", 300)); utf8.RuneCountInString(c) != MaxCell || !utf8.ValidString(c) {
		t.Errorf("multi-byte cell: %q", c)
	}
}

// TestWriter escapes running text written in pieces, keeping tabs,
// newlines and characters split across writes.
func TestWriter(t *testing.T) {
	in := "ok\tline\nname \x1b[2J é\u202e end\n"
	var whole bytes.Buffer
	NewWriter(&whole).Write([]byte(in))
	want := "ok\tline\nname \\x1b[2J é\\u202e end\n"
	if whole.String() != want {
		t.Errorf("one write: %q", whole.String())
	}
	for cut := range len(in) {
		var out bytes.Buffer
		w := NewWriter(&out)
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Flush()
		if out.String() != want {
			t.Errorf("cut at %d: %q", cut, out.String())
		}
	}
	var out bytes.Buffer
	w := NewWriter(&out)
	w.Write([]byte("x\xc3"))
	w.Flush()
	if out.String() != `x\xc3` {
		t.Errorf("incomplete at the end: %q", out.String())
	}
}

func TestTable(t *testing.T) {
	var out bytes.Buffer
	tb := NewTable(&out)
	tb.Row("NAME", "VERSION")
	tb.Row("evil\x1b]0;x\x07\tname\n", 3)
	tb.Flush()
	if strings.Contains(out.String(), "\x1b") || strings.Count(out.String(), "\n") != 2 {
		t.Errorf("table: %q", out.String())
	}
}

func FuzzText(f *testing.F) {
	f.Add("a\x1b[2J\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) || strings.IndexFunc(out, unsafe) >= 0 || strings.ContainsAny(out, "\t\n") {
			t.Errorf("Text(%q) = %q", s, out)
		}
		var b bytes.Buffer
		w := NewWriter(&b)
		w.Write([]byte(s))
		w.Flush()
		if !utf8.Valid(b.Bytes()) || bytes.IndexFunc(b.Bytes(), func(r rune) bool { return unsafe(r) && r != '\t' && r != '\n' }) >= 0 {
			t.Errorf("Writer(%q) = %q", s, b.String())
		}
	})
}

func TestMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"requests":                  "requests",
		"a|b":                       `a\|b`,
		"<img src=x onerror=y>":     "&lt;img src=x onerror=y&gt;",
		"[x](https://evil.example)": `\[x\](https://evil.example)`,
		"line\nbreak":               `line\\x0abreak`, // renders as line\x0abreak
		"**bold** `code` #1 _i_":    `\*\*bold\*\* \` + "`" + `code\` + "`" + ` \#1 \_i\_`,
		"\x1b[31mred":               `\\x1b\[31mred`,
	} {
		if got := Markdown(in); got != want {
			t.Errorf("Markdown(%q) = %q, want %q", in, got, want)
		}
	}
}
