package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/pysbom/pysbom/internal/diff"
	"github.com/pysbom/pysbom/internal/display"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/validate"
)

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := choiceFlag{allowed: validateFormats, value: "table"}
	fs.Var(&format, "o", "output `FORMAT`: table or json")
	exitCode := fs.Bool("exit-code", false, "exit 3 when the documents differ (for CI)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: pysbom diff [flags] OLD NEW")
		fmt.Fprintln(e.stderr, "\nWhat changed between two SBOMs, SPDX or CycloneDX JSON in any combination.\n\nflags:")
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		return &usageError{fmt.Sprintf("diff needs two SBOM files, OLD and NEW; got %d", len(files))}
	}
	var invs [2]*inventory.Inventory
	for i, f := range files {
		data, err := readSBOM(f)
		if err != nil {
			return err
		}
		inv, _, err := sbom.Decode(data)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		invs[i] = inv
	}
	res := diff.Compare(invs[0], invs[1])
	var out strings.Builder
	if format.value == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		printDiff(&out, files[0], files[1], res)
	}
	if _, err := io.WriteString(e.stdout, out.String()); err != nil {
		return err
	}
	if *exitCode && !res.Empty() {
		return &findingsError{fmt.Sprintf("the documents differ: %d added, %d removed, %d changed, %d+%d relationships",
			len(res.Added), len(res.Removed), len(res.Changed), len(res.RelationshipsAdded), len(res.RelationshipsRemoved))}
	}
	return nil
}

// read is how many bytes of documents this process has read.
var read atomic.Int64

// budget tells the garbage collector to hold this process near four times
// the size of the documents it has read (256 MiB at least), unless the
// user set GOMEMLIMIT: a document of a million components would
// otherwise let the heap grow to twice its peak before a collection.
func budget(n int64) {
	total := read.Add(n)
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(max(256<<20, 4*total))
}

// readSBOM reads a document for validate, diff and scan, refusing one
// larger than validate.MaxSize before reading it.
func readSBOM(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	max := validate.MaxSize
	fi, err := f.Stat()
	if err == nil && fi.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d MiB pysbom reads", file, fi.Size(), max>>20)
	}
	var data []byte
	if err == nil && fi.Mode().IsRegular() {
		// One buffer of the file's size: growing one from nothing cost a
		// large document a second or more.
		data = make([]byte, fi.Size())
		_, err = io.ReadFull(f, data)
	} else { // a pipe or device: read up to the limit
		data, err = io.ReadAll(io.LimitReader(f, max+1))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d MiB", file, max>>20)
	}
	budget(int64(len(data)))
	return data, nil
}

func printDiff(out io.Writer, oldFile, newFile string, r *diff.Result) {
	dw := display.NewWriter(out)
	defer dw.Flush()
	w := io.Writer(dw)
	t := display.Text
	fmt.Fprintf(w, "--- %s\n+++ %s\n", t(oldFile), t(newFile))
	if r.Empty() {
		fmt.Fprintln(w, "\nNo differences.")
		return
	}
	tw := display.NewTable(w)
	if len(r.Added)+len(r.Removed)+len(r.Changed) > 0 {
		fmt.Fprintln(w)
		tw.Row("", "COMPONENT", "OLD", "NEW", "WHAT")
	}
	for _, c := range r.Removed {
		tw.Row("-", c.Name, c.Version, "", "removed")
	}
	for _, c := range r.Added {
		tw.Row("+", c.Name, "", c.Version, "added")
	}
	for _, c := range r.Changed {
		var what []string
		for _, f := range c.Fields {
			what = append(what, f.Field)
		}
		if n := len(c.Files); n > 0 {
			counts := map[string]int{}
			for _, f := range c.Files {
				counts[f.Change]++
			}
			what = append(what, fmt.Sprintf("files: %d changed, %d added, %d removed", counts["changed"], counts["added"], counts["removed"]))
		}
		old := c.OldVersion
		if old == "" {
			old = c.Version
		}
		tw.Row("~", c.Name, old, c.Version, strings.Join(what, "; "))
	}
	tw.Flush()
	for _, c := range r.Changed {
		for _, f := range c.Fields {
			if f.Field == "version" {
				continue
			}
			fmt.Fprintf(w, "  %s %s: %q -> %q\n", t(c.Name), t(f.Field), clipText(f.Old), clipText(f.New))
		}
		for _, f := range c.Files {
			fmt.Fprintf(w, "  %s file %s %s\n", t(c.Name), t(f.Path), f.Change)
		}
	}
	if len(r.RelationshipsAdded)+len(r.RelationshipsRemoved) > 0 {
		fmt.Fprintln(w, "\nRELATIONSHIPS")
		for _, rel := range r.RelationshipsRemoved {
			fmt.Fprintf(w, "- %s\n", t(rel))
		}
		for _, rel := range r.RelationshipsAdded {
			fmt.Fprintf(w, "+ %s\n", t(rel))
		}
	}
}

func clipText(s string) string {
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return display.Text(s)
}
