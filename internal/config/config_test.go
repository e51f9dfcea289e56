package config

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c, err := Parse("c.toml", []byte(`# defaults
[scan]
fail-on = "HIGH"
output = ["table", "json=x.json"]
cpe = true
min = 6.5

[db.update]
ecosystem = ["PyPI"]

[[ignore]]
id = "PYSEC-1"
reason = "not reachable"
until = 2027-01-31

[[ignore]]
id = "GHSA-1"
package = "pkg:pypi/demo"
reason = "tests only"
until = "2026-12-31"
`))
	if err != nil {
		t.Fatal(err)
	}
	scan := c.Sections["scan"]
	if scan == nil || scan.Line != 2 || len(scan.Values) != 4 {
		t.Fatalf("scan = %+v", scan)
	}
	want := []string{"fail-on=HIGH@3", "output=table,json=x.json@4[]", "cpe=true@5", "min=6.5@6"}
	for i, v := range scan.Values {
		got := v.Key + "=" + strings.Join(v.Values, ",") + "@" + itoa(v.Line)
		if v.List {
			got += "[]"
		}
		if got != want[i] {
			t.Errorf("value %d = %s, want %s", i, got, want[i])
		}
	}
	if u := c.Sections["db update"]; u == nil || u.Values[0].Values[0] != "PyPI" {
		t.Errorf("db update = %+v", u)
	}
	if len(c.Ignore) != 2 || c.Ignore[0].Line != 11 || c.Ignore[1].Package != "pkg:pypi/demo" || c.Ignore[1].Line != 16 {
		t.Fatalf("ignore = %+v", c.Ignore)
	}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	for _, tt := range []struct {
		rule    int
		now     string
		expired bool
	}{{0, "2027-01-31", false}, {0, "2027-02-01", true}, {1, "2026-12-06", false}, {1, "2027-01-01", true}} {
		if got := c.Ignore[tt.rule].Expired(day(tt.now)); got != tt.expired {
			t.Errorf("rule %d on %s: expired %v", tt.rule, tt.now, got)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"[scan\nx = 1", "c.toml:2: "},
		{"scan = 1", "c.toml:1: scan: want a table of a command's flags"},
		{"[scan]\nx = {a = 1}", ""}, // a nested table is a subcommand's: checked by the caller
		{"[scan]\nx = [1, {a = 1}]", "c.toml:2: [scan] x: a list of strings"},
		{"[[ignore]]\nid = \"X\"", "c.toml:1: ignore X: a rule needs a reason"},
		{"[[ignore]]\nreason = \"r\"", "c.toml:1: ignore: a rule needs the id"},
		{"[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"soon\"", `c.toml:4: ignore until: "soon" is not a date`},
		{"[[ignore]]\nid = \"X\"\nreason = \"r\"\npkg = \"p\"", `c.toml:4: ignore: unknown key "pkg"`},
		{"[[ignore]]\nid = 1\nreason = \"r\"", "c.toml:2: ignore id must be a string"},
		{"ignore = 1", "c.toml:1: ignore: want [[ignore]] rules"},
	} {
		_, err := Parse("c.toml", []byte(tt.text))
		var e *Error
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.text, err)
		case tt.want != "" && (err == nil || !errors.As(err, &e) || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%q: %v, want %s...", tt.text, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"[scan]\nfail-on = \"HIGH\"\n", "[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = 2027-01-01\n",
		"[db.update]\necosystem = [\"PyPI\"]\n", "[a.b.c]\nx = 1.5\n", "x = [[1]]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.toml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not a *Error: %T %v", err, err)
			}
			return
		}
		for _, r := range c.Ignore {
			if r.ID == "" || r.Reason == "" {
				t.Fatalf("rule without id or reason: %+v", r)
			}
		}
	})
}
