package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/extract/dpkg"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/osv"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/schema"
	"github.com/pysbom/pysbom/internal/vulndb"
)

func TestBackportLabel(t *testing.T) {
	rec := &osv.Record{ID: "PYSEC-9", Modified: "m", Aliases: []string{"CVE-2099-1"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "PyPI", Name: "demo"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "2"}}}}}}}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "pypi/demo@1", Kind: inventory.KindDistribution, Name: "demo", Version: "1", PURL: "pkg:pypi/demo@1",
			Distro: &inventory.DistroPackage{Name: "python3-demo", Version: "1-2+deb12u1"}}}}
	log := func(version string) func(string) (string, map[string]string, error) {
		return func(string) (string, map[string]string, error) {
			return version, map[string]string{"CVE-2099-1": "1-2+deb12u1"}, nil
		}
	}
	res, _ := ScanWith(context.Background(), inv, fakeSource{"demo": {rec}}, Options{Changelog: log("1-2+deb12u1")})
	if f := res.Findings[0]; !f.FixedByDistro() || !strings.Contains(f.Advice, "its changelog names CVE-2099-1") {
		t.Errorf("finding = %+v", f)
	}
	// A changelog of another version of the package proves nothing.
	res, _ = ScanWith(context.Background(), inv, fakeSource{"demo": {rec}}, Options{Changelog: log("1-3")})
	if res.Findings[0].FixedByDistro() {
		t.Error("a changelog of another version was used")
	}
}

// TestDebianBackports scans Debian 12's dist-packages: of the upstream
// findings for cryptography and Pillow in the PyPA data, the ones their
// Debian changelogs name are shown as fixed by backports.
func TestDebianBackports(t *testing.T) {
	site := "/usr/lib/python3/dist-packages"
	if m, _ := filepath.Glob(filepath.Join(site, "cryptography-*.dist-info")); len(m) == 0 {
		t.Skip("Debian's python3-cryptography is not installed")
	}
	dir := filepath.Join(schema.CorpusDir(), "osv", "pypa-advisory-database", "vulns")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("PyPA advisory database not present")
	}
	dbPath := filepath.Join(t.TempDir(), "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		t.Fatal(err)
	}
	db, _ := vulndb.Open(dbPath)
	defer db.Close()
	env, err := target.Resolve(context.Background(), site, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := extract.Environment(context.Background(), env, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ScanWith(context.Background(), inv, db, Options{Changelog: func(pkg string) (string, map[string]string, error) {
		c, err := dpkg.ReadChangelog(pkg)
		if err != nil {
			return "", nil, err
		}
		return c.Version, c.Fixed, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		if f.Name != "cryptography" && f.Name != "Pillow" {
			continue
		}
		if !contains(f.Labels, "distro-package") {
			t.Errorf("%s %s: no distro-package label", f.Name, f.ID)
		}
		got[f.ID] = f.FixedByDistro()
	}
	want := map[string]bool{
		"PYSEC-2023-11":  true,  // CVE-2023-23931, in cryptography's changelog
		"PYSEC-2023-254": true,  // CVE-2023-49083
		"PYSEC-2023-227": true,  // CVE-2023-44271, in Pillow's
		"PYSEC-2023-175": false, // no CVE alias the changelog could name
	}
	for id, fixed := range want {
		if g, ok := got[id]; !ok || g != fixed {
			t.Errorf("%s: found %v, fixed-by-distro %v; want fixed-by-distro %v", id, ok, g, fixed)
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

type ecoSource map[string][]*osv.Record // "ecosystem/name"

func (s ecoSource) Lookup(_ context.Context, eco, name string) ([]*osv.Record, error) {
	return s[eco+"/"+name], nil
}

// TestDebianAdvisory: a PyPI finding on a component a Debian package
// contains is decided by Debian's own advisory for the same CVE, keyed by
// the source package and release the SBOM's deb purl names.
func TestDebianAdvisory(t *testing.T) {
	pypi := &osv.Record{ID: "PYSEC-2023-254", Modified: "m", Aliases: []string{"CVE-2023-49083"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "PyPI", Name: "cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "41.0.6"}}}}}}}
	dsa := &osv.Record{ID: "DSA-5599-1", Modified: "m", Aliases: []string{"CVE-2023-49083"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "python-cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "38.0.4-3+deb12u1"}}}}}}}
	src := ecoSource{"PyPI/cryptography": {pypi}, "Debian/python-cryptography": {dsa}}
	inv := func(debVersion string) *inventory.Inventory {
		deb := &inventory.Package{ID: "deb", Kind: inventory.KindOSPackage, Name: "python3-cryptography", Version: debVersion,
			PURL: "pkg:deb/debian/python3-cryptography@" + debVersion + "?arch=amd64&distro=debian-12&upstream=python-cryptography"}
		return &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{deb,
			{ID: "c", Kind: inventory.KindDistribution, Name: "cryptography", Version: "38.0.4", PURL: "pkg:pypi/cryptography@38.0.4"}},
			Relationships: []inventory.Relationship{{From: "deb", Type: inventory.Contains, To: "c"}}}
	}
	res, err := Scan(context.Background(), inv("38.0.4-3+deb12u1"), src)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Findings[0]; !f.FixedByDistro() || !strings.Contains(f.Advice, "Debian advisory DSA-5599-1 says fixed in 38.0.4-3+deb12u1") {
		t.Errorf("patched: %+v", f)
	}
	res, _ = Scan(context.Background(), inv("38.0.4-3"), src)
	if f := res.Findings[0]; f.FixedByDistro() || !contains(f.Labels, "distro-affected") || !strings.Contains(f.Advice, "the fix is in 38.0.4-3+deb12u1") {
		t.Errorf("unpatched: %+v", f)
	}
}

// TestDebianPackages: a Debian package is matched by Debian's advisories
// for its source package, and the finding names the layer that brought
// its version; a package shipping Python is matched through what it
// ships; one without a distro qualifier is named as not scanned.
func TestDebianPackages(t *testing.T) {
	dsa := &osv.Record{ID: "DSA-9999-1", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "glibc"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "2.36-9+deb12u8"}}}}}}}
	crypto := &osv.Record{ID: "DSA-5599-1", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "python-cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "38.0.4-3+deb12u1"}}}}}}}
	src := ecoSource{"Debian/glibc": {dsa}, "Debian/python-cryptography": {crypto}}
	libc := func(id, version, distro string) *inventory.Package {
		return &inventory.Package{ID: id, Kind: inventory.KindOSPackage, Name: "libc6", Version: version,
			PURL: "pkg:deb/debian/libc6@" + version + "?arch=amd64" + distro + "&upstream=glibc",
			Properties: []inventory.Property{{Name: inventory.PropLayerAdded, Value: "sha256:1"}, {Name: inventory.PropLayerAddedBy, Value: "FROM debian"},
				{Name: inventory.PropLayerChanged, Value: "sha256:2"}, {Name: inventory.PropLayerChangedBy, Value: "RUN apt-get upgrade"}}}
	}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		libc("old", "2.36-9+deb12u7", "&distro=debian-12"),
		libc("new", "2.36-9+deb12u8", "&distro=debian-12"),
		libc("nodistro", "2.36-9+deb12u7", ""),
		{ID: "deb", Kind: inventory.KindOSPackage, Name: "python3-cryptography", Version: "38.0.4-3",
			PURL: "pkg:deb/debian/python3-cryptography@38.0.4-3?arch=amd64&distro=debian-12&upstream=python-cryptography"},
		{ID: "c", Kind: inventory.KindDistribution, Name: "cryptography", Version: "38.0.4", PURL: "pkg:pypi/cryptography@38.0.4"},
	}, Relationships: []inventory.Relationship{{From: "deb", Type: inventory.Contains, To: "c"}}}
	res, err := Scan(context.Background(), inv, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Component != "old" || f.ID != "DSA-9999-1" || !strings.Contains(f.Advice, "upgrade the distro package to 2.36-9+deb12u8") ||
		f.Layer == nil || f.Layer.DiffID != "sha256:2" || f.Layer.CreatedBy != "RUN apt-get upgrade" {
		t.Errorf("finding %+v, layer %+v", f, f.Layer)
	}
	reasons := map[string]string{}
	for _, u := range res.Unscanned {
		reasons[u.Component] = u.Reason
	}
	if !strings.Contains(reasons["deb"], "in its stead") || !strings.Contains(reasons["nodistro"], "distro qualifier") {
		t.Errorf("unscanned %v", reasons)
	}
}

// TestDebianWithoutAdvisories: a database that holds no Debian advisory
// cannot clear a Debian package; it is named as not scanned.
func TestDebianWithoutAdvisories(t *testing.T) {
	db := pypiOnlyDB(t)
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "libc", Kind: inventory.KindOSPackage, Name: "libc6", Version: "2.36-9", PURL: "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12&upstream=glibc"},
		{ID: "demo", Kind: inventory.KindDistribution, Name: "demo", Version: "1.0", PURL: "pkg:pypi/demo@1.0"},
	}}
	res, err := Scan(context.Background(), inv, db)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scanned != 1 || len(res.Findings) != 1 || len(res.Unscanned) != 1 || res.Unscanned[0].Component != "libc" ||
		!strings.Contains(res.Unscanned[0].Reason, "no Debian advisories") {
		t.Errorf("scanned %d, findings %d, unscanned %+v", res.Scanned, len(res.Findings), res.Unscanned)
	}
}

// TestAlpinePackages: an apk package is matched against Alpine's
// advisories for its origin and release, with apk's version order; one
// without a distro qualifier, or scanned with a database that holds no
// Alpine advisory, is named as not scanned.
func TestAlpinePackages(t *testing.T) {
	rec := &osv.Record{ID: "ALPINE-CVE-2099-2", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Alpine:v3.20", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "3.3.2-r0"}}}}}}}
	apk := func(id, version, distro string) *inventory.Package {
		return &inventory.Package{ID: id, Kind: inventory.KindOSPackage, Name: "libssl3", Version: version,
			PURL: "pkg:apk/alpine/libssl3@" + version + "?arch=x86_64" + distro + "&upstream=openssl"}
	}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		apk("old", "3.3.1-r3", "&distro=alpine-3.20.3"),
		apk("rc", "3.3.2_rc1-r0", "&distro=alpine-3.20.3"),
		apk("new", "3.3.2-r0", "&distro=alpine-3.20.3"),
		apk("other-release", "3.3.1-r3", "&distro=alpine-3.19.1"),
		apk("nodistro", "3.3.1-r3", ""),
	}}
	res, err := Scan(context.Background(), inv, ecoSource{"Alpine/openssl": {rec}})
	if err != nil {
		t.Fatal(err)
	}
	var hit []string
	for _, f := range res.Findings {
		hit = append(hit, f.Component)
		if !strings.Contains(f.Advice, "upgrade the distro package to 3.3.2-r0") {
			t.Errorf("advice %q", f.Advice)
		}
	}
	if strings.Join(hit, " ") != "old rc" && strings.Join(hit, " ") != "rc old" {
		t.Errorf("findings on %v, want old and rc", hit)
	}
	if len(res.Unscanned) != 1 || res.Unscanned[0].Component != "nodistro" || !strings.Contains(res.Unscanned[0].Reason, "distro qualifier (alpine-X.Y)") {
		t.Errorf("unscanned %+v", res.Unscanned)
	}

	// A database of PyPI advisories alone cannot clear Alpine packages.
	db := pypiOnlyDB(t)
	res, err = Scan(context.Background(), &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{apk("old", "3.3.1-r3", "&distro=alpine-3.20.3")}}, db)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scanned != 0 || len(res.Unscanned) != 1 || !strings.Contains(res.Unscanned[0].Reason, "no Alpine advisories") {
		t.Errorf("scanned %d, unscanned %+v", res.Scanned, res.Unscanned)
	}
}

// TestRPMOwnedDistribution: a distribution an rpm package installed is not
// decided by Debian's advisories, even for a source package of the same
// name: the finding says the fix may be backported.
func TestRPMOwnedDistribution(t *testing.T) {
	pypi := &osv.Record{ID: "PYSEC-2023-254", Modified: "m", Aliases: []string{"CVE-2023-49083"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "PyPI", Name: "cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "41.0.6"}}}}}}}
	dsa := &osv.Record{ID: "DSA-9999-9", Modified: "m", Aliases: []string{"CVE-2023-49083"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "python-cryptography"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "36.0.0-1"}}}}}}}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "rpm", Kind: inventory.KindOSPackage, Name: "python3-cryptography", Version: "36.0.1-4.el9",
			PURL: "pkg:rpm/redhat/python3-cryptography@36.0.1-4.el9?arch=x86_64&distro=rhel-9.3&upstream=python-cryptography"},
		{ID: "c", Kind: inventory.KindDistribution, Name: "cryptography", Version: "36.0.1", PURL: "pkg:pypi/cryptography@36.0.1"},
	}, Relationships: []inventory.Relationship{{From: "rpm", Type: inventory.Contains, To: "c"}}}
	res, err := Scan(context.Background(), inv, ecoSource{"PyPI/cryptography": {pypi}, "Debian/python-cryptography": {dsa}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].FixedByDistro() || !strings.Contains(res.Findings[0].Advice, "distro package (rpm/redhat python3-cryptography 36.0.1-4.el9): the upstream fix may be backported") {
		t.Errorf("findings %+v", res.Findings)
	}
}

// pypiOnlyDB is a database of one PyPI advisory (demo 1.0) and nothing
// of any distribution.
func pypiOnlyDB(t *testing.T) *vulndb.DB {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "PYSEC-2099-1.json"), []byte(`{"id":"PYSEC-2099-1","modified":"2025-01-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"versions":["1.0"]}]}`), 0o644)
	dbPath := filepath.Join(dir, "v.db")
	if _, err := vulndb.Import(context.Background(), dbPath, []string{dir}, vulndb.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRPMPackages: rpm packages of RHEL and Rocky Linux are matched
// against their distribution's records, by binary or source name, with
// rpm's version order and epochs, for their major release only.
func TestRPMPackages(t *testing.T) {
	rhsa := &osv.Record{ID: "RHSA-2099:0001", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Red Hat:enterprise_linux:9::baseos", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1:3.0.7-25.el9_3"}}}}}}}
	rhsa8 := &osv.Record{ID: "RHSA-2099:0002", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Red Hat:enterprise_linux:8::baseos", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1:9.9-1.el8"}}}}}}}
	rlsa := &osv.Record{ID: "RLSA-2099:0003", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Rocky Linux:9", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1:3.0.7-25.el9_3"}}}}}}}
	pkg := func(id, ns, version, distro string) *inventory.Package {
		return &inventory.Package{ID: id, Kind: inventory.KindOSPackage, Name: "openssl-libs", Version: "1:" + version,
			PURL: "pkg:rpm/" + ns + "/openssl-libs@" + version + "?arch=x86_64&distro=" + distro + "&epoch=1&upstream=openssl"}
	}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		pkg("old", "redhat", "3.0.7-24.el9", "rhel-9.3"),
		pkg("new", "redhat", "3.0.7-25.el9_3", "rhel-9.3"),
		pkg("rocky", "rocky", "3.0.7-24.el9", "rocky-9.3"),
		pkg("fedora", "fedora", "3.0.7-24.fc40", "fedora-40"),
	}}
	res, err := Scan(context.Background(), inv, ecoSource{"Red Hat/openssl": {rhsa, rhsa8}, "Rocky Linux/openssl": {rlsa}})
	if err != nil {
		t.Fatal(err)
	}
	var hits []string
	for _, f := range res.Findings {
		hits = append(hits, f.Component+" "+f.ID)
		if !strings.Contains(f.Advice, "upgrade the distro package to 1:3.0.7-25.el9_3 or later (dnf upgrade)") {
			t.Errorf("advice %q", f.Advice)
		}
	}
	slices.Sort(hits)
	if strings.Join(hits, ", ") != "old RHSA-2099:0001, rocky RLSA-2099:0003" {
		t.Errorf("findings: %v", hits)
	}
	if len(res.Unscanned) != 1 || res.Unscanned[0].Component != "fedora" || !strings.Contains(res.Unscanned[0].Reason, "pkg:rpm/fedora") {
		t.Errorf("unscanned %+v", res.Unscanned)
	}
}

// TestUbuntuPackages: an Ubuntu package is matched against Ubuntu's
// records of its release (LTS or not), never Ubuntu Pro's nor Debian's;
// a distribution it ships is not decided by Debian's advisories.
func TestUbuntuPackages(t *testing.T) {
	usn := &osv.Record{ID: "USN-9999-1", Modified: "m", Aliases: []string{"CVE-2099-9"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Ubuntu:22.04:LTS", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "3.0.2-0ubuntu1.15"}}}}}}}
	pro := &osv.Record{ID: "USN-9999-2", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Ubuntu:Pro:22.04:LTS", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "9.9"}}}}}}}
	dsa := &osv.Record{ID: "DSA-9999-2", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Debian:12", Name: "openssl"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "9.9"}}}}}}}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "libssl", Kind: inventory.KindOSPackage, Name: "libssl3", Version: "3.0.2-0ubuntu1.14",
			PURL: "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.14?arch=amd64&distro=ubuntu-22.04&upstream=openssl"},
	}}
	res, err := Scan(context.Background(), inv, ecoSource{"Ubuntu/openssl": {usn, pro}, "Debian/openssl": {dsa}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].ID != "USN-9999-1" || !strings.Contains(res.Findings[0].Advice, "3.0.2-0ubuntu1.15") {
		t.Errorf("findings %+v", res.Findings)
	}
}

// TestWolfiPackages: a Wolfi apk package is matched against Wolfi's
// records, which name no release, by package or origin name.
func TestWolfiPackages(t *testing.T) {
	rec := &osv.Record{ID: "CGA-2099-1", Modified: "m", Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "Wolfi", Name: "python-3.12"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "3.12.2-r0"}}}}}}}
	inv := &inventory.Inventory{Root: &inventory.Package{ID: "root"}, Packages: []*inventory.Package{
		{ID: "old", Kind: inventory.KindOSPackage, Name: "python-3.12-base", Version: "3.12.1-r3",
			PURL: "pkg:apk/wolfi/python-3.12-base@3.12.1-r3?arch=x86_64&distro=wolfi-20230201&upstream=python-3.12"},
		{ID: "new", Kind: inventory.KindOSPackage, Name: "python-3.12-base", Version: "3.12.2-r0",
			PURL: "pkg:apk/wolfi/python-3.12-base@3.12.2-r0?arch=x86_64&distro=wolfi-20230201&upstream=python-3.12"},
	}}
	res, err := Scan(context.Background(), inv, ecoSource{"Wolfi/python-3.12": {rec}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Component != "old" || !strings.Contains(res.Findings[0].Advice, "3.12.2-r0 or later (apk upgrade)") {
		t.Errorf("findings %+v", res.Findings)
	}
}

// TestImageChangelogs: in an image, a Debian package's backport is decided
// by the changelog the inventory carries from the image, never by this
// system's changelog of the same package.
func TestImageChangelogs(t *testing.T) {
	rec := &osv.Record{ID: "PYSEC-2099-5", Modified: "m", Aliases: []string{"CVE-2099-1001"}, Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "PyPI", Name: "six"},
		Ranges:  []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "2.0"}}}}}}}
	inv := func(changelog string) *inventory.Inventory {
		deb := &inventory.Package{ID: "deb", Kind: inventory.KindOSPackage, Name: "python3-six", Version: "1.16.0-4",
			PURL: "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six"}
		if changelog != "" {
			deb.Properties = []inventory.Property{{Name: inventory.PropDistroChangelog, Value: changelog}}
		}
		return &inventory.Inventory{Root: &inventory.Package{ID: "image", Kind: inventory.KindImage}, Packages: []*inventory.Package{deb,
			{ID: "six", Kind: inventory.KindDistribution, Name: "six", Version: "1.16.0", PURL: "pkg:pypi/six@1.16.0"}},
			Relationships: []inventory.Relationship{{From: "deb", Type: inventory.Contains, To: "six"}}}
	}
	host := func(string) (string, map[string]string, error) {
		return "1.16.0-4", map[string]string{"CVE-2099-1001": "1.16.0-4"}, nil
	}
	res, err := ScanWith(context.Background(), inv("1.16.0-4: CVE-2099-1001=1.16.0-4"), ecoSource{"PyPI/six": {rec}}, Options{Changelog: host})
	if err != nil || len(res.Findings) != 1 || !res.Findings[0].FixedByDistro() || !strings.Contains(res.Findings[0].Advice, "its changelog names CVE-2099-1001") {
		t.Errorf("with the image's changelog: %+v %v", res.Findings, err)
	}
	res, err = ScanWith(context.Background(), inv(""), ecoSource{"PyPI/six": {rec}}, Options{Changelog: host})
	if err != nil || len(res.Findings) != 1 || res.Findings[0].FixedByDistro() {
		t.Errorf("this system's changelog decided an image's finding: %+v %v", res.Findings, err)
	}
}
