package extract

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/extract/osrelease"
	"github.com/pysbom/pysbom/internal/image"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// Image reads the image (or unpacked root file system) ref names.
func Image(ctx context.Context, ref image.Ref, platform string, opt Options) (*inventory.Inventory, error) {
	if ref.Scheme == image.Dir {
		tree, err := rootfs.New(ref.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, unwrapPath(err))
		}
		return RootFS(ctx, Root{Tree: tree, Dir: ref.Path}, opt)
	}
	img, err := image.Open(ctx, ref, image.Options{Platform: platform})
	if err != nil {
		return nil, err
	}
	defer img.Close()
	workers := opt.Workers
	if workers <= 0 {
		workers = 4
	}
	img.Progress = opt.Reading
	fsys, err := img.FS(ctx, workers, TrackedFiles()...)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	return RootFS(ctx, Root{Tree: fsys, Image: img, Layers: fsys}, opt)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// imageRoot is the image as the SBOM's root component: its name and tag,
// a pkg:oci purl of its manifest digest, and its layers.
func imageRoot(img *image.Image, rel osrelease.Release, opt Options) *inventory.Package {
	name := opt.Name
	if name == "" {
		name = img.Name
	}
	if name == "" {
		name = displayPath(img.Ref.Path)
	}
	version := img.Tag
	if version == "" {
		version = img.ManifestDigest
	}
	if version == "" {
		version = img.ConfigDigest
	}
	p := &inventory.Package{
		ID: "image", Kind: inventory.KindImage, Name: name, Version: version, FoundBy: "pysbom", Supplier: opt.Supplier,
		Extra: &inventory.Extra{Summary: fmt.Sprintf("container image for %s: %s, %d layers", img.Platform, describeDistro(rel), len(img.Layers))},
	}
	if p.Supplier.IsZero() {
		p.Supplier, p.Properties = vendorLabel(img, p.Properties)
	}
	p.PURL = imagePURL(img)
	if d, ok := strings.CutPrefix(img.ManifestDigest, "sha256:"); ok {
		p.Hashes = []inventory.Hash{{Algorithm: inventory.SHA256, Value: d}}
	}
	prop := func(k, v string) {
		if v != "" {
			p.Properties = append(p.Properties, inventory.Property{Name: k, Value: v})
		}
	}
	prop(inventory.PropImageRef, img.Ref.String())
	prop(inventory.PropImageManifestDigest, img.ManifestDigest)
	prop(inventory.PropImageConfigDigest, img.ConfigDigest)
	prop(inventory.PropImagePlatform, img.Platform)
	prop(inventory.PropImageDistro, rel.PrettyName)
	for i, l := range img.Layers {
		digest, size := l.Digest, "-"
		if digest == "" {
			digest = "-"
		}
		if l.Size > 0 {
			size = fmt.Sprint(l.Size)
		}
		prop(inventory.PropImageLayer, fmt.Sprintf("%d %s %s %s", i+1, l.DiffID, digest, size))
		if l.CreatedBy != "" {
			prop(inventory.PropImageLayerCreatedBy, fmt.Sprintf("%d %s", i+1, l.CreatedBy))
		}
	}
	return p
}

// imagePURL is pkg:oci/NAME@MANIFEST-DIGEST with the repository, tag and
// architecture as qualifiers, as the purl specification defines it.
func imagePURL(img *image.Image) string {
	name := path.Base(img.Name)
	if img.Name == "" {
		name = strings.TrimSuffix(filepath.Base(img.Ref.Path), filepath.Ext(img.Ref.Path))
	}
	q := packageurl.Qualifiers{}
	if img.Config != nil && img.Config.Architecture != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: img.Config.Architecture})
	}
	if img.Name != "" {
		q = append(q, packageurl.Qualifier{Key: "repository_url", Value: img.Name})
	}
	if img.Tag != "" {
		q = append(q, packageurl.Qualifier{Key: "tag", Value: img.Tag})
	}
	return packageurl.NewPackageURL("oci", "", strings.ToLower(name), img.ManifestDigest, q, "").ToString()
}

// vendorLabels are the image labels that name who distributes it, in the
// order they are believed (the OCI annotation first).
var vendorLabels = []string{"org.opencontainers.image.vendor", "vendor"}

// vendorLabel is the supplier an image's config labels declare (UBI's
// "vendor=Red Hat, Inc.", org.opencontainers.image.vendor), with a
// property saying which label said it; none when no label does.
func vendorLabel(img *image.Image, props []inventory.Property) (inventory.Party, []inventory.Property) {
	if img.Config == nil {
		return inventory.Party{}, props
	}
	for _, k := range vendorLabels {
		if v := strings.TrimSpace(img.Config.Config.Labels[k]); v != "" {
			return inventory.Party{Kind: inventory.Organization, Name: v},
				append(props, inventory.Property{Name: inventory.PropImageSupplierFrom, Value: "label " + k})
		}
	}
	return inventory.Party{}, props
}
