package rpm

import (
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/rootfs"
	"github.com/pysbom/pysbom/internal/testutil/rpmroot"
)

// testEntry is one entry of a header the tests build.
type testEntry struct {
	tag, typ uint32
	strs     []string
	ints     []int32
}

// buildHeader writes a header blob as rpm stores it in its database.
func buildHeader(entries ...testEntry) []byte {
	var data []byte
	var index []byte
	for _, e := range entries {
		if e.typ == typeInt32 {
			for len(data)%4 != 0 {
				data = append(data, 0)
			}
		}
		off := len(data)
		count := len(e.strs)
		for _, s := range e.strs {
			data = append(append(data, s...), 0)
		}
		for _, n := range e.ints {
			data = binary.BigEndian.AppendUint32(data, uint32(n))
			count = len(e.ints)
		}
		for _, v := range []uint32{e.tag, e.typ, uint32(off), uint32(count)} {
			index = binary.BigEndian.AppendUint32(index, v)
		}
	}
	blob := binary.BigEndian.AppendUint32(nil, uint32(len(entries)))
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(data)))
	return append(append(blob, index...), data...)
}

func demoHeader() []byte {
	return buildHeader(
		testEntry{tag: tagName, typ: typeString, strs: []string{"python3"}},
		testEntry{tag: tagVersion, typ: typeString, strs: []string{"3.9.18"}},
		testEntry{tag: tagRelease, typ: typeString, strs: []string{"1.el9_3"}},
		testEntry{tag: tagEpoch, typ: typeInt32, ints: []int32{0}},
		testEntry{tag: tagArch, typ: typeString, strs: []string{"x86_64"}},
		testEntry{tag: tagLicense, typ: typeString, strs: []string{"Python"}},
		testEntry{tag: tagSummary, typ: typeI18NString, strs: []string{"Python 3.9 interpreter"}},
		testEntry{tag: tagSourceRPM, typ: typeString, strs: []string{"python3.9-3.9.18-1.el9_3.src.rpm"}},
		testEntry{tag: tagDirNames, typ: typeStringArray, strs: []string{"/usr/bin/", "/usr/share/doc/python3/"}},
		testEntry{tag: tagBaseNames, typ: typeStringArray, strs: []string{"python3", "python3.9", "README"}},
		testEntry{tag: tagDirIndexes, typ: typeInt32, ints: []int32{0, 0, 1}},
	)
}

func TestParseHeader(t *testing.T) {
	p, err := ParseHeader(demoHeader())
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "python3" || p.EVR() != "3.9.18-1.el9_3" || !p.HasEpoch || p.Arch != "x86_64" || p.License != "Python" ||
		p.Summary != "Python 3.9 interpreter" || p.SourceName() != "python3.9" ||
		strings.Join(p.Files, " ") != "/usr/bin/python3 /usr/bin/python3.9 /usr/share/doc/python3/README" {
		t.Errorf("%+v", p)
	}
	for name, blob := range map[string][]byte{
		"short":        {0, 0, 0, 1},
		"cut short":    demoHeader()[:60],
		"huge":         {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0},
		"bad index":    buildHeader(testEntry{tag: tagName, typ: typeString, strs: []string{"x"}}, testEntry{tag: tagVersion, typ: typeString, strs: []string{"1"}}, testEntry{tag: tagBaseNames, typ: typeStringArray, strs: []string{"a"}}, testEntry{tag: tagDirIndexes, typ: typeInt32, ints: []int32{5}}),
		"nameless":     buildHeader(testEntry{tag: tagVersion, typ: typeString, strs: []string{"1"}}),
		"epoch string": buildHeader(testEntry{tag: tagName, typ: typeString, strs: []string{"x"}}, testEntry{tag: tagVersion, typ: typeString, strs: []string{"1"}}, testEntry{tag: tagEpoch, typ: typeString, strs: []string{"1"}}),
	} {
		if _, err := ParseHeader(blob); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add(demoHeader())
	f.Add(buildHeader(testEntry{tag: tagName, typ: typeString, strs: []string{"a"}}, testEntry{tag: tagVersion, typ: typeString, strs: []string{"1"}}))
	f.Fuzz(func(t *testing.T, blob []byte) {
		p, err := ParseHeader(blob)
		if err == nil && (p.Name == "" || p.Version == "") {
			t.Errorf("a package without a name or version: %+v", p)
		}
		for _, f := range p.Files {
			if !strings.HasPrefix(f, "/") {
				t.Errorf("file %q is not absolute", f)
			}
		}
	})
}

// TestRealRPMDatabase builds two packages with rpmbuild and records them
// in a new root with rpm --justdb, as dnf would, then reads the
// rpmdb.sqlite rpm wrote (its write-ahead log included).
func TestRealRPMDatabase(t *testing.T) {
	root := RealRoot(t)
	if _, err := os.Stat(filepath.Join(root, "var/lib/rpm/rpmdb.sqlite-wal")); err != nil {
		t.Log("rpm left no write-ahead log: only the database is read")
	}
	tree, err := rootfs.New(root)
	if err != nil {
		t.Fatal(err)
	}
	name, format := Find(tree)
	if format != "sqlite" {
		t.Fatalf("found %q (%s)", name, format)
	}
	pkgs, problems, err := ReadSQLite(context.Background(), tree, name)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	out, err := exec.Command("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM} [%{FILENAMES} ]\n").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		want = append(want, strings.TrimSpace(l))
	}
	for _, p := range pkgs {
		got = append(got, strings.TrimSpace(strings.Join([]string{p.Name, strconv.Itoa(p.Epoch), p.Version, p.Release, p.Arch, p.SourceRPM, strings.Join(p.Files, " ")}, " ")))
	}
	slices.Sort(want)
	slices.Sort(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("read:\n%s\nrpm -qa:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// RealRoot records both packages with rpm, keeping the write-ahead log
// rpm leaves.
func RealRoot(t *testing.T) string {
	root := t.TempDir()
	rpmroot.Install(t, root, rpmroot.PythonSpec, true)
	rpmroot.Install(t, root, rpmroot.DemoSpec, true)
	return root
}

// TestSQLiteWAL: a package recorded only in the write-ahead log (not yet
// checkpointed into the database) is read with the log, and not without.
func TestSQLiteWAL(t *testing.T) {
	db, wal := rpmroot.PendingInLog(t, RealRoot(t), demoHeader())
	without, _, err1 := ParseSQLite(context.Background(), db, nil)
	with, _, err2 := ParseSQLite(context.Background(), db, wal)
	if err1 != nil || err2 != nil || len(wal) == 0 || len(with) != len(without)+1 ||
		!slices.ContainsFunc(with, func(p Package) bool { return p.Name == "python3" }) {
		t.Errorf("without the log %d packages (%v), with it %d (%v); log %d bytes", len(without), err1, len(with), err2, len(wal))
	}
}

// SetEVR reads back what EVR writes.
func TestSetEVR(t *testing.T) {
	for _, p := range []Package{{Version: "3.0.7", Release: "27.el9"}, {Version: "1.2", Release: "3", Epoch: 1, HasEpoch: true},
		{Version: "2.0-rc1", Release: "4.fc40", Epoch: 12, HasEpoch: true}} {
		var q Package
		q.SetEVR(p.EVR())
		if q.EVR() != p.EVR() || q.Version != p.Version || q.Release != p.Release || q.Epoch != p.Epoch {
			t.Errorf("%s: read back as %+v", p.EVR(), q)
		}
	}
}
