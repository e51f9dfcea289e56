package target

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/fixture"
	"github.com/pysbom/pysbom/internal/testutil/realdata"
)

func TestResolveFixtures(t *testing.T) {
	root := t.TempDir()
	venv := filepath.Join(root, "venv")
	fixture.WriteFile(t, filepath.Join(venv, "pyvenv.cfg"), "home = /usr/bin\nversion_info = 3.12.1.final.0\n")
	fixture.WriteFile(t, filepath.Join(venv, "lib/python3.12/site-packages/a-1.dist-info/METADATA"), "Name: a\nVersion: 1\n")
	site := filepath.Join(root, "prefix/lib/python3.10/site-packages")
	fixture.WriteFile(t, filepath.Join(site, "b-2.dist-info/METADATA"), "Name: b\nVersion: 2\n")
	notenv := filepath.Join(root, "empty")
	os.MkdirAll(notenv, 0o755)

	ctx := context.Background()
	noExec := Options{Getenv: func(string) string { return "" }}
	tests := []struct {
		arg, kind, version string
		sites              int
	}{
		{venv, "venv", "3.12.1", 1},
		{site, "site-packages", "3.10", 1},
		{filepath.Join(root, "prefix"), "prefix", "3.10", 1},
	}
	for _, tt := range tests {
		env, err := Resolve(ctx, tt.arg, noExec)
		if err != nil {
			t.Errorf("Resolve(%s): %v", tt.arg, err)
			continue
		}
		if env.Kind != tt.kind || env.Interpreter.Version != tt.version || len(env.SiteDirs) != tt.sites {
			t.Errorf("Resolve(%s) = kind %s version %s sites %v", tt.arg, env.Kind, env.Interpreter.Version, env.SiteDirs)
		}
		if env.Interpreter.Markers["python_version"] != tt.version[:4] || len(env.Notes) == 0 {
			t.Errorf("Resolve(%s): markers %v notes %v", tt.arg, env.Interpreter.Markers, env.Notes)
		}
	}
	// A venv that includes the system site-packages lists the base's after its own.
	base := filepath.Join(root, "base")
	fixture.WriteFile(t, filepath.Join(base, "lib/python3.12/site-packages/c-1.dist-info/METADATA"), "Name: c\nVersion: 1\n")
	sysvenv := filepath.Join(root, "sysvenv")
	fixture.WriteFile(t, filepath.Join(sysvenv, "pyvenv.cfg"), "home = "+filepath.Join(base, "bin")+"\ninclude-system-site-packages = true\nversion = 3.12.1\n")
	fixture.WriteFile(t, filepath.Join(sysvenv, "lib/python3.12/site-packages/c-2.dist-info/METADATA"), "Name: c\nVersion: 2\n")
	env, err := Resolve(ctx, sysvenv, noExec)
	if err != nil || len(env.SiteDirs) != 2 || !strings.HasPrefix(env.SiteDirs[0], sysvenv) || !strings.HasPrefix(env.SiteDirs[1], base) {
		t.Errorf("system-site venv: %+v, %v", env, err)
	}

	_, err = Resolve(ctx, notenv, noExec)
	var ne *NotEnvironmentError
	if !errors.As(err, &ne) || !errors.Is(err, ErrNotEnvironment) || ne.Hint() == "" {
		t.Errorf("Resolve(empty dir) err = %v, want NotEnvironmentError", err)
	}
	// $VIRTUAL_ENV is the default target.
	env, err = Resolve(ctx, "", Options{Getenv: func(k string) string {
		if k == "VIRTUAL_ENV" {
			return venv
		}
		return ""
	}})
	if err != nil || env.Path != venv {
		t.Errorf("Resolve(\"\") with VIRTUAL_ENV = %v, %v", env, err)
	}
}

// TestFilesAgreeWithInterpreter: on every pyenv version and Debian's
// python3, the marker values read from files equal what the interpreter
// reports when run, and so do the site directories.
func TestFilesAgreeWithInterpreter(t *testing.T) {
	var targets []string
	if root := os.Getenv("PYENV_ROOT"); root != "" || true {
		dirs, _ := filepath.Glob(filepath.Join(pyenvRoot(), "versions", "*"))
		targets = append(targets, dirs...)
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		targets = append(targets, "/usr/bin/python3")
	}
	// A virtualenv made by the test (running Python here is the test's
	// doing, not pysbom's).
	for _, py := range []string{filepath.Join(pyenvRoot(), "versions", "3.12.1", "bin", "python3.12"), "/usr/bin/python3"} {
		venv := filepath.Join(t.TempDir(), "venv")
		if err := exec.Command(py, "-m", "venv", "--without-pip", venv).Run(); err == nil {
			targets = append(targets, venv)
		}
	}
	if len(targets) == 0 {
		t.Skip("no pyenv versions and no /usr/bin/python3 on this machine")
	}
	keys := []string{"python_version", "python_full_version", "platform_machine", "sys_platform", "implementation_name",
		"implementation_version", "os_name", "platform_system", "platform_python_implementation", "platform_release", "platform_version"}
	ctx := context.Background()
	for _, tgt := range targets {
		files, err := Resolve(ctx, tgt, Options{})
		if err != nil {
			t.Errorf("%s from files: %v", tgt, err)
			continue
		}
		ran, err := Resolve(ctx, tgt, Options{Exec: true})
		if err != nil {
			t.Errorf("%s executed: %v", tgt, err)
			continue
		}
		if files.Interpreter.Executed || !ran.Interpreter.Executed {
			t.Errorf("%s: executed %v from files, %v when asked", tgt, files.Interpreter.Executed, ran.Interpreter.Executed)
		}
		for _, k := range keys {
			if f, r := files.Interpreter.Markers[k], ran.Interpreter.Markers[k]; f != r {
				t.Errorf("%s: %s = %q from files, %q from the interpreter (version from %s, platform from %s)",
					tgt, k, f, r, files.Interpreter.VersionFrom, files.Interpreter.PlatformFrom)
			}
		}
		if files.Interpreter.Version != ran.Interpreter.Version {
			t.Errorf("%s: version %s from files, %s from the interpreter", tgt, files.Interpreter.Version, ran.Interpreter.Version)
		}
		if !reflect.DeepEqual(files.SiteDirs, ran.SiteDirs) {
			t.Errorf("%s: site directories %v from files, %v from the interpreter", tgt, files.SiteDirs, ran.SiteDirs)
		}
		if files.Interpreter.VersionFrom == "" || files.Interpreter.PlatformFrom == "" || len(files.Notes) > 0 {
			t.Errorf("%s: version from %q, platform from %q, notes %v", tgt, files.Interpreter.VersionFrom, files.Interpreter.PlatformFrom, files.Notes)
		}
	}
}

func pyenvRoot() string {
	if r := os.Getenv("PYENV_ROOT"); r != "" {
		return r
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".pyenv")
}

func TestResolveInterpreterExecutable(t *testing.T) {
	root := realdata.PyenvRoot(t)
	exe := filepath.Join(root, "versions", "3.11.7", "bin", "python3.11")
	if _, err := os.Stat(exe); err != nil {
		t.Skip("no pyenv 3.11.7 interpreter")
	}
	env, err := Resolve(context.Background(), exe, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "versions", "3.11.7", "lib", "python3.11", "site-packages")
	if env.Kind != "interpreter" || env.Interpreter.Version != "3.11.7" || !slicesContains(env.SiteDirs, want) {
		t.Errorf("Resolve(%s) = %+v", exe, env)
	}
	if env.Interpreter.Markers["sys_platform"] != "linux" || env.Interpreter.Markers["implementation_name"] != "cpython" {
		t.Errorf("markers = %v", env.Interpreter.Markers)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
