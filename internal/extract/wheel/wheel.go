// Package wheel reads a wheel file in place: its distribution metadata,
// its tags (from the file name and the WHEEL file), the artifact's own
// SHA-256, every member with SHA-1 and SHA-256 checked against RECORD,
// and what it carries (PEP 770 SBOMs, vendored packages). Nothing is
// extracted and nothing in it is run.
package wheel

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/pysbom/pysbom/internal/archive"
	"github.com/pysbom/pysbom/internal/digest"
	"github.com/pysbom/pysbom/internal/extract/binaries"
	"github.com/pysbom/pysbom/internal/extract/distinfo"
	"github.com/pysbom/pysbom/internal/extract/embedded"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/python/pep503"
	"github.com/pysbom/pysbom/internal/python/record"
	"github.com/pysbom/pysbom/internal/python/wheelname"
)

// FoundBy is recorded in Package.FoundBy.
const FoundBy = "python/wheel"

// Result is one wheel.
type Result struct {
	Package *inventory.Package
	Carried embedded.Result
}

// Read reads the wheel at file; seen, when not nil, is given each ELF
// binary among its members parsed, by member name (see binaries.Seen).
func Read(file string, lim archive.Limits, seen binaries.Seen) (*Result, error) {
	base := filepath.Base(file)
	name, err := wheelname.Parse(base)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// A wheel of common size is read from disk once: hashed, then opened
	// as a zip from the same bytes. A larger one is read twice rather than
	// held in memory.
	var src io.ReaderAt = f
	h := sha256.New()
	if fi.Size() <= inMemory {
		buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead)) // not grown from nothing
		if _, err := buf.ReadFrom(io.LimitReader(f, inMemory+1)); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		data := buf.Bytes()
		h.Write(data)
		src = bytes.NewReader(data)
		fi = sizeInfo{fi, int64(len(data))}
	} else if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	z, err := archive.OpenZip(src, fi.Size(), lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return read(z, name, fmt.Sprintf("%x", h.Sum(nil)), seen)
}

// ReadBytes reads a wheel held in memory; base is its file name.
func ReadBytes(base string, data []byte, lim archive.Limits) (*Result, error) {
	name, err := wheelname.Parse(base)
	if err != nil {
		return nil, err
	}
	z, err := archive.OpenZip(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", base, err)
	}
	return read(z, name, fmt.Sprintf("%x", sha256.Sum256(data)), nil)
}

// inMemory is the largest wheel read into memory to be read only once.
const inMemory = 256 << 20

// sizeInfo reports the size actually read.
type sizeInfo struct {
	os.FileInfo
	size int64
}

func (s sizeInfo) Size() int64 { return s.size }

func read(z *archive.Zip, name wheelname.Name, sum string, seen binaries.Seen) (*Result, error) {
	file := name.String()
	meta, err := distInfoDir(z, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	md, err := z.ReadFile(meta + "/METADATA")
	if err != nil {
		return nil, fmt.Errorf("%s: read %s/METADATA: %w", file, meta, err)
	}
	p, err := distinfo.FromMetadataBytes(md)
	if err != nil {
		return nil, fmt.Errorf("%s: %s/METADATA: %w", file, meta, err)
	}
	key := pep503.Normalize(p.Name)
	p.ID = inventory.DistributionID(key, p.Version)
	p.Kind = inventory.KindDistribution
	p.FoundBy = FoundBy
	p.PURL = packageurl.NewPackageURL("pypi", "", key, p.Version,
		packageurl.Qualifiers{{Key: "file_name", Value: file}}, "").ToString()
	p.Hashes = []inventory.Hash{{Algorithm: inventory.SHA256, Value: sum}}
	p.Python.MetadataDir = meta
	res := &Result{Package: p}
	var problems inventory.ProblemList
	prob := func(kind inventory.ProblemKind, member, format string, args ...any) {
		problems.Add(inventory.Problem{Kind: kind, Package: p.ID, Path: member, Message: fmt.Sprintf(format, args...)})
	}
	for _, ap := range z.Problems {
		prob(inventory.BadArchive, ap.Member, "%s", ap.Msg)
	}
	if pep503.Normalize(name.Distribution) != key || name.Version != p.Version {
		prob(inventory.BadMetadata, meta+"/METADATA", "METADATA says %s %s but the file name says %s %s", p.Name, p.Version, name.Distribution, name.Version)
	}
	p.Properties = append(p.Properties,
		inventory.Property{Name: inventory.PropWheelFile, Value: file},
		inventory.Property{Name: inventory.PropWheelTags, Value: name.Tags()})
	if name.Build != "" {
		p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropWheelBuild, Value: name.Build})
	}
	if w, err := z.ReadFile(meta + "/WHEEL"); err == nil {
		for _, line := range strings.Split(string(w), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "Wheel-Version":
				p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropWheelVersion, Value: strings.TrimSpace(v)})
			case "Generator":
				p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropWheelGenerator, Value: strings.TrimSpace(v)})
			case "Root-Is-Purelib":
				p.Properties = append(p.Properties, inventory.Property{Name: inventory.PropWheelRootIsPurelib, Value: strings.TrimSpace(v)})
			}
		}
	} else {
		prob(inventory.BadMetadata, meta+"/WHEEL", "no WHEEL file")
	}
	// Rows naming members are kept; the others name missing files and
	// are only counted past the first few, so a RECORD of a million rows
	// costs no more than its members.
	expected := map[string]record.Entry{}
	var missing []string // the first in name order of the files RECORD names and the wheel lacks
	rows, nMissing := 0, 0
	if data, err := z.ReadFile(meta + "/RECORD"); err != nil {
		prob(inventory.NoRecord, meta+"/RECORD", "no RECORD: the wheel's files cannot be verified")
	} else {
		err := record.Each(data, func(e record.Entry) {
			rows++
			m := path.Clean(e.Path)
			switch {
			case z.Has(m):
				expected[m] = e
			case isSignature(meta, m):
			default:
				nMissing++
				if missing = append(missing, m); len(missing) >= 4*inventory.ProblemsPerKind {
					missing = firstNames(missing, inventory.ProblemsPerKind)
				}
			}
		})
		if err != nil {
			prob(inventory.BadRecord, meta+"/RECORD", "RECORD is malformed (%v); files after that line are not verified", err)
		}
	}
	for _, m := range z.Names() {
		e, listed := expected[m]
		rc, err := z.Open(m)
		if err != nil {
			prob(inventory.Unreadable, m, "%v", err)
			continue
		}
		d := digest.Read(rc, -1, digest.Want{RecordAlgo: e.Algorithm, RecordSize: e.Size})
		rc.Close()
		if d.Err != nil {
			prob(inventory.Unreadable, m, "%v", d.Err)
			continue
		}
		p.Files = append(p.Files, inventory.File{Path: m, Size: d.Size, Hashes: []inventory.Hash{
			{Algorithm: inventory.SHA1, Value: fmt.Sprintf("%x", d.SHA1)},
			{Algorithm: inventory.SHA256, Value: fmt.Sprintf("%x", d.SHA256)},
		}})
		switch {
		case !listed && rows > 0 && !isSignature(meta, m):
			prob(inventory.UnlistedFile, m, "in the wheel but not in its RECORD")
		case listed:
			if kind, msg, ok := distinfo.Verify(distinfo.Expected{Path: m, Algorithm: e.Algorithm, Digest: e.Digest, Size: e.Size}, distinfo.Measured{Size: d.Size, Record: d.Record}, "the wheel was built"); !ok {
				prob(kind, m, "%s", msg)
			}
		}
	}
	missing = firstNames(missing, inventory.ProblemsPerKind)
	for _, m := range missing {
		prob(inventory.MissingFile, m, "listed in RECORD but not in the wheel")
	}
	if nMissing > len(missing) {
		prob(inventory.MissingFile, meta+"/RECORD", "%d more rows name files that are not in the wheel", nMissing-len(missing))
	}
	res.Carried.Problems = problems.Problems()
	p.Extend().License.Files = append(p.More().License.Files, licenseFiles(z, meta)...)
	carried := embedded.Extract(z.FS(), p, seen)
	res.Carried.Packages = carried.Packages
	res.Carried.Relationships = carried.Relationships
	res.Carried.Problems = append(res.Carried.Problems, carried.Problems...)
	return res, nil
}

// firstNames is the first n distinct names of l in name order.
func firstNames(l []string, n int) []string {
	slices.Sort(l)
	l = slices.Compact(l)
	return l[:min(n, len(l))]
}

// isSignature reports RECORD's own signature files, which RECORD cannot list.
func isSignature(meta, m string) bool {
	return m == meta+"/RECORD.jws" || m == meta+"/RECORD.p7s"
}

// distInfoDir finds the wheel's .dist-info directory: the one at the top
// level whose name matches the file name's distribution.
func distInfoDir(z *archive.Zip, name wheelname.Name) (string, error) {
	var found []string
	for _, m := range z.Names() {
		dir, file := path.Split(m)
		dir = strings.TrimSuffix(dir, "/")
		if file == "METADATA" && strings.HasSuffix(dir, ".dist-info") && !strings.Contains(dir, "/") {
			found = append(found, dir)
		}
	}
	want := pep503.Normalize(name.Distribution)
	for _, d := range found {
		n := strings.TrimSuffix(d, ".dist-info")
		if i := strings.LastIndex(n, "-"); i >= 0 && pep503.Normalize(n[:i]) == want {
			return d, nil
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", fmt.Errorf("no %s-*.dist-info/METADATA in the wheel (found %d .dist-info directories)", name.Distribution, len(found))
}

// licenseFiles finds the License-File entries PEP 639 places under
// .dist-info/licenses/ (or, before it, in .dist-info/).
func licenseFiles(z *archive.Zip, meta string) []string {
	var out []string
	for _, m := range z.Names() {
		if strings.HasPrefix(m, meta+"/licenses/") {
			out = append(out, m)
		}
	}
	return out
}

// Bundle makes the wheel's components those of a copy bundled inside
// another component (ensurepip's pip inside CPython): the IDs of its
// distribution, of what it carries, and of their relationships and
// problems become owner+">bundled/"+ID, so that they never meet the IDs
// of an installed copy of the same distribution.
func (r *Result) Bundle(owner string) {
	scope := func(id string) string { return owner + ">bundled/" + id }
	r.Package.ID = scope(r.Package.ID)
	for _, c := range r.Carried.Packages {
		c.ID = scope(c.ID)
	}
	for i, rel := range r.Carried.Relationships {
		r.Carried.Relationships[i].From, r.Carried.Relationships[i].To = scope(rel.From), scope(rel.To)
	}
	for i, p := range r.Carried.Problems {
		if p.Package != "" {
			r.Carried.Problems[i].Package = scope(p.Package)
		}
	}
}
