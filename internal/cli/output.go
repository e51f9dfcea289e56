package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pysbom/pysbom/internal/atomicfile"
)

// outputReq is one -o FORMAT[=FILE] request.
type outputReq struct {
	format string
	file   string // "" for standard output
}

// formats is what a command can write: a registry of package output.
type formats interface {
	Check(name string) error
	Canonical(name string) string
	Help() string
	Names() []string
}

// outputsFlag collects repeated -o FORMAT[=FILE] flags, the same for
// every command: at most one without a file, which goes to standard
// output; the registry's default when none is given.
type outputsFlag struct {
	formats formats
	def     string
	list    []outputReq
}

func newOutputs(fs *flag.FlagSet, f formats, def string) *outputsFlag {
	o := &outputsFlag{formats: f, def: def}
	fs.Var(o, "o", "write `FORMAT[=FILE]` (repeatable; at most one to standard output): "+f.Help())
	return o
}

func (o *outputsFlag) String() string {
	var parts []string
	for _, x := range o.list {
		if x.file == "" {
			parts = append(parts, x.format)
		} else {
			parts = append(parts, x.format+"="+x.file)
		}
	}
	return strings.Join(parts, ",")
}

func (o *outputsFlag) Set(v string) error {
	format, file, _ := strings.Cut(v, "=")
	if err := o.formats.Check(format); err != nil {
		return err
	}
	if file == "-" {
		file = ""
	}
	o.list = append(o.list, outputReq{o.formats.Canonical(format), file})
	return nil
}

// outputs are the requests, the default one when none was given; more
// than one to standard output is a usage error.
func (o *outputsFlag) outputs() ([]outputReq, error) {
	if len(o.list) == 0 {
		return []outputReq{{format: o.def}}, nil
	}
	n := 0
	for _, x := range o.list {
		if x.file == "" {
			n++
		}
	}
	if n > 1 {
		return nil, &usageError{msg: "only one -o format can go to standard output; give the others a file: -o FORMAT=FILE"}
	}
	return o.list, nil
}

// write writes every requested output of a result with write, each file
// replaced atomically.
func (o *outputsFlag) write(stdout io.Writer, write func(w io.Writer, format string) error) error {
	outs, err := o.outputs()
	if err != nil {
		return err
	}
	for _, x := range outs {
		if err := writeAtomic(x.file, stdout, func(w io.Writer) error { return write(w, x.format) }); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes what render produces to file, or to stdout when file
// is "". A file is replaced only once render has succeeded: a failure
// never leaves a partial file or harms an existing one.
func writeAtomic(file string, stdout io.Writer, render func(io.Writer) error) error {
	if file == "" {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	return atomicfile.Write(file, render)
}

// writeAtomicIn is writeAtomic for a file inside the tree at root: every
// folder on the way and the file itself are created and replaced inside
// the tree, and a path that leaves it (through "..", or a symbolic link
// to a folder outside) is refused before anything is written.
func writeAtomicIn(root, name string, render func(io.Writer) error) error {
	r, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer r.Close()
	refuse := func(err error) error {
		if strings.Contains(err.Error(), "escapes") {
			return fmt.Errorf("refusing to write %s: the path leaves %s (through .. or a symbolic link)", name, root)
		}
		return fmt.Errorf("write %s: %w", filepath.Join(root, name), err)
	}
	if err := r.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return refuse(err)
	}
	if d, err := r.Open(filepath.Dir(name)); err == nil {
		entries, _ := d.ReadDir(-1)
		d.Close()
		for _, stale := range atomicfile.Stale(entries, atomicfile.TempPrefix(name), "") {
			r.Remove(filepath.Join(filepath.Dir(name), stale))
		}
	}
	var tmp string
	var f *os.File
	for i := 0; ; i++ {
		tmp = filepath.Join(filepath.Dir(name), fmt.Sprintf("%s%d-%d", atomicfile.TempPrefix(name), os.Getpid(), i))
		f, err = r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !os.IsExist(err) || i > 100 {
			return refuse(err)
		}
	}
	defer r.Remove(tmp)
	if err := render(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return refuse(err)
	}
	if err := r.Rename(tmp, name); err != nil {
		return refuse(err)
	}
	return nil
}
