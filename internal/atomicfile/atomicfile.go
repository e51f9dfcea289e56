// Package atomicfile replaces files so that a reader sees the old file or
// the new one, never a part, and a writer that dies leaves nothing behind
// for long: the new content goes to a temporary file beside the target,
// named with the writer's process ID, which is renamed over the target
// once complete. A temporary file whose process no longer runs is stale
// and is removed by the next writer of the same target; one of a live
// process never is.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TempPrefix starts the names of the temporary files for target; the
// writer's PID follows, so that a stale one can be told from a live one.
func TempPrefix(target string) string {
	return "." + filepath.Base(target) + ".tmp-"
}

// Write writes what render produces to file. file is replaced only once
// render has succeeded: a failure never leaves a partial file or harms an
// existing one. The new file keeps the mode of the one it replaces
// (0644 for a new one).
func Write(file string, render func(io.Writer) error) error {
	dir := filepath.Dir(file)
	RemoveStale(dir, TempPrefix(file), "")
	tmp, err := os.CreateTemp(dir, TempPrefix(file)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", file, unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", file, unwrapPath(err))
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(file); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return fmt.Errorf("write %s: %w", file, unwrapPath(err))
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("write %s: %w", file, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the temporary file's name from an error: users know
// the file they asked for, not ".x.json.tmp-1234-5678".
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		return le.Err
	}
	return err
}

// TempName is the temporary file of process pid for target with the
// given purpose: "<target>.<purpose>-<pid>.tmp", beside the target.
func TempName(target, purpose string) string {
	return fmt.Sprintf("%s.%s-%d.tmp", target, purpose, os.Getpid())
}

// RemoveStaleOf removes the temporary files TempName gave for target and
// purpose to processes that no longer run.
func RemoveStaleOf(target, purpose string) {
	prefix := filepath.Base(target) + "." + purpose + "-"
	RemoveStale(filepath.Dir(target), prefix, ".tmp")
}

// RemoveStale removes the files in dir named prefix + PID ["-..."] +
// suffix whose process no longer runs.
func RemoveStale(dir, prefix, suffix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, name := range Stale(entries, prefix, suffix) {
		os.Remove(filepath.Join(dir, name))
	}
}

// Stale picks the regular files among entries named prefix + PID
// ["-..."] + suffix whose process no longer runs.
func Stale(entries []os.DirEntry, prefix, suffix string) []string {
	var out []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() || !strings.HasSuffix(rest, suffix) {
			continue
		}
		rest = strings.TrimSuffix(rest, suffix)
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		out = append(out, e.Name())
	}
	return out
}
