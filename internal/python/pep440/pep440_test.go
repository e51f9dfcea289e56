package pep440

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// vectorsPath is pypa/packaging's own test tables, read in place.
var vectorsPath = filepath.Join("..", "..", "..", "..", "shared", "corpus", "vectors", "pypa-packaging-pep440-vectors.json")

type table struct {
	Argnames []string            `json:"argnames"`
	Values   [][]json.RawMessage `json:"values"`
}

func loadVectors(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Skipf("pypa packaging vectors not present (%v); they come with ../shared/corpus", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func decode[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func optBool(t *testing.T, raw json.RawMessage) *bool {
	return decode[*bool](t, raw)
}

func TestVectorsOrdering(t *testing.T) {
	m := loadVectors(t)
	vs := decode[[]string](t, m["versions_sorted_ascending"])
	parsed := make([]Version, len(vs))
	for i, s := range vs {
		v, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		parsed[i] = v
	}
	for i := range parsed {
		for j := range parsed {
			want := cmpInt(i, j)
			if got := parsed[i].Compare(parsed[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", vs[i], vs[j], got, want)
			}
		}
	}
}

func TestVectorsInvalid(t *testing.T) {
	m := loadVectors(t)
	for _, s := range decode[[]string](t, m["invalid_versions"]) {
		if v, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want error", s, v)
		}
	}
}

func TestVectorsNormalisation(t *testing.T) {
	m := loadVectors(t)
	for _, key := range []string{"normalized_versions", "version_str"} {
		for _, pair := range decode[[][2]string](t, m[key]) {
			v, err := Parse(pair[0])
			if err != nil {
				t.Errorf("%s: Parse(%q): %v", key, pair[0], err)
				continue
			}
			if v.String() != pair[1] {
				t.Errorf("%s: %q normalises to %q, want %q", key, pair[0], v.String(), pair[1])
			}
		}
	}
}

func TestVectorsAccessors(t *testing.T) {
	m := loadVectors(t)
	type pair = [2]json.RawMessage
	check := func(key string, got func(Version) any) {
		for _, p := range decode[[]pair](t, m[key]) {
			s := decode[string](t, p[0])
			v, err := Parse(s)
			if err != nil {
				t.Errorf("%s: Parse(%q): %v", key, s, err)
				continue
			}
			g, _ := json.Marshal(got(v))
			var a, b any
			_ = json.Unmarshal(g, &a)
			_ = json.Unmarshal(p[1], &b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) {
				t.Errorf("%s(%q) = %s, want %s", key, s, ga, gb)
			}
		}
	}
	atoi := func(s string) json.Number { return json.Number(s) }
	check("version_public", func(v Version) any { return v.Public() })
	check("version_base_version", func(v Version) any { return v.BaseVersion() })
	check("version_epoch", func(v Version) any { return atoi(v.Epoch()) })
	check("version_release", func(v Version) any {
		var out []json.Number
		for _, r := range v.Release() {
			out = append(out, atoi(r))
		}
		return out
	})
	check("version_local", func(v Version) any {
		if v.Local() == "" {
			return nil
		}
		return v.Local()
	})
	check("version_pre", func(v Version) any {
		k, n, ok := v.Pre()
		if !ok {
			return nil
		}
		return []any{string(k), atoi(n)}
	})
	check("version_is_prerelease", func(v Version) any { return v.IsPrerelease() })
	check("version_dev", func(v Version) any {
		if n, ok := v.Dev(); ok {
			return atoi(n)
		}
		return nil
	})
	check("version_post", func(v Version) any {
		if n, ok := v.Post(); ok {
			return atoi(n)
		}
		return nil
	})
}

func TestVectorsSpecifierSyntax(t *testing.T) {
	m := loadVectors(t)
	for _, s := range decode[[]string](t, m["specifiers_valid"]) {
		if _, err := ParseSpecifier(s); err != nil {
			t.Errorf("ParseSpecifier(%q): %v", s, err)
		}
	}
	for _, s := range decode[[]string](t, m["specifiers_invalid"]) {
		if sp, err := ParseSpecifier(s); err == nil {
			t.Errorf("ParseSpecifier(%q) = %v, want error", s, sp)
		}
	}
}

func TestVectorsContains(t *testing.T) {
	m := loadVectors(t)
	yes := true
	for _, row := range decode[table](t, m["specifier_contains_prereleases_true"]).Values {
		v, spec, want := decode[string](t, row[0]), decode[string](t, row[1]), decode[bool](t, row[2])
		sp, err := ParseSpecifier(spec)
		if err != nil {
			t.Errorf("ParseSpecifier(%q): %v", spec, err)
			continue
		}
		if got := sp.Contains(v, &yes); got != want {
			t.Errorf("%q contains %q = %v, want %v", spec, v, got, want)
		}
	}
	for _, key := range []string{"specifier_invalid_version_contains"} {
		for _, row := range decode[table](t, m[key]).Values {
			spec, v, want := decode[string](t, row[0]), decode[string](t, row[1]), decode[bool](t, row[2])
			sp, err := ParseSpecifier(spec)
			if err != nil {
				t.Fatalf("ParseSpecifier(%q): %v", spec, err)
			}
			if got := sp.Contains(v, nil); got != want {
				t.Errorf("%s: %q contains %q = %v, want %v", key, spec, v, got, want)
			}
		}
	}
	for _, row := range decode[table](t, m["specifier_arbitrary_equality"]).Values {
		v, spec, want := decode[string](t, row[0]), decode[string](t, row[1]), decode[bool](t, row[2])
		sp, err := ParseSpecifier(spec)
		if err != nil {
			t.Fatalf("ParseSpecifier(%q): %v", spec, err)
		}
		if got := sp.Contains(v, nil); got != want {
			t.Errorf("arbitrary: %q contains %q = %v, want %v", spec, v, got, want)
		}
	}
	for _, row := range decode[table](t, m["specifier_prereleases"]).Values {
		spec, v := decode[string](t, row[0]), decode[string](t, row[1])
		specPre, containsPre, want := optBool(t, row[2]), optBool(t, row[3]), decode[bool](t, row[4])
		sp, err := ParseSpecifier(spec)
		if err != nil {
			t.Fatalf("ParseSpecifier(%q): %v", spec, err)
		}
		sp.Prereleases = specPre
		if got := sp.Contains(v, containsPre); got != want {
			t.Errorf("prereleases: %q(pre=%v) contains %q (pre=%v) = %v, want %v", spec, fmtB(specPre), v, fmtB(containsPre), got, want)
		}
	}
}

func fmtB(b *bool) string {
	if b == nil {
		return "None"
	}
	if *b {
		return "True"
	}
	return "False"
}

func TestVectorsFilter(t *testing.T) {
	m := loadVectors(t)
	for _, row := range decode[table](t, m["specifier_filter"]).Values {
		spec := decode[string](t, row[0])
		specPre, pre := optBool(t, row[1]), optBool(t, row[2])
		in, want := decode[[]string](t, row[3]), decode[[]string](t, row[4])
		sp, err := ParseSpecifier(spec)
		if err != nil {
			t.Fatalf("ParseSpecifier(%q): %v", spec, err)
		}
		sp.Prereleases = specPre
		got := sp.Filter(in, pre)
		if len(got) != len(want) || (len(got) > 0 && fmtList(got) != fmtList(want)) {
			t.Errorf("filter %q(pre=%s) %v (pre=%s) = %v, want %v", spec, fmtB(specPre), in, fmtB(pre), got, want)
		}
	}
}

func fmtList(l []string) string { b, _ := json.Marshal(l); return string(b) }

func TestVectorsSpecifierSet(t *testing.T) {
	m := loadVectors(t)
	for _, row := range decode[table](t, m["specifierset_contains_installed_prereleases"]).Values {
		spec, v := decode[string](t, row[0]), decode[string](t, row[1])
		setPre, containsPre := optBool(t, row[2]), optBool(t, row[3])
		installed, want := decode[bool](t, row[4]), decode[bool](t, row[5])
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		set.Prereleases = setPre
		if got := set.Contains(v, containsPre, installed); got != want {
			t.Errorf("installed: %q(pre=%s) contains %q (pre=%s, installed=%v) = %v, want %v", spec, fmtB(setPre), v, fmtB(containsPre), installed, got, want)
		}
	}
	for _, row := range decode[table](t, m["specifierset_contains_exclusionary_bridges"]).Values {
		spec, pre, v, want := decode[string](t, row[0]), optBool(t, row[1]), decode[string](t, row[2]), decode[bool](t, row[3])
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := set.Contains(v, pre, false); got != want {
			t.Errorf("bridges: %q contains %q (pre=%s) = %v, want %v", spec, v, fmtB(pre), got, want)
		}
	}
	for _, key := range []string{"specifierset_comparison_ignores_local"} {
		for _, row := range decode[table](t, m[key]).Values {
			v, spec, want := decode[string](t, row[0]), decode[string](t, row[1]), decode[bool](t, row[2])
			set, err := ParseSpecifierSet(spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Contains(v, nil, false); got != want {
				t.Errorf("%s: %q contains %q = %v, want %v", key, spec, v, got, want)
			}
		}
	}
	for _, row := range decode[table](t, m["specifierset_contains_post_release_boundary"]).Values {
		spec, v, want := decode[string](t, row[0]), decode[string](t, row[1]), decode[bool](t, row[2])
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := set.Contains(v, nil, false); got != want {
			t.Errorf("post boundary: %q contains %q = %v, want %v", spec, v, got, want)
		}
	}
}

// TestFastPathAgrees: the plain-release fast path gives what the full
// grammar gives.
func TestFastPathAgrees(t *testing.T) {
	for _, s := range []string{"0", "1", "01.002", "1.0.0", "2024.10.10", "10.0.0.0.1", "123456789012345678901234567890.1"} {
		fast, ok := parseRelease(s)
		if !ok {
			t.Fatalf("%s: fast path refused", s)
		}
		m := versionRE.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%s: the grammar refuses it", s)
		}
		if fast.String() != MustParse(" "+s).String() || fast.Compare(MustParse(" "+s)) != 0 {
			t.Errorf("%s: fast %s, grammar %s", s, fast, MustParse(" "+s))
		}
	}
	for _, s := range []string{"", ".", "1.", ".1", "1..2", "1.a", "v1", "1 "} {
		if _, ok := parseRelease(s); ok {
			t.Errorf("fast path accepted %q", s)
		}
	}
}

func TestKey(t *testing.T) {
	for _, same := range [][]string{
		{"1", "1.0", "1.0.0", "v1.0.0.0"},
		{"1.0a", "1.0a0", "1.0.0-alpha0", "1.0.0.a.0"},
		{"0!2.1.post0", "2.1-0", "2.1.0.post", "2.1r"},
		{"1.0+ABC.01", "1.0.0+abc.1", "1.0+abc-1"},
		{"0", "0.0.0", "00"},
	} {
		want := MustParse(same[0]).Key()
		for _, s := range same[1:] {
			if got := MustParse(s).Key(); got != want {
				t.Errorf("Key(%q) = %q, Key(%q) = %q", s, got, same[0], want)
			}
		}
	}
	for _, differ := range [][2]string{{"1.0", "1.0+0"}, {"1!1.0", "1.0"}, {"1.0.1", "1.1"}, {"1.0.dev0", "1.0"}, {"1.0.post0", "1.0"}, {"1.10", "1.1"}} {
		if MustParse(differ[0]).Key() == MustParse(differ[1]).Key() {
			t.Errorf("%q and %q share key %q", differ[0], differ[1], MustParse(differ[0]).Key())
		}
	}
}
