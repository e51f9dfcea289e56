package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/target"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

// debianInventory reads Debian's dist-packages, where the project's
// machine image has Debian's Python packages.
func debianInventory(t *testing.T) *inventory.Inventory {
	t.Helper()
	dir := "/usr/lib/python3/dist-packages"
	if m, _ := filepath.Glob(filepath.Join(dir, "cryptography-*.dist-info")); len(m) == 0 {
		t.Skip("Debian's python3-cryptography is not installed (apt-get install python3-cryptography python3-numpy python3-lxml python3-yaml python3-pil)")
	}
	env, err := target.Resolve(context.Background(), dir, target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Environment(context.Background(), env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestDebianDistPackages reads Debian's own Python packages
// (apt-get install python3-cryptography python3-numpy python3-lxml
// python3-yaml python3-pil): egg-info directories and files, Debian's
// rewritten dist-info, dpkg ownership, and the stale
// cryptography.egg-info that Debian ships beside the dist-info.
func TestDebianDistPackages(t *testing.T) {
	inv := debianInventory(t)
	byName := map[string]*inventory.Package{}
	crypto := 0
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindDistribution {
			byName[strings.ToLower(p.Name)] = p
			if strings.EqualFold(p.Name, "cryptography") {
				crypto++
			}
		}
	}
	if crypto != 1 {
		t.Errorf("cryptography counted %d times, want once", crypto)
	}
	c := byName["cryptography"]
	if c == nil || c.Distro == nil || c.Distro.Name != "python3-cryptography" || !strings.HasPrefix(c.Distro.PURL, "pkg:deb/debian/python3-cryptography@") {
		t.Fatalf("cryptography's Debian package not recorded: %+v", c)
	}
	if inv.Find("deb/python3-cryptography@"+c.Distro.Version) == nil {
		t.Error("no deb component for python3-cryptography")
	}
	for _, name := range []string{"numpy", "lxml", "pyyaml", "pillow"} {
		p := byName[name]
		if p == nil {
			t.Errorf("%s missing", name)
			continue
		}
		if p.Version == "" || p.Distro == nil || len(p.Files) == 0 {
			t.Errorf("%s: version %q, distro %+v, %d files", name, p.Version, p.Distro, len(p.Files))
		}
	}
	dup := false
	for _, p := range inv.Problems {
		switch p.Kind {
		case inventory.DuplicateMetadata:
			dup = dup || p.Path == "cryptography.egg-info"
		case inventory.HashMismatch:
			// Files are judged by dpkg's md5sums; only the sandbox's
			// appended CA bundle differs from what dpkg installed.
			if filepath.Base(p.Path) != "cacert.pem" {
				t.Errorf("unexpected mismatch: %+v", p)
			}
		case inventory.BadMetadata, inventory.BadRecord, inventory.Unreadable:
			t.Errorf("unexpected problem: %+v", p)
		}
	}
	if !dup {
		t.Error("the stale cryptography.egg-info is not reported")
	}
}

// TestEveryPyenvVersion reads every Python installation on the machine
// image, from 2.7 to 3.13: each gives its interpreter and distributions,
// with no metadata it cannot read.
func TestEveryPyenvVersion(t *testing.T) {
	versions, _ := filepath.Glob(filepath.Join(realdata.PyenvRoot(t), "versions", "*"))
	for _, v := range versions {
		t.Run(filepath.Base(v), func(t *testing.T) {
			env, err := target.Resolve(context.Background(), v, target.Options{})
			if err != nil {
				t.Fatal(err)
			}
			inv, err := Environment(context.Background(), env, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if inv.Find("python/cpython@"+filepath.Base(v)) == nil {
				t.Errorf("no CPython %s component", filepath.Base(v))
			}
			n := 0
			for _, p := range inv.Packages {
				if p.Kind == inventory.KindDistribution {
					n++
				}
			}
			if n == 0 {
				t.Error("no distributions")
			}
			for _, p := range inv.Problems {
				if p.Kind == inventory.BadMetadata || p.Kind == inventory.BadRecord || p.Kind == inventory.Unreadable {
					t.Errorf("problem: %+v", p)
				}
			}
		})
	}
}

// TestGraphWithoutRunning: the SBOM of a real installation read from
// files alone has the same components, versions and dependency graph as
// when its interpreter is run for its facts (pyenv 3.11.7 as a prefix and
// as an interpreter, Debian's python3).
func TestGraphWithoutRunning(t *testing.T) {
	var targets []string
	root := filepath.Join(realdata.PyenvRoot(t), "versions", "3.11.7")
	targets = append(targets, root, filepath.Join(root, "bin", "python3.11"))
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		targets = append(targets, "/usr/bin/python3")
	}
	summary := func(inv *inventory.Inventory) []string {
		var out []string
		for _, p := range inv.Packages {
			out = append(out, p.ID+" "+p.Version)
		}
		for _, r := range inv.Relationships {
			out = append(out, r.From+" "+string(r.Type)+" "+r.To)
		}
		return out
	}
	ctx := context.Background()
	for _, tgt := range targets {
		var got [2][]string
		for i, exec := range []bool{false, true} {
			env, err := target.Resolve(ctx, tgt, target.Options{Exec: exec})
			if err != nil {
				t.Fatalf("%s: %v", tgt, err)
			}
			inv, err := Environment(ctx, env, Options{})
			if err != nil {
				t.Fatalf("%s: %v", tgt, err)
			}
			got[i] = summary(inv)
		}
		if diff := cmp.Diff(got[1], got[0]); diff != "" {
			t.Errorf("%s: read from files vs run (-run +files):\n%s", tgt, diff)
		}
	}
}

// TestCompiledAgainstIsNotLinkedIn: Debian 12's python3-cryptography
// carries "OpenSSL 3.0.14" from the headers it was built against, and links
// libssl.so.3 and libcrypto.so.3: the SBOM names the OpenSSL the loader
// finds (Debian's libssl3), not a contained 3.0.14.
func TestCompiledAgainstIsNotLinkedIn(t *testing.T) {
	inv := debianInventory(t)
	var crypto *inventory.Package
	for _, p := range inv.Packages {
		if p.Kind == inventory.KindDistribution && strings.EqualFold(p.Name, "cryptography") {
			crypto = p
		}
	}
	if crypto == nil {
		t.Fatal("no cryptography")
	}
	for _, p := range inv.Packages {
		if strings.HasPrefix(p.ID, crypto.ID+">") && p.Name == "openssl" {
			t.Errorf("a contained %s %s from the headers' version string", p.Name, p.Version)
		}
	}
	built := ""
	for _, pr := range crypto.Properties {
		if pr.Name == "pysbom:native:built-against" && strings.Contains(pr.Value, "openssl 3.0.") {
			built = pr.Value
		}
	}
	if !strings.Contains(built, "it links libssl.so.3") {
		t.Errorf("built-against property: %q", built)
	}
	ssl := inv.Find("shared-library/libssl.so.3")
	if ssl == nil || ssl.Name != "openssl" || ssl.Distro == nil || ssl.Distro.Name != "libssl3" || !strings.HasPrefix(ssl.Distro.Version, ssl.Version) {
		t.Fatalf("libssl.so.3: %+v", ssl)
	}
	linked := false
	for _, r := range inv.Relationships {
		linked = linked || r.From == crypto.ID && r.Type == inventory.DependsOn && r.To == ssl.ID
	}
	if !linked {
		t.Error("cryptography does not DEPEND_ON the system's libssl.so.3")
	}
	t.Logf("cryptography links %s %s (%s %s); %s", ssl.Name, ssl.Version, ssl.Distro.Name, ssl.Distro.Version, built)
}
