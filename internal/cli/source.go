package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/source"
	"github.com/pysbom/pysbom/internal/validate"
)

func sourceCommand() *command {
	return &command{
		name:    "source",
		summary: "a curated SBOM of code vendored into a source tree; check fails on drift",
		help: `A curated SBOM of code vendored into a source tree (CPython's Misc/sbom.spdx.json approach, for
any project), kept true as the code changes: init writes the manifest, update recomputes files,
checksums and the SBOM, check fails on drift, release writes the SBOM of a release archive.`,
		subs: []*command{
			{name: "source init", summary: "write the manifest, guessed from the tree or imported from an SBOM",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					t := treeFlags(fs)
					from := fs.String("from", "", "import an existing CPython-style SPDX `SBOM` (a path inside the tree, such as Misc/sbom.spdx.json)")
					sbomPath := fs.String("sbom", "sbom.spdx.json", "the `path` of the SBOM to keep, inside the tree (with --from: that SBOM)")
					force := fs.Bool("force", false, "replace an existing manifest")
					return func(ctx context.Context, pos []string) error {
						if err := noArgs("source init", pos); err != nil {
							return err
						}
						return sourceInit(e, t, *from, *sbomPath, *force)
					}
				}},
			{name: "source update", summary: "recompute files, checksums and the SBOM from the manifest",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					t := treeFlags(fs)
					return func(ctx context.Context, pos []string) error {
						if err := noArgs("source update", pos); err != nil {
							return err
						}
						return sourceUpdate(ctx, e, t)
					}
				}},
			{name: "source check", summary: "exit 3 when the SBOM does not match the tree (for CI)",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					t := treeFlags(fs)
					archives := fs.String("archives", "", "a `folder` of downloaded archives: each package's archive (named as in its download URL) must have its sha256")
					download := fs.Bool("download", false, "download every package's archive from its download URL and check its sha256 (online)")
					ntia := fs.Bool("ntia", true, "fail when the SBOM update would write lacks an NTIA minimum element (a supplier, a version, an identifier); --ntia=false checks only that it matches the tree")
					return func(ctx context.Context, pos []string) error {
						if err := noArgs("source check", pos); err != nil {
							return err
						}
						return sourceCheck(ctx, e, t, *archives, *download, *ntia)
					}
				}},
			{name: "source release", summary: "the SBOM of a release archive, checked against the curated SBOM inside it",
				setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
					var opt source.ReleaseOptions
					archive := fs.String("archive", "", "the release `archive` (.tar.xz, .tar.gz, .tgz, .tar.bz2 or .zip)")
					fs.StringVar(&opt.Name, "name", "", "the project's `name` (default: from the archive's name)")
					fs.StringVar(&opt.Version, "version", "", "the project's `version` (default: from the archive's name)")
					supplier := fs.String("supplier", "", "the project's supplier, `\"Organization: Name (email)\"` or \"Person: ...\"")
					fs.StringVar(&opt.CPE, "cpe", "", "the project's `CPE`, such as cpe:2.3:a:python:python:3.13.5:*:*:*:*:*:*:*")
					fs.StringVar(&opt.License, "license", "", "the project's license `expression`")
					fs.StringVar(&opt.DownloadURL, "download-url", "", "where the archive is published")
					fs.StringVar(&opt.SBOM, "sbom", "Misc/sbom.spdx.json", "the curated source SBOM's `path` inside the archive")
					outs := newOutputs(fs, output.SBOMs, output.SBOMs.Default)
					return func(ctx context.Context, pos []string) error {
						if err := noArgs("source release", pos); err != nil {
							return err
						}
						return sourceRelease(e, *archive, opt, *supplier, outs)
					}
				}},
		},
	}
}

// tree is where a source command works: the tree and its manifest.
type tree struct{ root, manifest *string }

func treeFlags(fs *flag.FlagSet) tree {
	return tree{
		root:     fs.String("C", ".", "the root of the source `tree`"),
		manifest: fs.String("manifest", "", "the manifest `file` (default: TREE/"+source.ManifestName+")"),
	}
}

func (t tree) manifestPath() string {
	if *t.manifest != "" {
		return *t.manifest
	}
	return filepath.Join(*t.root, source.ManifestName)
}

func noArgs(name string, pos []string) error {
	if len(pos) > 0 {
		return &usageError{msg: fmt.Sprintf("%s takes no arguments, got %q", name, pos), hint: "pysbom " + name + " -h lists its flags"}
	}
	return nil
}

func sourceInit(e *env, t tree, from, sbomPath string, force bool) error {
	manifest := t.manifestPath()
	if _, err := os.Stat(manifest); err == nil && !force {
		return fmt.Errorf("%s exists; use --force to replace it", manifest)
	}
	var m *source.Manifest
	var err error
	if from != "" {
		m, err = source.ImportTree(*t.root, filepath.ToSlash(from))
	} else {
		m, err = source.Guess(*t.root, filepath.ToSlash(sbomPath))
	}
	if err != nil {
		return err
	}
	if err := writeAtomic(manifest, nil, func(w io.Writer) error { _, err := w.Write(m.Write()); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "pysbom: wrote %s with %s\n", manifest, output.Count(len(m.Packages), "package"))
	if from == "" {
		fmt.Fprintln(e.stderr, "pysbom: hint: fill in version, download_url, sha256, license and cpe or purl for each package, then run pysbom source update")
	}
	return nil
}

// readManifest reads the tree's manifest, saying how to create it when
// there is none.
func readManifest(t tree) (*source.Manifest, error) {
	manifest := t.manifestPath()
	m, err := source.ReadManifest(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		hint := "pysbom source init"
		if *t.root != "." {
			hint += " -C " + *t.root
		}
		return nil, fmt.Errorf("%s: no manifest (create it with: %s)", manifest, hint)
	}
	return m, err
}

func sourceUpdate(ctx context.Context, e *env, t tree) error {
	m, err := readManifest(t)
	if err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	root := *t.root
	up, err := source.Update(ctx, root, m, created.UTC().Format(time.RFC3339), e.getenv("SOURCE_DATE_EPOCH") == "")
	if err != nil {
		return err
	}
	type file struct {
		path   string
		render func(io.Writer) error
	}
	files := []file{{m.SPDX, func(w io.Writer) error { _, err := w.Write(up.SPDX); return err }}}
	if m.CycloneDX != "" {
		files = append(files, file{m.CycloneDX, func(w io.Writer) error {
			return cyclonedx.Encode(w, up.Inventory, cyclonedx.Options{Created: created, ToolName: "pysbom", ToolVersion: Version})
		}})
	}
	for _, f := range files {
		if err := writeAtomicIn(root, filepath.FromSlash(f.path), f.render); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "pysbom: wrote %s\n", filepath.Join(root, filepath.FromSlash(f.path)))
	}
	for _, p := range up.Problems {
		fmt.Fprintf(e.stderr, "pysbom: warning: %s\n", p)
	}
	return nil
}

func sourceCheck(ctx context.Context, e *env, t tree, archives string, download, checkNTIA bool) error {
	m, err := readManifest(t)
	if err != nil {
		return err
	}
	problems, err := source.Check(ctx, *t.root, m, archives)
	if err != nil {
		return err
	}
	// The SBOM update would write must meet the NTIA minimum elements.
	if checkNTIA {
		ntia, err := ntiaProblems(ctx, e, *t.root, m)
		if err != nil {
			return err
		}
		problems = append(problems, ntia...)
	}
	if download {
		problems = append(problems, source.DownloadArchives(ctx, &http.Client{Timeout: 10 * time.Minute}, m)...)
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		return &findingsError{fmt.Sprintf("%s: the SBOM does not match the tree or lacks NTIA minimum elements", output.Count(len(problems), "problem"))}
	}
	fmt.Fprintf(e.stdout, "%s matches the tree: %s\n", m.SPDX, output.Count(len(m.Packages), "package"))
	return nil
}

// sourceRelease writes the SBOM of a release archive.
func sourceRelease(e *env, file string, opt source.ReleaseOptions, supplier string, outs *outputsFlag) error {
	if file == "" {
		return &usageError{msg: "source release needs --archive FILE", hint: "pysbom source release -h lists its flags"}
	}
	if _, err := outs.outputs(); err != nil {
		return err
	}
	name, version := source.SplitArchiveName(filepath.Base(file))
	if opt.Name == "" {
		opt.Name = name
	}
	if opt.Version == "" {
		opt.Version = version
	}
	if supplier != "" {
		p, err := parseParty(supplier)
		if err != nil {
			return &usageError{msg: fmt.Sprintf("--supplier: %v", err)}
		}
		opt.Supplier = p
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	inv, problems, err := source.Release(file, opt)
	if err != nil {
		return err
	}
	doc := &output.SBOM{Inventory: inv, Created: created, Tool: tool()}
	if err := outs.write(e.stdout, func(w io.Writer, format string) error { return output.SBOMs.Write(w, format, doc) }); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "pysbom: %s\n", p)
	}
	if opt.Supplier.IsZero() {
		fmt.Fprintln(e.stderr, "pysbom: hint: name the project's supplier with --supplier (an NTIA minimum element)")
	}
	if len(problems) > 0 {
		return &findingsError{fmt.Sprintf("%s: the archive does not match its SBOM", output.Count(len(problems), "problem"))}
	}
	return nil
}

// ntiaProblems are the NTIA minimum elements the SBOM that source update
// would write lacks. A document in CPython's shape gets its author,
// timestamp and relationships from the release tooling, so only its
// packages are held to them.
func ntiaProblems(ctx context.Context, e *env, root string, m *source.Manifest) ([]source.Problem, error) {
	created, err := creationTime(e.getenv)
	if err != nil {
		return nil, err
	}
	up, err := source.Update(ctx, root, m, created.UTC().Format(time.RFC3339), false)
	if err != nil {
		return nil, err
	}
	r, err := validate.Document(up.SPDX, m.SPDX)
	if err != nil {
		return nil, err
	}
	var out []source.Problem
	for _, f := range r.NTIA.Failures {
		if m.Format == "cpython" && !strings.HasPrefix(f.Path, "/packages/") {
			continue
		}
		out = append(out, source.Problem{File: m.SPDX, Msg: "NTIA minimum element missing: " + f.Message,
			Fix: "fill it in " + source.ManifestName + ", then pysbom source update"})
	}
	return out, nil
}
