package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/dtrack"
	"github.com/pysbom/pysbom/internal/extract"
	"github.com/pysbom/pysbom/internal/inventory"
	"github.com/pysbom/pysbom/internal/lockfile"
	"github.com/pysbom/pysbom/internal/output"
	"github.com/pysbom/pysbom/internal/report"
	"github.com/pysbom/pysbom/internal/sbom"
	"github.com/pysbom/pysbom/internal/sbom/cyclonedx"
	"github.com/pysbom/pysbom/internal/vex"
)

func uploadCommand() *command {
	return &command{
		name: "upload", args: "[SBOM|TARGET]",
		summary: "send an SBOM, and VEX triage, to OWASP Dependency-Track",
		help: `Sends an SBOM (any format pysbom reads, converted to CycloneDX 1.6) or the SBOM of a TARGET (read as
pysbom sbom reads it) to a Dependency-Track project; --vex sends VEX statements (OpenVEX, CycloneDX
VEX, CSAF) as its analysis of the project's findings. The API key comes from $PYSBOM_DT_API_KEY or
--api-key-file, never from the command line. Files are left out unless --files: Dependency-Track
makes every file a component.`,
		setup: func(fs *flag.FlagSet, e *env) func(context.Context, []string) error {
			o := &uploadOptions{}
			fs.StringVar(&o.url, "url", "", "the Dependency-Track server's `URL` (required)")
			fs.StringVar(&o.project, "project", "", "the project's `NAME`")
			fs.StringVar(&o.version, "project-version", "", "the project's `VERSION`")
			fs.StringVar(&o.uuid, "project-uuid", "", "the project's `UUID`, instead of --project and --project-version")
			fs.BoolVar(&o.autoCreate, "auto-create", false, "create the project when it does not exist (the key needs PROJECT_CREATION_UPLOAD)")
			fs.StringVar(&o.parent, "parent", "", "with --auto-create, the parent project `NAME[@VERSION]`")
			fs.Var(&o.tags, "tag", "a `TAG` for the project (repeatable)")
			fs.BoolVar(&o.latest, "latest", false, "mark this version as the project's latest")
			fs.BoolVar(&o.wait, "wait", false, "wait until the server has processed the upload")
			fs.DurationVar(&o.waitFor, "wait-timeout", 10*time.Minute, "with --wait, give up after `DURATION`")
			fs.StringVar(&o.keyFile, "api-key-file", "", "read the API key from `FILE` (default: $PYSBOM_DT_API_KEY)")
			fs.StringVar(&o.caCert, "ca-cert", "", "trust the certificate authority in PEM `FILE` for the server's TLS")
			fs.BoolVar(&o.files, "files", false, "keep the components' files in the SBOM sent")
			fs.Var(&o.vex, "vex", "send the statements of VEX document `FILE` as the project's analysis (repeatable)")
			o.in = inputFlagsOf(fs)
			return func(ctx context.Context, pos []string) error { return runUpload(ctx, e, pos, o) }
		},
	}
}

type uploadOptions struct {
	url, project, version, uuid, parent, keyFile, caCert string
	autoCreate, latest, wait, files                      bool
	waitFor                                              time.Duration
	tags, vex                                            listFlag
	in                                                   inputFlags
}

func runUpload(ctx context.Context, e *env, pos []string, o *uploadOptions) error {
	if o.url == "" {
		return &usageError{msg: "upload needs --url, the Dependency-Track server", hint: "pysbom upload -h"}
	}
	if o.uuid == "" && (o.project == "" || o.version == "") {
		return &usageError{msg: "upload needs --project NAME and --project-version VERSION (or --project-uuid)", hint: "pysbom upload -h"}
	}
	if len(pos) > 1 {
		return &usageError{msg: "upload takes one SBOM or TARGET"}
	}
	key, err := apiKey(e, o.keyFile)
	if err != nil {
		return err
	}
	client, err := o.client(key)
	if err != nil {
		return err
	}
	p := dtrack.Project{UUID: o.uuid, Name: o.project, Version: o.version, AutoCreate: o.autoCreate, Tags: o.tags, Latest: o.latest}
	if o.parent != "" {
		p.ParentName, p.ParentVersion, _ = strings.Cut(o.parent, "@")
	}
	sendBOM := len(pos) == 1 || len(o.vex) == 0
	if sendBOM {
		arg := ""
		if len(pos) == 1 {
			arg = pos[0]
		}
		doc, err := uploadDocument(ctx, e, arg, o)
		if err != nil {
			return err
		}
		token, err := client.UploadBOM(ctx, p, doc)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "uploaded the BOM to %s (token %s)\n", projectName(p), token)
		// VEX applies to the findings of the processed BOM: wait for it.
		if o.wait || len(o.vex) > 0 {
			if err := o.waitFor0(ctx, e, client, token); err != nil {
				return err
			}
		}
	}
	if len(o.vex) == 0 {
		return nil
	}
	lists, err := readVEXFiles(e.stderr, o.vex, "not sent")
	if err != nil {
		return err
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	skipped, err := report.CycloneDXStatements(&buf, vex.Merge(lists...), o.project, o.version, created, Version)
	if err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(e.stderr, "pysbom: %s not sent (invalid)\n", output.Count(skipped, "VEX statement"))
	}
	token, err := client.UploadVEX(ctx, p, buf.Bytes())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "uploaded the VEX to %s (token %s)\n", projectName(p), token)
	if o.wait {
		return o.waitFor0(ctx, e, client, token)
	}
	return nil
}

func (o *uploadOptions) waitFor0(ctx context.Context, e *env, client *dtrack.Client, token string) error {
	prog := newProgress(e.progressOut, "waiting for Dependency-Track, seconds:")
	defer prog.done()
	return client.Wait(ctx, token, 2*time.Second, o.waitFor, func(d time.Duration) { prog.update(int64(d.Seconds()), int64(o.waitFor.Seconds())) })
}

func projectName(p dtrack.Project) string {
	if p.UUID != "" {
		return "project " + p.UUID
	}
	return p.Name + " " + p.Version
}

// apiKey reads the API key: $PYSBOM_DT_API_KEY, or a file. It is never
// a flag's value, which other users of the machine could read.
func apiKey(e *env, file string) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--api-key-file: %w", err)
		}
		if k := strings.TrimSpace(string(data)); k != "" {
			return k, nil
		}
		return "", fmt.Errorf("--api-key-file %s is empty", file)
	}
	if k := strings.TrimSpace(e.getenv("PYSBOM_DT_API_KEY")); k != "" {
		return k, nil
	}
	return "", &usageError{msg: "no Dependency-Track API key: set PYSBOM_DT_API_KEY or give --api-key-file FILE"}
}

func (o *uploadOptions) client(key string) (*dtrack.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if o.caCert != "" {
		pem, err := os.ReadFile(o.caCert)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		pool, _ := x509.SystemCertPool()
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s: no PEM certificate in it", o.caCert)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &dtrack.Client{URL: o.url, APIKey: key, HTTP: &http.Client{Transport: tr, Timeout: 5 * time.Minute}, Retries: 4, Backoff: 2 * time.Second}, nil
}

// uploadDocument is the CycloneDX 1.6 document to send: an SBOM converted,
// or the SBOM of a target; without files unless asked.
func uploadDocument(ctx context.Context, e *env, arg string, o *uploadOptions) ([]byte, error) {
	var inv *inventory.Inventory
	if isFile(arg) && !*o.in.lock && !lockfile.IsLockFile(arg) {
		data, err := readSBOM(arg)
		if err != nil {
			return nil, err
		}
		if converted, losses, err := sbom.Convert(data, arg, "cyclonedx"); err == nil {
			inv = converted
			for _, l := range losses {
				fmt.Fprintf(e.stderr, "pysbom: note: %s\n", l)
			}
		} else if !errors.Is(err, sbom.ErrUnknownFormat) {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
	}
	if inv == nil {
		var err error
		if inv, err = buildInventory(ctx, e, arg, extract.Options{}, o.in); err != nil {
			return nil, err
		}
	}
	if !o.files {
		for _, p := range slices.Concat([]*inventory.Package{inv.Root}, inv.Packages) {
			p.Files = nil
		}
	}
	created, err := creationTime(e.getenv)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := cyclonedx.Encode(&buf, inv, cyclonedx.Options{Created: created, ToolName: "pysbom", ToolVersion: Version}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
