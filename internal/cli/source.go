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

	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/source"
)

func runSource(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"source needs a subcommand: init, update, check or release"}
	}
	sub, rest := args[0], args[1:]
	flags := flag.NewFlagSet("source "+sub, flag.ContinueOnError)
	flags.SetOutput(e.stderr)
	dir := flags.String("C", ".", "the root of the source `tree`")
	manifest := flags.String("manifest", "", "the manifest `file` (default: TREE/"+source.ManifestName+")")
	var from, sbomPath, archives *string
	var rel struct {
		archive, name, version, supplier, cpe, license, url *string
		outs                                                *outputsFlag
	}
	var force, download *bool
	switch sub {
	case "init":
		from = flags.String("from", "", "import an existing CPython-style SPDX `SBOM` (a path inside the tree, such as Misc/sbom.spdx.json)")
		sbomPath = flags.String("sbom", "sbom.spdx.json", "the `path` of the SBOM to keep, inside the tree (with --from: that SBOM)")
		force = flags.Bool("force", false, "replace an existing manifest")
	case "update":
	case "check":
		archives = flags.String("archives", "", "a `folder` of downloaded archives: each package's archive (named as in its download URL) must have its sha256")
		download = flags.Bool("download", false, "download every package's archive from its download URL and check its sha256 (online)")
	case "release":
		rel.archive = flags.String("archive", "", "the release `archive` (.tar.xz, .tar.gz, .tgz, .tar.bz2 or .zip)")
		rel.name = flags.String("name", "", "the project's `name` (default: from the archive's name)")
		rel.version = flags.String("version", "", "the project's `version` (default: from the archive's name)")
		rel.supplier = flags.String("supplier", "", "the project's supplier, `\"Organization: Name (email)\"` or \"Person: ...\"")
		rel.cpe = flags.String("cpe", "", "the project's `CPE`, such as cpe:2.3:a:python:python:3.13.5:*:*:*:*:*:*:*")
		rel.license = flags.String("license", "", "the project's license `expression`")
		rel.url = flags.String("download-url", "", "where the archive is published")
		sbomPath = flags.String("sbom", "Misc/sbom.spdx.json", "the curated source SBOM's `path` inside the archive")
		rel.outs = &outputsFlag{allowed: map[string]bool{"spdx-json": true, "cyclonedx-json": true}}
		flags.Var(rel.outs, "o", "output `FORMAT[=FILE]`: spdx-json (default), cyclonedx-json; repeatable")
	default:
		return &usageError{fmt.Sprintf("unknown source subcommand %q (want init, update, check or release)", sub)}
	}
	flags.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: pysbom source %s [flags]\n\n", sub)
		fmt.Fprintln(e.stderr, "A curated SBOM of code vendored into a source tree, kept true as the code changes.")
		fmt.Fprintln(e.stderr, "init writes the manifest; update recomputes files, checksums and the SBOM; check fails on drift.\n\nflags:")
		flags.PrintDefaults()
	}
	pos, err := parseInterleaved(flags, rest)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("source %s takes no arguments, got %s", sub, strings.Join(pos, " "))}
	}
	if sub == "release" {
		return sourceRelease(e, *rel.archive, source.ReleaseOptions{Name: *rel.name, Version: *rel.version, CPE: *rel.cpe,
			License: *rel.license, DownloadURL: *rel.url, SBOM: *sbomPath}, *rel.supplier, rel.outs)
	}
	root := *dir
	if *manifest == "" {
		*manifest = filepath.Join(root, source.ManifestName)
	}
	switch sub {
	case "init":
		if _, err := os.Stat(*manifest); err == nil && !*force {
			return fmt.Errorf("%s exists; use --force to replace it", *manifest)
		}
		var m *source.Manifest
		if *from != "" {
			m, err = source.ImportTree(root, filepath.ToSlash(*from))
		} else {
			m, err = source.Guess(root, filepath.ToSlash(*sbomPath))
		}
		if err != nil {
			return err
		}
		if err := writeAtomic(*manifest, nil, func(w io.Writer) error { _, err := w.Write(m.Write()); return err }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "pysbom: wrote %s with %d packages\n", *manifest, len(m.Packages))
		if *from == "" {
			fmt.Fprintln(e.stderr, "pysbom: hint: fill in version, download_url, sha256, license and cpe or purl for each package, then run pysbom source update")
		}
		return nil
	}
	m, err := source.ReadManifest(*manifest)
	if errors.Is(err, fs.ErrNotExist) {
		hint := "pysbom source init"
		if root != "." {
			hint += " -C " + root
		}
		return fmt.Errorf("%s: no manifest (create it with: %s)", *manifest, hint)
	}
	if err != nil {
		return err
	}
	if sub == "update" {
		created, err := creationTime(e.getenv)
		if err != nil {
			return err
		}
		up, err := source.Update(root, m, created.UTC().Format(time.RFC3339), e.getenv("SOURCE_DATE_EPOCH") == "")
		if err != nil {
			return err
		}
		type output struct {
			path   string
			render func(io.Writer) error
		}
		outputs := []output{{m.SPDX, func(w io.Writer) error { _, err := w.Write(up.SPDX); return err }}}
		if m.CycloneDX != "" {
			outputs = append(outputs, output{m.CycloneDX, func(w io.Writer) error {
				return cyclonedx.Encode(w, up.Inventory, cyclonedx.Options{Created: created, ToolName: "pysbom", ToolVersion: Version})
			}})
		}
		for _, o := range outputs {
			if err := writeAtomicIn(root, filepath.FromSlash(o.path), o.render); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "pysbom: wrote %s\n", filepath.Join(root, filepath.FromSlash(o.path)))
		}
		for _, p := range up.Problems {
			fmt.Fprintf(e.stderr, "pysbom: warning: %s\n", p)
		}
		return nil
	}
	problems, err := source.Check(root, m, *archives)
	if err != nil {
		return err
	}
	if *download {
		problems = append(problems, source.DownloadArchives(ctx, &http.Client{Timeout: 10 * time.Minute}, m)...)
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		return &findingsError{fmt.Sprintf("%d problems: the SBOM does not match the tree", len(problems))}
	}
	fmt.Fprintf(e.stdout, "%s matches the tree: %d packages\n", m.SPDX, len(m.Packages))
	return nil
}

// sourceRelease writes the SBOM of a release archive.
func sourceRelease(e *env, file string, opt source.ReleaseOptions, supplier string, outs *outputsFlag) error {
	if file == "" {
		return &usageError{"source release needs --archive FILE"}
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
			return &usageError{fmt.Sprintf("--supplier: %v", err)}
		}
		opt.Supplier = p
	}
	if len(outs.list) == 0 {
		outs.list = []output{{format: "spdx-json"}}
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	inv, problems, err := source.Release(file, opt)
	if err != nil {
		return err
	}
	for _, o := range outs.list {
		if err := writeAtomic(o.file, e.stdout, func(w io.Writer) error { return render(w, o.format, inv, created) }); err != nil {
			return err
		}
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "pysbom: %s\n", p)
	}
	if opt.Supplier.IsZero() {
		fmt.Fprintln(e.stderr, "pysbom: hint: name the project's supplier with --supplier (an NTIA minimum element)")
	}
	if len(problems) > 0 {
		return &findingsError{fmt.Sprintf("%d problems: the archive does not match its SBOM", len(problems))}
	}
	return nil
}
