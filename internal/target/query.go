package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"runtime"
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

// query runs the interpreter in isolated mode and reads its facts.
func query(ctx context.Context, exe string) (*queryResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-E", "-s", "-S", "-c", queryScript)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return nil, fmt.Errorf("query interpreter %s: %v %s", exe, err, msg)
	}
	var q queryResult
	if err := json.Unmarshal(stdout.Bytes(), &q); err != nil {
		return nil, fmt.Errorf("query interpreter %s: unexpected output: %v", exe, err)
	}
	if q.Markers["python_full_version"] == "" {
		return nil, fmt.Errorf("query interpreter %s: no version reported", exe)
	}
	return &q, nil
}

func (q *queryResult) interpreter(exe string) Interpreter {
	return Interpreter{
		Path:           exe,
		Implementation: q.Markers["implementation_name"],
		Version:        q.Markers["python_full_version"],
		Markers:        pep508.Env(q.Markers),
		Queried:        true,
		Executable:     q.Executable,
		Prefix:         q.BasePrefix,
	}
}

// hostInterpreter approximates the marker values of a CPython of the given
// version on the machine pysbom runs on.
func hostInterpreter(version string) Interpreter {
	osName, sysPlatform, system := "posix", runtime.GOOS, ""
	switch runtime.GOOS {
	case "linux":
		system = "Linux"
	case "darwin":
		system = "Darwin"
	case "windows":
		osName, sysPlatform, system = "nt", "win32", "Windows"
	default:
		system = strings.ToUpper(runtime.GOOS[:1]) + runtime.GOOS[1:]
	}
	machine := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[runtime.GOARCH]
	if machine == "" {
		machine = runtime.GOARCH
	}
	if runtime.GOOS == "darwin" && runtime.GOARCH == "arm64" {
		machine = "arm64"
	}
	minor := version
	if parts := strings.Split(version, "."); len(parts) > 2 {
		minor = parts[0] + "." + parts[1]
	}
	full := version
	if strings.Count(full, ".") == 1 {
		full += ".0"
	}
	return Interpreter{
		Implementation: "cpython",
		Version:        version,
		Markers: pep508.Env{
			"implementation_name": "cpython", "implementation_version": full, "os_name": osName,
			"platform_machine": machine, "platform_python_implementation": "CPython",
			"platform_system": system, "python_full_version": full, "python_version": minor,
			"sys_platform": sysPlatform,
		},
	}
}
