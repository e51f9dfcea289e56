// Package imagetest builds container images for tests with
// go-containerregistry: layers from a list of tar members, images with
// history, and the docker archive, OCI layout, OCI archive and registry
// forms pysbom reads.
package imagetest

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Member is one tar member of a layer. A Name ending in "/" is a
// directory; Link makes a symbolic link (Hard a hard link); a base name
// ".wh.NAME" is a whiteout.
type Member struct {
	Name, Body, Link string
	Hard             bool
	Mode             int64
}

// File is a regular file member.
func File(name, body string) Member { return Member{Name: name, Body: body} }

// Tar writes members as a tar stream.
func Tar(t testing.TB, members ...Member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		h := &tar.Header{Name: m.Name, Mode: m.Mode, Typeflag: tar.TypeReg, Size: int64(len(m.Body)), Format: tar.FormatPAX}
		switch {
		case strings.HasSuffix(m.Name, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
		case m.Hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, m.Link, 0
		case m.Link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, m.Link, 0
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			io.WriteString(tw, m.Body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Step is one layer and the history line that made it.
type Step struct {
	CreatedBy string
	Members   []Member
	// Raw, when set, is the layer's tar stream as is.
	Raw []byte
}

// Image stacks steps on an empty linux/amd64 image; gzip compresses the
// layers (else they are stored as plain tar).
func Image(t testing.TB, gzip bool, steps ...Step) v1.Image {
	t.Helper()
	img := empty.Image
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		data := s.Raw
		if data == nil {
			data = Tar(t, s.Members...)
		}
		opener := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		var l v1.Layer
		if gzip {
			l, err = tarball.LayerFromOpener(opener)
		} else {
			l, err = tarball.LayerFromOpener(opener, tarball.WithCompressionLevel(0), tarball.WithMediaType("application/vnd.oci.image.layer.v1.tar"))
			if err == nil {
				l = plainLayer{l, data}
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: s.CreatedBy}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// plainLayer stores a layer uncompressed: its blob is its tar stream.
type plainLayer struct {
	v1.Layer
	data []byte
}

func (p plainLayer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(p.data)), nil
}
func (p plainLayer) Digest() (v1.Hash, error) { return p.Layer.DiffID() }
func (p plainLayer) Size() (int64, error)     { return int64(len(p.data)), nil }

// DockerArchive writes img as `docker save` does, tagged tag.
func DockerArchive(t testing.TB, file, tag string, img v1.Image) string {
	t.Helper()
	ref, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(file, ref, img); err != nil {
		t.Fatal(err)
	}
	return file
}

// OCIDir writes an OCI layout holding img, tagged tag (none when "").
func OCIDir(t testing.TB, dir, tag string, img v1.Image) string {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	var opts []layout.Option
	if tag != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		t.Fatal(err)
	}
	return dir
}

// OCIIndex writes an OCI layout whose index.json names a multi-platform
// index of the images, each under its platform.
func OCIIndex(t testing.TB, dir string, imgs map[string]v1.Image) string {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.ImageIndex = empty.Index
	for plat, img := range imgs {
		pl, err := v1.ParsePlatform(plat)
		if err != nil {
			t.Fatal(err)
		}
		// The image's config says the platform the index names.
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cfg = cfg.DeepCopy()
		cfg.OS, cfg.Architecture, cfg.Variant = pl.OS, pl.Architecture, pl.Variant
		if img, err = mutate.ConfigFile(img, cfg); err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: pl}})
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Tarred writes the directory dir as a tar file.
func Tarred(t testing.TB, dir, file string) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			tw.Write(data)
		}
		return nil
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = os.WriteFile(file, buf.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// Registry starts go-containerregistry's in-process registry behind basic
// authentication, and points $DOCKER_CONFIG at a docker config that holds
// the credentials. It returns the registry's host:port.
func Registry(t *testing.T, user, password string) string {
	t.Helper()
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()
	cfg := map[string]any{"auths": map[string]any{host: map[string]string{
		"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + password))}}}
	data, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	return host
}

// Push writes img to the registry as ref with basic credentials.
func Push(t testing.TB, ref string, img v1.Image, user, password string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: user, Password: password})); err != nil {
		t.Fatal(err)
	}
}

// Dir lists a directory's files, directories and symbolic links as
// layer members, in a sorted walk.
func Dir(t testing.TB, dir string) []Member {
	t.Helper()
	var out []Member
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, Member{Name: name, Link: target})
		case d.IsDir():
			out = append(out, Member{Name: name + "/"})
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fi, _ := d.Info()
			out = append(out, Member{Name: name, Body: string(data), Mode: int64(fi.Mode().Perm())})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
