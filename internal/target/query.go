package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/pysbom/pysbom/internal/python/pep508"
)

// queryScript prints the interpreter's facts as JSON. It runs on Python 2.7
// to 3.x, imports only the standard library, and never imports site's
// processing of .pth files (the interpreter runs with -S).
const queryScript = `
import json, os, platform, sys, sysconfig
try:
    import site
    sp = list(site.getsitepackages())
except Exception:
    sp = []
def fmt(info):
    v = "%d.%d.%d" % (info[0], info[1], info[2])
    if info[3] != "final":
        v += info[3][0] + str(info[4])
    return v
impl = getattr(sys, "implementation", None)
paths = []
for key in ("purelib", "platlib"):
    p = sysconfig.get_paths().get(key)
    if p and p not in paths:
        paths.append(p)
for p in sp:
    if p not in paths:
        paths.append(p)
out = {
  "markers": {
    "implementation_name": impl.name if impl else "",
    "implementation_version": fmt(impl.version) if impl else "0",
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
  },
  "site": paths,
  "executable": sys.executable or "",
  "base_prefix": getattr(sys, "base_prefix", sys.prefix),
}
sys.stdout.write(json.dumps(out))
`

type queryResult struct {
	Markers    map[string]string `json:"markers"`
	SitePaths  []string          `json:"site"`
	Executable string            `json:"executable"`
	BasePrefix string            `json:"base_prefix"`
}

// queryTimeout and maxQueryOutput bound a run of the interpreter: one
// that sleeps or prints without end is stopped and named in the error.
var (
	queryTimeout   = 30 * time.Second
	maxQueryOutput = 1 << 20
)

// query runs the interpreter in isolated mode and reads its facts. It is
// called only when the user asked for it (Options.Exec).
func query(ctx context.Context, exe string) (*queryResult, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-E", "-s", "-S", "-c", queryScript)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8"}
	cmd.WaitDelay = time.Second
	stdout := &capped{max: maxQueryOutput, exceeded: cancel}
	stderr := &capped{max: 64 << 10, exceeded: cancel}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	switch {
	case stdout.over || stderr.over:
		return nil, fmt.Errorf("query interpreter %s: it printed more than %d KiB; stopped", exe, maxQueryOutput>>10)
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fmt.Errorf("query interpreter %s: no answer within %s; stopped", exe, queryTimeout)
	case err != nil:
		msg := strings.TrimSpace(stderr.buf.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return nil, fmt.Errorf("query interpreter %s: %v %s", exe, err, msg)
	}
	var q queryResult
	if err := json.Unmarshal(stdout.buf.Bytes(), &q); err != nil {
		return nil, fmt.Errorf("query interpreter %s: unexpected output: %v", exe, err)
	}
	if q.Markers["python_full_version"] == "" {
		return nil, fmt.Errorf("query interpreter %s: no version reported", exe)
	}
	return &q, nil
}

// capped keeps at most max bytes and stops the process beyond that.
type capped struct {
	buf      bytes.Buffer
	max      int
	over     bool
	exceeded func()
}

func (c *capped) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.max {
		c.over = true
		c.exceeded()
		return 0, fmt.Errorf("more than %d bytes", c.max)
	}
	return c.buf.Write(p)
}

func (q *queryResult) interpreter(exe string) Interpreter {
	return Interpreter{
		Path:           exe,
		Implementation: q.Markers["implementation_name"],
		Version:        q.Markers["python_full_version"],
		Markers:        pep508.Env(q.Markers),
		Executed:       true,
		Executable:     q.Executable,
		Prefix:         q.BasePrefix,
	}
}
