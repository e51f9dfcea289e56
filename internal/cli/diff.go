package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"

	"github.com/pysbom/pysbom/internal/diff"
	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/validate"
)

func diffCommand() *command {
	return &command{
		name: "diff", args: "OLD NEW",
		summary: "what changed between two SBOMs (any mix of SPDX and CycloneDX)",
		help: `What changed between two SBOMs, in any mix of SPDX (JSON or tag-value) and CycloneDX JSON:
components added, removed and changed, file checksum changes, and dependency and containment edges.
OLD and NEW may also be container images (docker-archive:, oci-dir:, oci-archive:, registry:, dir:,
or an image archive or layout), read as pysbom sbom reads them.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			outs := newOutputs(fs, output.Diffs, output.Diffs.Default)
			exitCode := fs.Bool("exit-code", false, "exit 3 when the documents differ (for CI)")
			return func(ctx context.Context, files []string) error { return runDiff(ctx, e, files, outs, *exitCode) }
		},
	}
}

func runDiff(ctx context.Context, e *env, files []string, outs *outputsFlag, exitCode bool) error {
	if len(files) != 2 {
		return &usageError{msg: fmt.Sprintf("diff needs two SBOM files or images, OLD and NEW; got %d", len(files))}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	var invs [2]*inventory.Inventory
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if isImage(f) {
			// two releases of an image, compared without writing their SBOMs first
			inv, err := extract.Read(ctx, extract.Target{Arg: f}, extract.Options{})
			if err != nil {
				return err
			}
			invs[i] = inv
			continue
		}
		inv, _, _, err := decodeSBOM(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		invs[i] = inv
	}
	res := diff.Compare(invs[0], invs[1])
	doc := &output.Diff{Old: files[0], New: files[1], Result: res, Verbose: e.verbose}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.Diffs.Write(w, format, doc) }); err != nil {
		return err
	}
	if exitCode && !res.Empty() {
		return &findingsError{fmt.Sprintf("the documents differ: %d added, %d removed, %d changed, %d+%d relationships",
			len(res.Added), len(res.Removed), len(res.Changed), len(res.RelationshipsAdded), len(res.RelationshipsRemoved))}
	}
	return nil
}

// read is how many bytes of documents this process has read.
var read atomic.Int64

// budget tells the garbage collector to hold this process near three and
// a half times the size of the documents it has read (256 MiB at least),
// unless the user set GOMEMLIMIT: a document of a million components
// would otherwise let the heap grow to twice its peak before a
// collection. The limit is soft and the process's resident memory runs a
// little above it; the target is four times (docs/security.md).
func budget(n int64) {
	total := read.Add(n)
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(max(256<<20, 7*total/2))
}

// decodeSBOM decodes the SBOM in file for diff and scan. A CycloneDX
// document in a regular file is decoded as it is read and its bytes are
// not kept (data is nil); any other document is read whole, and data
// holds it.
func decodeSBOM(file string) (inv *inventory.Inventory, format string, data []byte, err error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		// A pipe is read from this opening: it cannot be opened again.
		if data, err = readOpened(f, file); err != nil {
			return nil, "", nil, err
		}
		inv, format, err = sbom.Decode(data)
		return inv, format, data, err
	}
	if max := validate.MaxSize; fi.Size() > max {
		return nil, "", nil, fmt.Errorf("%s: %d bytes, larger than the %d MiB pysbom reads", file, fi.Size(), max>>20)
	}
	budget(fi.Size())
	inv, format, err = sbom.DecodeFile(f, validate.MaxSize)
	return inv, format, nil, err
}

// readSBOM reads a document for validate, diff and scan, refusing one
// larger than validate.MaxSize before reading it.
func readSBOM(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, file)
}

// readOpened is readSBOM of file, opened as f.
func readOpened(f *os.File, file string) ([]byte, error) {
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
