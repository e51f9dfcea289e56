// Package rpmroot makes, for tests, root file systems whose rpm database
// real rpm wrote: packages built from spec files with rpmbuild, recorded
// with rpm --justdb (and their files put in place), as dnf leaves them.
// The test skips when rpm is not installed.
package rpmroot

import (
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to checkpoint the database rpm wrote
)

// Skip skips the test when rpm or rpmbuild is missing.
func Skip(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install rpm)", tool)
		}
	}
}

// Install builds the package of spec (a spec file's text) and installs it
// into root: its record into root/var/lib/rpm/rpmdb.sqlite, its files by
// extracting the built rpm (nothing of the package is run). Unless
// keepWAL, the database is checkpointed into one file, as dnf leaves it
// in an image layer; with keepWAL, rpm's write-ahead log is kept as rpm
// left it.
func Install(t testing.TB, root, spec string, keepWAL bool) {
	t.Helper()
	Skip(t)
	top := t.TempDir()
	file := filepath.Join(top, "p.spec")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("rpmbuild", "--quiet", "--define", "_topdir "+top, "--define", "_build_id_links none", "-bb", file).CombinedOutput(); err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(rpms) != 1 {
		t.Fatalf("rpmbuild made %v", rpms)
	}
	if out, err := exec.Command("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--justdb", "--noscripts", rpms[0]).CombinedOutput(); err != nil {
		t.Fatalf("rpm -i: %v\n%s", err, out)
	}
	cmd := exec.Command("sh", "-c", `rpm2archive - < "$1" | tar -xzf - -C "$2"`, "sh", rpms[0], root)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("unpacking %s: %v\n%s", rpms[0], err, out)
	}
	dir := filepath.Join(root, "var/lib/rpm")
	os.Remove(filepath.Join(dir, ".rpm.lock"))
	if keepWAL {
		return
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"rpmdb.sqlite-shm", "rpmdb.sqlite-wal"} {
		os.Remove(filepath.Join(dir, junk))
	}
}

// PythonSpec is an rpm of a CPython interpreter, and DemoSpec one of a
// Python distribution, as RHEL packages them.
const PythonSpec = `Name: python3.9
Version: 3.9.18
Release: 1.el9_3
Summary: Python 3.9
License: Python
Vendor: Red Hat, Inc.
URL: https://www.python.org/
%description
Python
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/include/python3.9
printf '\x7fELF' > %{buildroot}/usr/bin/python3.9
printf '#define PY_VERSION "3.9.18"\n' > %{buildroot}/usr/include/python3.9/patchlevel.h
%files
/usr/bin/python3.9
/usr/include/python3.9/patchlevel.h
`

const DemoSpec = `Name: python3-demo
Version: 1.2.3
Release: 4.el9
Epoch: 1
Summary: A demo
License: MIT AND BSD-3-Clause
Vendor: Red Hat, Inc.
URL: https://example.org/demo
BuildArch: noarch
%description
demo
%install
mkdir -p %{buildroot}/usr/lib/python3.9/site-packages/demo-1.2.3.dist-info
printf 'Metadata-Version: 2.1\nName: demo\nVersion: 1.2.3\nAuthor: Demo\n' > %{buildroot}/usr/lib/python3.9/site-packages/demo-1.2.3.dist-info/METADATA
%files
/usr/lib/python3.9/site-packages/demo-1.2.3.dist-info/METADATA
`

// ToBerkeleyDB rewrites root's rpm database in the Berkeley DB format of
// RHEL 8, CentOS 7 and Amazon Linux 2 (var/lib/rpm/Packages), with
// Berkeley DB's own db_load; the SQLite database is removed. The test
// skips when db_load is not installed.
func ToBerkeleyDB(t testing.TB, root string) {
	t.Helper()
	dir := filepath.Join(root, "var/lib/rpm")
	db, err := sql.Open("sqlite", filepath.Join(dir, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT blob FROM Packages ORDER BY hnum`)
	if err != nil {
		t.Fatal(err)
	}
	var headers [][]byte
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			t.Fatal(err)
		}
		headers = append(headers, blob)
	}
	rows.Close()
	db.Close()
	BerkeleyDB(t, filepath.Join(dir, "Packages"), headers)
	for _, f := range []string{"rpmdb.sqlite", "rpmdb.sqlite-wal", "rpmdb.sqlite-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
}

// BerkeleyDB writes headers into file as rpm's Berkeley DB backend keeps
// them: a hash database keyed by native 4-byte header numbers from 1,
// record 0 holding the next number. It is written by Berkeley DB's own
// db_load; the test skips when that is not installed.
func BerkeleyDB(t testing.TB, file string, headers [][]byte) {
	t.Helper()
	load, err := exec.LookPath("db5.3_load")
	if err != nil {
		if load, err = exec.LookPath("db_load"); err != nil {
			t.Skip("db_load not installed (apt-get install db5.3-util)")
		}
	}
	var dump strings.Builder
	dump.WriteString("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n")
	key := func(n uint32) string { return hex.EncodeToString(binary.LittleEndian.AppendUint32(nil, n)) }
	dump.WriteString(" " + key(0) + "\n " + key(uint32(len(headers)+1)) + "\n")
	for i, h := range headers {
		dump.WriteString(" " + key(uint32(i+1)) + "\n " + hex.EncodeToString(h) + "\n")
	}
	dump.WriteString("DATA=END\n")
	input := filepath.Join(t.TempDir(), "dump")
	if err := os.WriteFile(input, []byte(dump.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(load, "-f", input, file).CombinedOutput(); err != nil {
		t.Fatalf("db_load: %v\n%s", err, out)
	}
}

// PendingInLog records header as one more package of root's rpm database
// the way SQLite leaves a write not yet checkpointed: in the write-ahead
// log only. It returns the database (unchanged) and the log, and leaves
// root as it was.
func PendingInLog(t testing.TB, root string, header []byte) (db, wal []byte) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	data, err := os.ReadFile(filepath.Join(root, "var/lib/rpm/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, q := range []string{`PRAGMA journal_mode=WAL`, `PRAGMA wal_autocheckpoint=0`} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(`INSERT INTO Packages (hnum, blob) VALUES (1000, ?)`, header); err != nil {
		t.Fatal(err)
	}
	db, _ = os.ReadFile(file)
	wal, _ = os.ReadFile(file + "-wal")
	return db, wal
}

// Header is the stored header of the only package of root's database.
func Header(t testing.TB, root string) []byte {
	t.Helper()
	conn, err := sql.Open("sqlite", filepath.Join(root, "var/lib/rpm/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b []byte
	if err := conn.QueryRow(`SELECT blob FROM Packages`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b
}
