package inventory

// KindImage is a container image, as a root.
const KindImage Kind = "container-image"

// Properties of container images and of the components found in them.
const (
	// PropImageManifestDigest, PropImageConfigDigest and PropImagePlatform
	// describe the image; PropImageLayer is one per layer, lowest first:
	// "N DIFFID DIGEST SIZE" (digest and size "-" when unknown).
	PropImageManifestDigest = "pysbom:image:manifest-digest"
	PropImageConfigDigest   = "pysbom:image:config-digest"
	PropImagePlatform       = "pysbom:image:platform"
	PropImageLayer          = "pysbom:image:layer"
	PropImageLayerCreatedBy = "pysbom:image:layer-created-by" // "N CREATED_BY"
	PropImageRef            = "pysbom:image:reference"
	PropImageDistro         = "pysbom:image:distro" // os-release's PRETTY_NAME
	// PropImageSupplierFrom names the config label the image's supplier
	// was read from ("label org.opencontainers.image.vendor").
	PropImageSupplierFrom = "pysbom:image:supplier-from"

	// PropLayerAdded is the diff ID of the layer that added a component,
	// PropLayerAddedBy its history line; PropLayerChanged and
	// PropLayerChangedBy name the layer that last changed it, when that
	// is another.
	PropLayerAdded     = "pysbom:layer:added"
	PropLayerAddedBy   = "pysbom:layer:added-by"
	PropLayerChanged   = "pysbom:layer:changed"
	PropLayerChangedBy = "pysbom:layer:changed-by"
	// PropLayerRemoved and PropLayerRemovedBy name the layer that removed
	// (or replaced) a component an earlier layer held: with --layers all,
	// such components are reported, and the image does not contain them.
	PropLayerRemoved   = "pysbom:layer:removed"
	PropLayerRemovedBy = "pysbom:layer:removed-by"

	// PropInstallation tells which Python installation of a root file
	// system a component belongs to: its prefix ("/usr/local").
	PropInstallation     = "pysbom:python:installation"
	PropInstallationKind = "pysbom:python:installation-kind"
)
