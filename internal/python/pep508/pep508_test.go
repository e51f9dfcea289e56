package pep508

import (
	"testing"
)

var linux311 = Env{
	"implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
	"platform_machine": "x86_64", "platform_python_implementation": "CPython",
	"platform_release": "6.1.0", "platform_system": "Linux", "platform_version": "#1 SMP",
	"python_full_version": "3.11.7", "python_version": "3.11", "sys_platform": "linux",
}

func with(env Env, k, v string) Env {
	out := Env{}
	for a, b := range env {
		out[a] = b
	}
	out[k] = v
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, name, spec, url, marker string
		extras                      []string
	}{
		{in: "colorama; platform_system == 'Windows'", name: "colorama", marker: `platform_system == "Windows"`},
		{in: "cffi>=2.0.0 ; platform_python_implementation != 'PyPy'", name: "cffi", spec: ">=2.0.0", marker: `platform_python_implementation != "PyPy"`},
		{in: "requests[security,socks] (>=2.8.1,<3) ; extra == 'x'", name: "requests", spec: ">=2.8.1,<3", extras: []string{"security", "socks"}, marker: `extra == "x"`},
		{in: "pip @ https://example.org/pip.whl ; python_version>='3'", name: "pip", url: "https://example.org/pip.whl", marker: `python_version >= "3"`},
		{in: "zope.interface", name: "zope.interface"},
		{in: "a (==1.0)", name: "a", spec: "==1.0"},
		{in: "b ; os.name == 'nt' and (sys.platform == 'win32' or python_version < '3')", name: "b", marker: `os_name == "nt" and (sys_platform == "win32" or python_version < "3")`},
		{in: `c; "linux" in sys_platform`, name: "c", marker: `"linux" in sys_platform`},
		{in: `d; platform_machine not in "x86_64 aarch64"`, name: "d", marker: `platform_machine not in "x86_64 aarch64"`},
	}
	for _, tt := range tests {
		r, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		m := ""
		if r.Marker != nil {
			m = r.Marker.String()
		}
		if r.Name != tt.name || r.Specifier.String() != tt.spec || r.URL != tt.url || m != tt.marker || len(r.Extras) != len(tt.extras) {
			t.Errorf("Parse(%q) = name %q spec %q url %q extras %v marker %q", tt.in, r.Name, r.Specifier.String(), r.URL, r.Extras, m)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "-bad", "a[", "a[b", "a >=", "a; python_version", "a; unknown == '1'", "a; python_version == '3", "a (>=1", "a @", "a; (python_version == '3'", "a ==1.0 junk"} {
		if r, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %+v, want error", in, r)
		}
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		marker string
		env    Env
		want   bool
	}{
		{`platform_system == "Windows"`, linux311, false},
		{`platform_python_implementation != 'PyPy'`, linux311, true},
		{`python_full_version < '3.11'`, linux311, false},
		{`python_full_version < '3.11'`, with(linux311, "python_full_version", "3.10.13"), true},
		{`python_version >= "3.8"`, linux311, true},
		{`python_version < "3.10"`, linux311, false},
		{`python_version > "3.9"`, linux311, true},
		{`python_version == "3.11.*"`, linux311, true},
		{`extra == "ssh"`, linux311, false},
		{`extra == "ssh"`, with(linux311, "extra", "ssh"), true},
		{`extra == "Test_Extra"`, with(linux311, "extra", "test-extra"), true},
		{`sys_platform == "linux" and python_version >= "3"`, linux311, true},
		{`sys_platform == "win32" or os_name == "posix"`, linux311, true},
		{`"linux" in sys_platform`, linux311, true},
		{`platform_machine not in "arm64 aarch64"`, linux311, true},
		{`implementation_name == "pypy"`, linux311, false},
		{`platform_release >= "5"`, linux311, true}, // not a version: string comparison
		{`python_full_version >= "3.11.0rc1"`, linux311, true},
		{`python_version ~= "3.4"`, linux311, true},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.marker)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.marker, err)
			continue
		}
		if got := m.Evaluate(tt.env); got != tt.want {
			t.Errorf("Evaluate(%q) = %v, want %v", tt.marker, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cffi>=2.0.0 ; platform_python_implementation != 'PyPy'",
		"requests[security] (>=2.8.1) ; extra == 'x' or (python_version < '3' and os_name == 'nt')",
		"pip @ file:///x.whl",
		"a;b==c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", r.String(), s, err)
		}
		if again.String() != r.String() {
			t.Fatalf("round trip %q -> %q -> %q", s, r.String(), again.String())
		}
		if r.Marker != nil {
			_ = r.Marker.Evaluate(linux311)
		}
	})
}

func FuzzMarker(f *testing.F) {
	for _, s := range []string{
		`python_version >= "3.8" and (sys_platform == "win32" or extra == "x")`,
		`"linux" in sys_platform`, `platform_machine not in "x86_64 aarch64"`, `os.name == 'nt'`, `((`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		again, err := ParseMarker(m.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", m.String(), s, err)
		}
		if again.String() != m.String() || again.Evaluate(linux311) != m.Evaluate(linux311) {
			t.Fatalf("round trip changes %q: %q", s, again.String())
		}
	})
}
