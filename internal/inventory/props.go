package inventory

// Property names: the facts pysbom records that SPDX and CycloneDX have
// no field for, in one place (CycloneDX properties, SPDX comments and
// annotations, the inventory JSON). Their meaning is in docs/inventory-json.md.
const (
	PropCPE                     = "pysbom:cpe"
	PropCPythonLibpython        = "pysbom:cpython:libpython"
	PropCPythonModule           = "pysbom:cpython:module"
	PropCPythonSourceSbom       = "pysbom:cpython:source-sbom"
	PropCPythonVendored         = "pysbom:cpython:vendored"
	PropCPythonVersionFrom      = "pysbom:cpython:version-from"
	PropDistroChangelog         = "pysbom:distro:changelog" // "VERSION: CVE=ENTRY ...", from the package's own changelog
	PropDistroPackage           = "pysbom:distro:package"
	PropDistroPURL              = "pysbom:distro:purl"
	PropDistroVersion           = "pysbom:distro:version"
	PropEnvironmentKind         = "pysbom:environment:kind"
	PropEnvironmentSiteDir      = "pysbom:environment:site-dir"
	PropInterpreterExecuted     = "pysbom:interpreter:executed"
	PropInterpreterPath         = "pysbom:interpreter:path"
	PropInterpreterPlatformFrom = "pysbom:interpreter:platform-from"
	PropInterpreterVersionFrom  = "pysbom:interpreter:version-from"
	PropLicenseFile             = "pysbom:license-file"
	PropLockExtras              = "pysbom:lock:extras"
	PropLockGroups              = "pysbom:lock:groups"
	PropLockHash                = "pysbom:lock:hash"
	PropLockLine                = "pysbom:lock:line"
	PropLockMarker              = "pysbom:lock:marker"
	PropLockRequirement         = "pysbom:lock:requirement"
	PropLockSource              = "pysbom:lock:source"
	PropLockSourceKind          = "pysbom:lock:source-kind"
	PropNativeBuild             = "pysbom:native:build"
	PropNativeBuiltAgainst      = "pysbom:native:built-against"
	PropNativeConfidence        = "pysbom:native:confidence"
	PropNativeEvidence          = "pysbom:native:evidence"
	PropNativeFile              = "pysbom:native:file"
	PropNativeSoname            = "pysbom:native:soname"
	PropNativeVersionFrom       = "pysbom:native:version-from"
	PropNote                    = "pysbom:note"
	PropProblem                 = "pysbom:problem"
	PropPythonImplements        = "pysbom:python:implements" // the Python version a PyPy implements
	PropPythonInstaller         = "pysbom:python:installer"
	PropPythonLocation          = "pysbom:python:location"
	PropPythonMetadataDir       = "pysbom:python:metadata-dir"
	PropPythonRequiresPython    = "pysbom:python:requires-python"
	PropScanNotScanned          = "pysbom:scan:not-scanned"
	PropSdistFile               = "pysbom:sdist:file"
	PropSdistMetadata           = "pysbom:sdist:metadata"
	PropSource                  = "pysbom:source"
	PropVersionSource           = "pysbom:version-source"
	PropWheelBuild              = "pysbom:wheel:build"
	PropWheelFile               = "pysbom:wheel:file"
	PropWheelGenerator          = "pysbom:wheel:generator"
	PropWheelRootIsPurelib      = "pysbom:wheel:root-is-purelib"
	PropWheelTags               = "pysbom:wheel:tags"
	PropWheelVersion            = "pysbom:wheel:version"

	// PropRelationship keeps a relationship a format has no place for:
	// "GENERATED_FROM pkg:...".
	PropRelationship = "pysbom:relationship"

	// PropCPythonPrefix starts a CPython build variable ("pysbom:cpython:CC").
	PropCPythonPrefix = "pysbom:cpython:"
)
