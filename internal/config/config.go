// Package config reads pysbom's configuration file, .pysbom.toml: default
// flag values per command, and the rules that ignore findings.
//
// # Format
//
// A table per command, named as the command is typed ([scan], [sbom],
// [db.update]), whose keys are that command's long flag names and whose
// values are what the flag would be given: a string, a boolean, a number,
// or a list of strings for a flag that may be repeated (output, vex).
// Flags on the command line win over the file.
//
//	[scan]
//	fail-on = "HIGH"
//	output = ["table", "sarif=scan.sarif"]
//	vex = ["triage.openvex.json"]
//
//	[[ignore]]
//	id = "PYSEC-2023-228"
//	package = "pip"          # a PyPI name or a purl; all packages when left out
//	reason = "pip is not used at run time"
//	until = 2027-01-31       # the rule stops applying after this day
//
// Which keys a table takes is the caller's to check ([Config.Check]):
// this package knows the file's shape, not pysbom's flags.
package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Name is the file pysbom looks for in the working directory.
const Name = ".pysbom.toml"

// MaxSize bounds the file.
const MaxSize = 1 << 20

// Config is a configuration file.
type Config struct {
	File string
	// Sections are the command tables: "scan", "db update".
	Sections map[string]*Section
	Ignore   []Ignore
}

// Section is one command's defaults.
type Section struct {
	Name   string
	Line   int
	Values []Value // in the file's order
}

// Value is one key of a section.
type Value struct {
	Key    string
	Values []string // one for a scalar; a list's items
	List   bool
	Line   int
}

// Ignore is a rule that ignores a vulnerability's findings.
type Ignore struct {
	ID      string
	Package string // a PyPI name or a purl; "" for every package
	Reason  string
	Until   time.Time // the last day it applies; zero for ever
	Line    int
}

// Expired reports whether the rule no longer applies on day now.
func (ig Ignore) Expired(now time.Time) bool {
	if ig.Until.IsZero() {
		return false
	}
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return today.After(ig.Until)
}

// Error is a mistake in the file, with its line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Find returns the configuration file to read: explicit (--config), else
// $PYSBOM_CONFIG, else .pysbom.toml in the working directory if there is
// one; "" for none.
func Find(explicit string, getenv func(string) string) string {
	if explicit != "" {
		return explicit
	}
	if p := getenv("PYSBOM_CONFIG"); p != "" {
		return p
	}
	if fi, err := os.Stat(Name); err == nil && fi.Mode().IsRegular() {
		return Name
	}
	return ""
}

// Load reads and parses a configuration file.
func Load(file string) (*Config, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", file, errors.Unwrap(err))
	}
	if !fi.Mode().IsRegular() || fi.Size() > MaxSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("not a regular file of at most %d KiB", MaxSize>>10)}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	return Parse(file, data)
}

var (
	headerLine = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]`)
	arrayLine  = regexp.MustCompile(`^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]`)
	keyLine    = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)
)

// Parse parses the text of a configuration file; file names it in errors.
func Parse(file string, data []byte) (*Config, error) {
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: file, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &Error{File: file, Msg: err.Error()}
	}
	// Lines of tables and keys: "scan", "scan.fail-on", "ignore.0.id".
	lines := map[string]int{}
	table, arrays := "", map[string]int{}
	for i, l := range strings.Split(string(data), "\n") {
		if m := arrayLine.FindStringSubmatch(l); m != nil {
			table = fmt.Sprintf("%s.%d", m[1], arrays[m[1]])
			arrays[m[1]]++
			lines[table] = i + 1
			continue
		}
		if m := headerLine.FindStringSubmatch(l); m != nil {
			table = m[1]
			lines[table] = i + 1
			continue
		}
		if m := keyLine.FindStringSubmatch(l); m != nil {
			key := m[1]
			if table != "" {
				key = table + "." + key
			}
			if _, seen := lines[key]; !seen {
				lines[key] = i + 1
			}
		}
	}
	c := &Config{File: file, Sections: map[string]*Section{}}
	fail := func(key, format string, args ...any) error {
		return &Error{File: file, Line: lines[key], Msg: fmt.Sprintf(format, args...)}
	}
	// Top-level names in the file's order ([db.update] names only
	// "db.update" and its keys, not "db").
	var names []string
	for _, key := range md.Keys() {
		if !slices.Contains(names, key[0]) {
			names = append(names, key[0])
		}
	}
	for _, name := range names {
		v := raw[name]
		if name == "ignore" {
			rules, err := parseIgnore(v, lines, fail)
			if err != nil {
				return nil, err
			}
			c.Ignore = rules
			continue
		}
		tbl, ok := v.(map[string]any)
		if !ok {
			return nil, fail(name, "%s: want a table of a command's flags, such as [scan], or [[ignore]] rules", name)
		}
		if err := c.section(name, tbl, lines, fail); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// section reads a command's table; a table of tables is a group's
// subcommands ([db.update]).
func (c *Config) section(name string, tbl map[string]any, lines map[string]int, fail func(string, string, ...any) error) error {
	s := &Section{Name: strings.ReplaceAll(name, ".", " "), Line: lines[name]}
	keys := make([]string, 0, len(tbl))
	for k := range tbl {
		keys = append(keys, k)
	}
	// In the file's order: by line, then by name.
	slices.SortFunc(keys, func(a, b string) int {
		if la, lb := lines[name+"."+a], lines[name+"."+b]; la != lb {
			return la - lb
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		full := name + "." + k
		switch v := tbl[k].(type) {
		case map[string]any:
			if err := c.section(full, v, lines, fail); err != nil {
				return err
			}
		case []any:
			val := Value{Key: k, List: true, Line: lines[full]}
			for _, item := range v {
				str, ok := scalar(item)
				if !ok {
					return fail(full, "[%s] %s: a list of strings, such as %s = [\"a\", \"b\"]", s.Name, k, k)
				}
				val.Values = append(val.Values, str)
			}
			s.Values = append(s.Values, val)
		default:
			str, ok := scalar(v)
			if !ok {
				return fail(full, "[%s] %s: want a string, a boolean, a number or a list of strings", s.Name, k)
			}
			s.Values = append(s.Values, Value{Key: k, Values: []string{str}, Line: lines[full]})
		}
	}
	if len(s.Values) > 0 || len(tbl) == 0 {
		c.Sections[s.Name] = s
	}
	return nil
}

// scalar is a TOML value as a flag would be given it.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

func parseIgnore(v any, lines map[string]int, fail func(string, string, ...any) error) ([]Ignore, error) {
	list, ok := v.([]map[string]any)
	if !ok {
		return nil, fail("ignore", "ignore: want [[ignore]] rules, each with id and reason")
	}
	var out []Ignore
	for i, m := range list {
		at := fmt.Sprintf("ignore.%d", i)
		rule := Ignore{Line: lines[at]}
		for k, v := range m {
			s, isString := v.(string)
			switch k {
			case "id", "package", "reason":
				if !isString {
					return nil, fail(at+"."+k, "ignore %s must be a string: %s = \"...\"", k, k)
				}
				switch k {
				case "id":
					rule.ID = strings.TrimSpace(s)
				case "package":
					rule.Package = strings.TrimSpace(s)
				case "reason":
					rule.Reason = strings.TrimSpace(s)
				}
			case "until":
				t, err := date(v)
				if err != nil {
					return nil, fail(at+"."+k, "ignore until: %v", err)
				}
				rule.Until = t
			default:
				return nil, fail(at+"."+k, "ignore: unknown key %q (an ignore rule has id, package, reason and until)", k)
			}
		}
		switch {
		case rule.ID == "":
			return nil, fail(at, "ignore: a rule needs the id of the vulnerability: id = \"PYSEC-...\"")
		case rule.Reason == "":
			return nil, fail(at, "ignore %s: a rule needs a reason: reason = \"why it does not matter here\"", rule.ID)
		}
		out = append(out, rule)
	}
	return out, nil
}

// date reads a TOML local date or a "YYYY-MM-DD" string.
func date(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		y, m, d := v.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	case string:
		t, err := time.Parse("2006-01-02", strings.TrimSpace(v))
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date such as 2027-01-31", v)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want a date such as 2027-01-31")
}
