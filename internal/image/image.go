package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Limits on the small documents of an image.
const (
	maxManifest = 4 << 20
	maxConfig   = 32 << 20
)

// Image is an opened image: what describes it, and its layers' bytes.
type Image struct {
	Ref Ref
	// Name is the repository ("ghcr.io/org/app", "python"), Tag its tag;
	// either may be "" when the image does not say.
	Name, Tag string
	// ManifestDigest and ConfigDigest are "sha256:..." digests; a docker
	// archive without an OCI index has no manifest digest.
	ManifestDigest, ConfigDigest string
	Platform                     string // "linux/amd64"
	Config                       *v1.ConfigFile
	// Progress, when set, is told of each layer FS has read: done of total.
	Progress func(done, total int64)
	Layers   []Layer
	// Problems are what was wrong with the image that did not stop it
	// from being read.
	Problems []string

	st     store
	blobs  []string // each layer's file in st
	spool  string   // temporary directory of pulled layers, removed by Close
	closed bool

	rasOnce sync.Once
	ras     []io.ReaderAt // each layer stored as plain tar, else nil
}

// Layer is one layer of an image.
type Layer struct {
	DiffID, Digest string
	Size           int64
	MediaType      string
	// CreatedBy is the history entry that made the layer (a Dockerfile
	// line), "" when the history does not say.
	CreatedBy string
}

// Options control how an image is opened.
type Options struct {
	// Platform selects an image of a multi-platform index ("linux/arm64");
	// "" means the host's architecture on Linux.
	Platform string
}

// Open opens the image a reference names.
func Open(ctx context.Context, r Ref, opt Options) (*Image, error) {
	var img *Image
	var err error
	switch r.Scheme {
	case DockerArchive:
		img, err = openDockerArchive(r)
	case OCIDir:
		var d *dirStore
		if d, err = openDir(r.Path); err != nil {
			return nil, fmt.Errorf("%s: %w", r, unwrap(err))
		}
		img, err = openLayout(d, r, opt)
	case OCIArchive:
		var t *tarStore
		if t, err = openTar(r.Path); err != nil {
			return nil, fmt.Errorf("%s: %w", r, unwrap(err))
		}
		img, err = openLayout(t, r, opt)
	case Registry:
		img, err = openRemote(ctx, r, opt)
	default:
		return nil, fmt.Errorf("%s: not an image reference", r)
	}
	if err != nil {
		return nil, err
	}
	img.Ref = r
	if err := img.checkPlatform(opt.Platform); err != nil {
		img.Close()
		return nil, err
	}
	return img, nil
}

// checkPlatform refuses an image that is not for the platform asked for
// (an index was already chosen from by it; a single image is not).
func (img *Image) checkPlatform(want string) error {
	if want == "" {
		return nil
	}
	p, err := wantPlatform(want)
	if err != nil {
		return err
	}
	c := img.Config
	if c.OS != p.OS || c.Architecture != p.Architecture || p.Variant != "" && c.Variant != p.Variant {
		return fmt.Errorf("%s: the image is for %s, not %s (--platform chooses among the images of a multi-platform index)", img.Ref, img.Platform, p.String())
	}
	return nil
}

// Close releases the image's files and removes pulled layers.
func (img *Image) Close() error {
	if img.closed {
		return nil
	}
	img.closed = true
	var err error
	if img.st != nil {
		err = img.st.close()
	}
	if img.spool != "" {
		os.RemoveAll(img.spool)
	}
	return err
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// hostPlatform is the platform picked from an index by default.
func hostPlatform() v1.Platform {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if runtime.GOARCH == "arm" {
		p.Variant = "v7"
	}
	return p
}

// wantPlatform parses --platform, or gives the host's.
func wantPlatform(s string) (v1.Platform, error) {
	if s == "" {
		return hostPlatform(), nil
	}
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" {
		return v1.Platform{}, fmt.Errorf("--platform %q: want OS/ARCH[/VARIANT] such as linux/arm64", s)
	}
	return *p, nil
}

// pick chooses the manifest for a platform among an index's.
func pick(where string, idx *v1.IndexManifest, want string) (v1.Descriptor, error) {
	p, err := wantPlatform(want)
	if err != nil {
		return v1.Descriptor{}, err
	}
	var have []string
	var found []v1.Descriptor
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.Platform.OS == "unknown" {
			continue // attestations and the like
		}
		have = append(have, d.Platform.String())
		if d.Platform.OS == p.OS && d.Platform.Architecture == p.Architecture &&
			(p.Variant == "" || d.Platform.Variant == p.Variant) {
			found = append(found, d)
		}
	}
	switch {
	case len(found) >= 1:
		return found[0], nil
	case len(have) == 0 && len(idx.Manifests) == 1:
		return idx.Manifests[0], nil
	}
	if len(have) == 0 {
		return v1.Descriptor{}, fmt.Errorf("%s: the index names no platform of its %d manifests", where, len(idx.Manifests))
	}
	return v1.Descriptor{}, fmt.Errorf("%s: no image for %s; the index has %s (choose with --platform)", where, p.String(), strings.Join(have, ", "))
}

// verify checks bytes read from a blob against the digest naming it.
func verify(what string, data []byte, digest v1.Hash) error {
	if digest.Algorithm != "sha256" {
		return fmt.Errorf("%s: digest algorithm %q is not supported", what, digest.Algorithm)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != digest.Hex {
		return fmt.Errorf("%s: its content does not match its digest %s", what, digest)
	}
	return nil
}

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// openLayout opens an image of an OCI layout (a directory or a tar).
func openLayout(st store, r Ref, opt Options) (img *Image, err error) {
	defer func() {
		if err != nil {
			st.close()
		}
	}()
	data, err := readAll(st, "index.json", maxManifest)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no OCI image layout: it has no index.json", r)
		}
		return nil, fmt.Errorf("%s: index.json: %v", r, unwrap(err))
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: index.json: %v", r, err)
	}
	desc, err := byTag(r, idx)
	if err != nil {
		return nil, err
	}
	img = &Image{st: st, Tag: desc.Annotations[refName]}
	if n, ok := desc.Annotations["io.containerd.image.name"]; ok {
		img.Name, img.Tag = splitName(n)
	}
	for depth := 0; ; depth++ {
		if depth > 4 {
			return nil, fmt.Errorf("%s: indexes nested more than 4 deep", r)
		}
		where := fmt.Sprintf("%s: %s", r, desc.Digest)
		data, err := readBlob(st, where, desc.Digest)
		if err != nil {
			return nil, err
		}
		switch {
		case desc.MediaType.IsIndex():
			idx, err := v1.ParseIndexManifest(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: %v", where, err)
			}
			if desc, err = pick(where, idx, opt.Platform); err != nil {
				return nil, err
			}
		case desc.MediaType.IsImage():
			if err := img.fromManifest(st, where, desc.Digest, data); err != nil {
				return nil, err
			}
			return img, nil
		default:
			return nil, fmt.Errorf("%s: unknown media type %q", where, desc.MediaType)
		}
	}
}

// byTag finds the manifest of index.json a reference's tag names.
func byTag(r Ref, idx *v1.IndexManifest) (v1.Descriptor, error) {
	var tags []string
	var found []v1.Descriptor
	for _, d := range idx.Manifests {
		n := d.Annotations[refName]
		if n != "" {
			tags = append(tags, n)
		}
		if r.Tag == "" || n == r.Tag || d.Annotations["io.containerd.image.name"] == r.Tag {
			found = append(found, d)
		}
	}
	switch {
	case len(idx.Manifests) == 0:
		return v1.Descriptor{}, fmt.Errorf("%s: index.json lists no image", r)
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0:
		return v1.Descriptor{}, fmt.Errorf("%s: no image tagged %q; the layout has %s", r, r.Tag, listOr(tags))
	case r.Tag != "":
		return v1.Descriptor{}, fmt.Errorf("%s: %d manifests are tagged %q; the tag names no one image", r, len(found), r.Tag)
	}
	return v1.Descriptor{}, fmt.Errorf("%s: the layout holds %d images; name one with %s:TAG (%s)", r, len(found), r, listOr(tags))
}

func listOr(tags []string) string {
	if len(tags) == 0 {
		return "no tags"
	}
	return strings.Join(tags, ", ")
}

// readBlob reads a manifest or config blob and checks its digest.
func readBlob(st store, where string, h v1.Hash) ([]byte, error) {
	data, err := readAll(st, blobName(h), maxConfig)
	if err != nil {
		return nil, fmt.Errorf("%s: the blob is missing or unreadable: %v", where, unwrap(err))
	}
	if err := verify(where, data, h); err != nil {
		return nil, err
	}
	return data, nil
}

// fromManifest fills in an image from its OCI or Docker manifest.
func (img *Image) fromManifest(st store, where string, digest v1.Hash, data []byte) error {
	m, err := v1.ParseManifest(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: manifest: %v", where, err)
	}
	img.ManifestDigest = digest.String()
	cfg, err := readBlob(st, where+": config", m.Config.Digest)
	if err != nil {
		return err
	}
	if err := img.setConfig(where, m.Config.Digest.String(), cfg); err != nil {
		return err
	}
	if len(m.Layers) != len(img.Config.RootFS.DiffIDs) {
		return fmt.Errorf("%s: the manifest has %d layers and the config %d diff IDs", where, len(m.Layers), len(img.Config.RootFS.DiffIDs))
	}
	for i, l := range m.Layers {
		if !isLayerType(l.MediaType) {
			return fmt.Errorf("%s: layer %d: unknown media type %q", where, i+1, l.MediaType)
		}
		name := blobName(l.Digest)
		if !st.has(name) {
			return fmt.Errorf("%s: layer %d: the blob %s is missing", where, i+1, l.Digest)
		}
		img.blobs = append(img.blobs, name)
		img.Layers[i].Digest, img.Layers[i].Size, img.Layers[i].MediaType = l.Digest.String(), l.Size, string(l.MediaType)
	}
	return nil
}

func isLayerType(t types.MediaType) bool {
	s := string(t)
	return strings.HasPrefix(s, "application/vnd.oci.image.layer.") ||
		strings.HasPrefix(s, "application/vnd.docker.image.rootfs.")
}

// setConfig reads the image config: platform, diff IDs and history.
func (img *Image) setConfig(where, digest string, data []byte) error {
	c, err := v1.ParseConfigFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: config: %v", where, err)
	}
	img.Config, img.ConfigDigest = c, digest
	img.Platform = c.Platform().String()
	img.Layers = make([]Layer, len(c.RootFS.DiffIDs))
	for i, d := range c.RootFS.DiffIDs {
		img.Layers[i].DiffID = d.String()
	}
	// Each history entry that is no empty layer made the next layer.
	i := 0
	for _, h := range c.History {
		if h.EmptyLayer {
			continue
		}
		if i < len(img.Layers) {
			img.Layers[i].CreatedBy = strings.TrimSpace(h.CreatedBy)
		}
		i++
	}
	return nil
}

// splitName splits "repo:tag" (a registry host's port is no tag).
func splitName(n string) (string, string) {
	i := strings.LastIndex(n, ":")
	if i < 0 || strings.Contains(n[i:], "/") {
		return n, ""
	}
	return n[:i], n[i+1:]
}

// openDockerArchive opens `docker save` output.
func openDockerArchive(r Ref) (img *Image, err error) {
	st, err := openTar(r.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r, unwrap(err))
	}
	defer func() {
		if err != nil {
			st.close()
		}
	}()
	data, err := readAll(st, "manifest.json", maxManifest)
	if err != nil {
		return nil, fmt.Errorf("%s: no docker archive: %v", r, unwrap(err))
	}
	var m tarball.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: manifest.json: %v", r, err)
	}
	d, err := dockerEntry(r, m)
	if err != nil {
		return nil, err
	}
	cfg, err := readAll(st, cleanMember(d.Config), maxConfig)
	if err != nil {
		return nil, fmt.Errorf("%s: config %s: %v", r, d.Config, unwrap(err))
	}
	sum := sha256.Sum256(cfg)
	img = &Image{st: st}
	if err := img.setConfig(r.String(), "sha256:"+hex.EncodeToString(sum[:]), cfg); err != nil {
		return nil, err
	}
	if len(d.Layers) != len(img.Layers) {
		return nil, fmt.Errorf("%s: manifest.json has %d layers and the config %d diff IDs", r, len(d.Layers), len(img.Layers))
	}
	for i, l := range d.Layers {
		name := cleanMember(l)
		if !st.has(name) {
			return nil, fmt.Errorf("%s: layer %d: %s is missing from the archive", r, i+1, l)
		}
		img.blobs = append(img.blobs, name)
		img.Layers[i].Size = st.members[name].size
		if dir, hexd := filepath.Split(name); dir == "blobs/sha256/" {
			img.Layers[i].Digest = "sha256:" + hexd
		}
	}
	tag := r.Tag
	if tag == "" && len(d.RepoTags) > 0 {
		tag = d.RepoTags[0]
	}
	img.Name, img.Tag = splitName(tag)
	img.ManifestDigest = img.manifestFromIndex()
	return img, nil
}

// dockerEntry picks the image of a docker archive a reference names.
func dockerEntry(r Ref, m tarball.Manifest) (tarball.Descriptor, error) {
	var tags []string
	var found []tarball.Descriptor
	for _, d := range m {
		tags = append(tags, d.RepoTags...)
		for _, t := range d.RepoTags {
			if r.Tag != "" && (t == r.Tag || strings.HasSuffix(t, ":"+r.Tag) && !strings.Contains(r.Tag, ":")) {
				found = append(found, d)
				break
			}
		}
	}
	switch {
	case len(m) == 0:
		return tarball.Descriptor{}, fmt.Errorf("%s: manifest.json lists no image", r)
	case r.Tag == "" && len(m) == 1:
		return m[0], nil
	case len(found) == 1:
		return found[0], nil
	case r.Tag == "":
		return tarball.Descriptor{}, fmt.Errorf("%s: the archive holds %d images; name one with %s:TAG (%s)", r, len(m), r, listOr(tags))
	case len(found) == 0:
		return tarball.Descriptor{}, fmt.Errorf("%s: no image tagged %q; the archive has %s", r, r.Tag, listOr(tags))
	}
	return tarball.Descriptor{}, fmt.Errorf("%s: %d images are tagged %q", r, len(found), r.Tag)
}

// manifestFromIndex finds, in the OCI index docker 25 and later write
// into an archive, the manifest whose config is the image's, so that the
// image keeps the digest a registry knows it by.
func (img *Image) manifestFromIndex() string {
	data, err := readAll(img.st, "index.json", maxManifest)
	if err != nil {
		return ""
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	queue := idx.Manifests
	for n := 0; len(queue) > 0 && n < 64; n++ {
		d := queue[0]
		queue = queue[1:]
		data, err := readBlob(img.st, "", d.Digest)
		if err != nil {
			continue
		}
		if d.MediaType.IsIndex() {
			if sub, err := v1.ParseIndexManifest(bytes.NewReader(data)); err == nil {
				queue = append(queue, sub.Manifests...)
			}
			continue
		}
		if m, err := v1.ParseManifest(bytes.NewReader(data)); err == nil && m.Config.Digest.String() == img.ConfigDigest {
			return d.Digest.String()
		}
	}
	return ""
}

// Open is imagefs.Layers: layer i's uncompressed tar stream.
func (img *Image) Open(i int) (io.ReadCloser, error) {
	rc, _, err := img.st.open(img.blobs[i])
	if err != nil {
		return nil, err
	}
	return decompress(rc)
}

// ReaderAt is imagefs.RandomAccess: a layer stored as plain tar.
// Which layers allow it is found once: every file read asks.
func (img *Image) ReaderAt(i int) (io.ReaderAt, bool) {
	img.rasOnce.Do(func() {
		img.ras = make([]io.ReaderAt, len(img.blobs))
		for j, b := range img.blobs {
			ra, _, ok := img.st.readerAt(b)
			if !ok {
				continue
			}
			var magic [4]byte
			if n, _ := ra.ReadAt(magic[:], 0); n == 4 && compression(magic[:]) != "" {
				continue
			}
			img.ras[j] = ra
		}
	})
	return img.ras[i], img.ras[i] != nil
}

// refName is the OCI annotation that tags an image of a layout.
const refName = "org.opencontainers.image.ref.name"
