package vulndb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// records writes n records of one package into a folder.
func records(t *testing.T, dir, pkg string, n int) string {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	for i := range n {
		r := fmt.Sprintf(`{"id": "%s-%d", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "%s"}, "versions": ["1.%d"]}]}`, strings.ToUpper(pkg), i, pkg, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", pkg, i)), []byte(r), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sources(t *testing.T, dbPath string) map[string]int {
	t.Helper()
	db, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, s := range st.Sources {
		out[filepath.Base(s.Name)] = s.Records
	}
	return out
}

// TestImportWaitsForAnother: an import finds the database locked by
// another, fails at once with NoWait, and otherwise waits and then keeps
// both imports' records.
func TestImportWaitsForAnother(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "v.db")
	a, b := records(t, filepath.Join(dir, "a"), "alpha", 3), records(t, filepath.Join(dir, "b"), "beta", 4)
	ctx := context.Background()
	unlock, err := lock(ctx, dbPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, dbPath, []string{a}, Options{NoWait: true}); !errors.Is(err, ErrBusy) {
		t.Fatalf("with the lock held, NoWait: %v", err)
	}
	var waited sync.WaitGroup
	waited.Add(1)
	done := make(chan error)
	go func() {
		_, err := Import(ctx, dbPath, []string{a}, Options{Waiting: waited.Done})
		done <- err
	}()
	waited.Wait() // it waits...
	select {
	case err := <-done:
		t.Fatalf("import finished while the lock was held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	unlock() // ...until the lock is free
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, dbPath, []string{b}, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := sources(t, dbPath); got["a"] != 3 || got["b"] != 4 {
		t.Errorf("sources %v", got)
	}
}

// TestTwoProcesses runs two pysbom imports into one database at the same
// time, in two processes: both keep their records.
func TestTwoProcesses(t *testing.T) {
	if dbPath := os.Getenv("PYSBOM_TEST_IMPORT_DB"); dbPath != "" {
		// Start together: when the parent says go.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(dbPath + ".go"); err == nil {
				break
			}
		}
		if _, err := Import(context.Background(), dbPath, []string{os.Getenv("PYSBOM_TEST_IMPORT_FROM")}, Options{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "v.db")
	var cmds []*exec.Cmd
	for _, pkg := range []string{"alpha", "beta"} {
		src := records(t, filepath.Join(dir, pkg), pkg, 3000)
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcesses$")
		cmd.Env = append(os.Environ(), "PYSBOM_TEST_IMPORT_DB="+dbPath, "PYSBOM_TEST_IMPORT_FROM="+src)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	os.WriteFile(dbPath+".go", nil, 0o644)
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if got := sources(t, dbPath); got["alpha"] != 3000 || got["beta"] != 3000 {
		t.Errorf("after two concurrent imports: %v", got)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestStaleTemporaryFiles: the temporary files of a dead import are
// removed by the next one, those of a live process never.
func TestStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "v.db")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1) to make a dead PID with")
	}
	deadTmp := fmt.Sprintf("%s.import-%d.tmp", dbPath, dead.Process.Pid)
	liveTmp := fmt.Sprintf("%s.import-%d.tmp", dbPath, os.Getppid())
	deadDownload := filepath.Join(dir, fmt.Sprintf(".download-%d.zip", dead.Process.Pid))
	for _, f := range []string{deadTmp, liveTmp, deadDownload} {
		os.WriteFile(f, []byte("half a database"), 0o644)
	}
	if _, err := Import(context.Background(), dbPath, []string{records(t, filepath.Join(dir, "a"), "alpha", 1)}, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deadTmp); err == nil {
		t.Error("a dead import's temporary file was kept")
	}
	if _, err := os.Stat(liveTmp); err != nil {
		t.Error("a live process's temporary file was removed")
	}
}

// TestNothingImported: a path that yields no record is an error, and the
// database stays as it was.
func TestNothingImported(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "v.db")
	if _, err := Import(context.Background(), dbPath, []string{records(t, filepath.Join(dir, "a"), "alpha", 2)}, Options{}); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"id": "X"}`), 0o644)
	for _, p := range []string{empty, bad} {
		_, err := Import(context.Background(), dbPath, []string{p}, Options{})
		var ne *NothingError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), "database is unchanged") {
			t.Errorf("%s: %v", p, err)
		}
	}
	if got := sources(t, dbPath); len(got) != 1 || got["a"] != 2 {
		t.Errorf("sources after failed imports: %v", got)
	}
}

// TestReadOnlyDatabase: a database file the user may not write is
// refused; one that may be replaced keeps its mode.
func TestReadOnlyDatabase(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "v.db")
	if _, err := Import(context.Background(), dbPath, []string{records(t, filepath.Join(dir, "a"), "alpha", 1)}, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dbPath, 0o444)
	_, err := Import(context.Background(), dbPath, []string{records(t, filepath.Join(dir, "b"), "beta", 1)}, Options{})
	fi, _ := os.Stat(dbPath)
	if os.Geteuid() == 0 { // root may write anything: the file is replaced, keeping its mode
		if err != nil || fi.Mode().Perm() != 0o444 {
			t.Errorf("as root: %v, mode %s", err, fi.Mode().Perm())
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), "read-only") || fi.Mode().Perm() != 0o444 {
		t.Errorf("read-only database: %v, mode %s", err, fi.Mode().Perm())
	}
}

// TestFutureRecord: a record modified in the future is skipped and
// reported, so that db status never shows tomorrow as the newest data.
func TestFutureRecord(t *testing.T) {
	dir := t.TempDir()
	src := records(t, filepath.Join(dir, "a"), "alpha", 2)
	os.WriteFile(filepath.Join(src, "future.json"), []byte(`{"id": "FUT-1", "modified": "2999-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "alpha"}, "versions": ["1"]}]}`), 0o644)
	rep, err := Import(context.Background(), filepath.Join(dir, "v.db"), []string{src}, Options{Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil || rep.Imported != 2 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Err.Error(), "is in the future") {
		t.Errorf("%+v %v", rep, err)
	}
}
