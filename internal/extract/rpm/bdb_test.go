package rpm

import (
	"context"
	"database/sql"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/rpmroot"
)

// TestRealBerkeleyDB writes the headers of a database rpm wrote, and a
// small one, into a Berkeley DB hash database with Berkeley DB's own
// db_load (as rpm's BDB backend keys them: a native 4-byte number, with
// record 0 holding no header), and reads them back.
func TestRealBerkeleyDB(t *testing.T) {
	root := RealRoot(t)
	conn, err := sql.Open("sqlite", filepath.Join(root, "var/lib/rpm/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT blob FROM Packages ORDER BY hnum`)
	if err != nil {
		t.Fatal(err)
	}
	// A header larger than a page: its value is on a chain of overflow pages.
	var many []string
	for i := 0; i < 600; i++ {
		many = append(many, "module_"+strings.Repeat("x", i%40)+".py")
	}
	big := buildHeader(testEntry{tag: tagName, typ: typeString, strs: []string{"python3-big"}}, testEntry{tag: tagVersion, typ: typeString, strs: []string{"2.0"}},
		testEntry{tag: tagRelease, typ: typeString, strs: []string{"1.el8"}}, testEntry{tag: tagDirNames, typ: typeStringArray, strs: []string{"/usr/lib/python3.6/site-packages/big/"}},
		testEntry{tag: tagBaseNames, typ: typeStringArray, strs: many}, testEntry{tag: tagDirIndexes, typ: typeInt32, ints: make([]int32, len(many))})
	blobs := [][]byte{demoHeader(), big}
	for rows.Next() {
		var b []byte
		rows.Scan(&b)
		blobs = append(blobs, b)
	}
	rows.Close()
	dbFile := filepath.Join(t.TempDir(), "Packages")
	rpmroot.BerkeleyDB(t, dbFile, blobs)
	data, _ := os.ReadFile(dbFile)
	got, problems, err := ParseBDB(data)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	var want []Package
	for _, b := range blobs {
		want = append(want, mustParse(t, b))
	}
	name := func(ps []Package) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name+" "+p.EVR()+" "+strings.Join(p.Files, ","))
		}
		slices.Sort(out)
		return strings.Join(out, "\n")
	}
	if name(got) != name(want) {
		t.Errorf("read:\n%s\nwant:\n%s", name(got), name(want))
	}

	// The same with rpm's packages through ReadSQLite: one reader of
	// headers for both formats.
	fromSQLite, _, err := ParseSQLite(context.Background(), mustRead(t, filepath.Join(root, "var/lib/rpm/rpmdb.sqlite")), nil)
	if err != nil || len(fromSQLite) != len(blobs)-2 {
		t.Errorf("sqlite: %d packages, %v", len(fromSQLite), err)
	}
	noMagic := slices.Clone(data)
	copy(noMagic[12:16], []byte{0, 0, 0, 0})
	for _, bad := range [][]byte{data[:100], noMagic, nil} {
		if _, _, err := ParseBDB(bad); err == nil {
			t.Error("a damaged database gives no error")
		}
	}
}

func mustParse(t *testing.T, b []byte) Package {
	t.Helper()
	p, err := ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzParseBDB(f *testing.F) {
	page := make([]byte, 1024)
	binary.LittleEndian.PutUint32(page[12:], bdbHashMagic)
	binary.LittleEndian.PutUint32(page[20:], 512)
	page[25] = bdbHashMeta
	page[512+25] = bdbHash
	binary.LittleEndian.PutUint16(page[512+20:], 2)
	f.Add(page)
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, _, err := ParseBDB(data)
		if err != nil && len(pkgs) > 0 {
			t.Error("packages with an error")
		}
	})
}
