// Command mkimage packs layer tar files into a `docker save` archive, as
// the benchmark and the real-image test need: each layer is stored
// uncompressed, as docker writes it, with the history line that made it.
//
//	go run ./bench/mkimage -o OUT.tar -t NAME:TAG LAYER.tar=CREATED_BY...
//
// It builds test inputs on the developer's machine; pysbom never runs it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	out := flag.String("o", "", "the docker archive to write")
	tag := flag.String("t", "pysbom.test/image:1", "the image's name and tag")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: mkimage -o OUT.tar [-t NAME:TAG] LAYER.tar=CREATED_BY...")
		os.Exit(2)
	}
	if err := run(*out, *tag, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(out, tag string, layers []string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		OS: "linux", Architecture: "amd64",
		Created: v1.Time{Time: time.Unix(0, 0).UTC()},
		Config:  v1.Config{Env: []string{"PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}, Cmd: []string{"python3"}},
		RootFS:  v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return err
	}
	for _, arg := range layers {
		file, createdBy, _ := strings.Cut(arg, "=")
		l, err := plainLayer(file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: createdBy, Created: v1.Time{Time: time.Unix(0, 0).UTC()}}})
		if err != nil {
			return err
		}
	}
	tmp := out + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

// uncompressed is a layer whose blob is its tar stream, as `docker save`
// writes layers.
type uncompressed struct {
	v1.Layer
	file string
	size int64
}

func plainLayer(file string) (v1.Layer, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	l, err := tarball.LayerFromFile(file, tarball.WithCompressionLevel(0), tarball.WithMediaType("application/vnd.docker.image.rootfs.diff.tar"))
	if err != nil {
		return nil, err
	}
	return uncompressed{l, file, st.Size()}, nil
}

func (u uncompressed) Compressed() (io.ReadCloser, error) { return os.Open(u.file) }
func (u uncompressed) Digest() (v1.Hash, error)           { return u.Layer.DiffID() }
func (u uncompressed) Size() (int64, error)               { return u.size, nil }
