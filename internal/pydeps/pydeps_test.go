package pydeps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep508"
)

var linux = pep508.Env{
	"implementation_name": "cpython", "os_name": "posix", "platform_machine": "x86_64",
	"platform_python_implementation": "CPython", "platform_system": "Linux",
	"python_full_version": "3.11.7", "python_version": "3.11", "sys_platform": "linux",
}

func dist(name, version string, requires ...string) *inventory.Package {
	return &inventory.Package{ID: inventory.DistributionID(strings.ToLower(name), version), Name: name, Version: version,
		Python: &inventory.PythonDist{RequiresDist: requires}}
}

func TestResolve(t *testing.T) {
	dists := []*inventory.Package{
		dist("click", "8.4.0", "colorama; platform_system == 'Windows'"),
		dist("colorama", "0.4.6"),
		dist("cryptography", "48.0.0", "cffi>=2.0.0 ; platform_python_implementation != 'PyPy'",
			"typing-extensions>=4.13.2 ; python_full_version < '3.11'", "bcrypt>=3.1.5 ; extra == 'ssh'"),
		dist("cffi", "2.0.0", "pycparser ; implementation_name != 'PyPy'"),
		dist("pycparser", "3.0"),
		dist("app", "1", "requests[socks]>=2", "Flask<2", "not a valid requirement!!"),
		dist("requests", "2.34.2", "idna<4,>=2.5", "PySocks!=1.5.7,>=1.5.6; extra == 'socks'", "chardet<6; extra == 'use-chardet'"),
		dist("idna", "3.13"),
		dist("flask", "3.1.3"),
		dist("Flask", "0.1"), // shadowed by the first flask
	}
	rels, problems := Resolve(dists, linux)
	var got []string
	for _, r := range rels {
		got = append(got, r.From+" -> "+r.To)
	}
	want := []string{
		"pypi/app@1 -> pypi/flask@3.1.3",
		"pypi/app@1 -> pypi/requests@2.34.2",
		"pypi/cffi@2.0.0 -> pypi/pycparser@3.0",
		"pypi/cryptography@48.0.0 -> pypi/cffi@2.0.0",
		"pypi/requests@2.34.2 -> pypi/idna@3.13",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, string(p.Kind)+": "+p.Message)
	}
	wantMsgs := []string{
		"bad-requirement: Requires-Dist \"not a valid requirement!!\" is not a valid requirement: invalid requirement \"not a valid requirement!!\" at column 5: invalid version specifier \"a valid requirement!!\": no comparison operator",
		"version-conflict: app requires Flask<2, but flask 3.1.3 is installed",
		`missing-dependency: requests requires PySocks!=1.5.7,>=1.5.6 (for its extra "socks"), which is not installed`,
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestPrereleaseInstalledSatisfies(t *testing.T) {
	_, problems := Resolve([]*inventory.Package{dist("a", "1", "b>=1.0"), dist("b", "2.0rc1")}, linux)
	if len(problems) != 0 {
		t.Errorf("an installed pre-release satisfying the range was reported: %v", problems)
	}
}
