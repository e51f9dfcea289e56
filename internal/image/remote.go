package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/pysbom/pysbom/internal/parallel"
)

// openRemote pulls an image from a registry with the user's docker
// credentials (~/.docker/config.json, $DOCKER_CONFIG, credential
// helpers). The config and the compressed layer blobs are kept in a
// temporary directory, checked against their digests, until Close.
func openRemote(ctx context.Context, r Ref, opt Options) (img *Image, err error) {
	ref, err := name.ParseReference(r.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: not an image reference (HOST/REPO:TAG or HOST/REPO@sha256:...): %v", r, err)
	}
	opts := []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithContext(ctx)}
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return nil, registryError(r, err)
	}
	where := fmt.Sprintf("%s: %s", r, desc.Digest)
	if desc.MediaType.IsIndex() {
		idx, err := v1.ParseIndexManifest(bytes.NewReader(desc.Manifest))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		d, err := pick(where, idx, opt.Platform)
		if err != nil {
			return nil, err
		}
		if desc, err = remote.Get(ref.Context().Digest(d.Digest.String()), opts...); err != nil {
			return nil, registryError(r, err)
		}
		where = fmt.Sprintf("%s: %s", r, desc.Digest)
	}
	if !desc.MediaType.IsImage() {
		return nil, fmt.Errorf("%s: unknown media type %q", where, desc.MediaType)
	}
	rimg, err := desc.Image()
	if err != nil {
		return nil, registryError(r, err)
	}
	spool, err := os.MkdirTemp("", "pysbom-image-")
	if err != nil {
		return nil, fmt.Errorf("%s: a temporary directory for its layers: %v", r, unwrap(err))
	}
	defer func() {
		if err != nil {
			os.RemoveAll(spool)
		}
	}()
	if err := os.MkdirAll(filepath.Join(spool, "blobs", "sha256"), 0o700); err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(desc.Manifest))
	if err != nil {
		return nil, fmt.Errorf("%s: manifest: %v", where, err)
	}
	cfg, err := rimg.RawConfigFile()
	if err != nil {
		return nil, registryError(r, err)
	}
	if err := writeBlob(spool, m.Config.Digest, bytes.NewReader(cfg)); err != nil {
		return nil, fmt.Errorf("%s: config: %v", where, err)
	}
	errs := make([]error, len(m.Layers))
	parallel.For(ctx, len(m.Layers), 4, func(i int) {
		l, err := rimg.LayerByDigest(m.Layers[i].Digest)
		if err == nil {
			var rc io.ReadCloser
			if rc, err = l.Compressed(); err == nil {
				err = writeBlob(spool, m.Layers[i].Digest, rc)
				rc.Close()
			}
		}
		if err != nil {
			errs[i] = fmt.Errorf("%s: layer %d (%s): %v", r, i+1, m.Layers[i].Digest, oneLine(registryError(r, err)))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	st, err := openDir(spool)
	if err != nil {
		return nil, err
	}
	img = &Image{st: st, spool: spool, Name: ref.Context().Name()}
	if t, ok := ref.(name.Tag); ok {
		img.Tag = t.TagStr()
	}
	if err := img.fromManifest(st, where, desc.Digest, desc.Manifest); err != nil {
		st.close()
		return nil, err
	}
	return img, nil
}

// writeBlob writes a blob into the spool, checking its digest.
func writeBlob(dir string, h v1.Hash, r io.Reader) error {
	if h.Algorithm != "sha256" || len(h.Hex) != 64 {
		return fmt.Errorf("digest %s is not sha256", h)
	}
	f, err := os.CreateTemp(filepath.Join(dir, "blobs", "sha256"), ".part-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	sum := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, sum), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != h.Hex {
		return fmt.Errorf("its content's digest sha256:%s is not the %s the manifest names", got, h)
	}
	return os.Rename(f.Name(), filepath.Join(dir, "blobs", "sha256", h.Hex))
}

// registryError says in one line what the registry answered.
func registryError(r Ref, err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("%s: the registry refused the credentials or asked for some (log in with `docker login`; pysbom reads the docker config and its credential helpers)", r)
		case http.StatusNotFound:
			return fmt.Errorf("%s: the registry has no such image", r)
		}
		return fmt.Errorf("%s: the registry answered %d %s", r, te.StatusCode, http.StatusText(te.StatusCode))
	}
	host := "the registry"
	if ref, perr := name.ParseReference(r.Path); perr == nil {
		host = ref.Context().RegistryStr()
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%s: the registry host %s is not known (DNS lookup of %s failed)", r, host, dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s: cannot reach %s: the connection was refused (is the registry running, on that port?)", r, host)
	case errors.As(err, &certErr):
		return fmt.Errorf("%s: the TLS certificate of %s is not trusted: %v", r, host, certErr.Err)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%s: %s did not answer in time", r, host)
	}
	return fmt.Errorf("%s: %s", r, oneLine(err))
}

func oneLine(err error) string {
	s := err.Error()
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
