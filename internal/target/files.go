package target

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pysbom/pysbom/internal/python/pep508"
	"github.com/pysbom/pysbom/internal/rootfs"
)

// The interpreter facts of an installation are read from its files, never
// by running it:
//
//   - the version from PY_VERSION in include/pythonX.Y*/patchlevel.h, else
//     the version pyvenv.cfg records, else PY_VERSION among the strings of
//     the executable or libpython;
//   - the implementation from the installation's layout (PyPy's
//     lib/pypyX.Y and libpypy*-c), PyPy's version from PYPY_VERSION;
//   - the machine and operating system from the ELF, Mach-O or PE header
//     of the executable (else libpython, else a lib-dynload module);
//   - platform_release and platform_version, which Python takes from the
//     running kernel, from this machine's kernel when the installation is
//     for this machine's operating system.

// maxVersionScan bounds how much of a binary is searched for PY_VERSION.
const maxVersionScan = 256 << 20

// maxHeaderFile bounds patchlevel.h and pyvenv.cfg.
const maxHeaderFile = 1 << 20

var (
	pyVersionRE   = regexp.MustCompile(`(?m)^#define\s+PY_VERSION\s+"([^"]+)"`)
	pypyVersionRE = regexp.MustCompile(`(?m)^#define\s+PYPY_VERSION\s+"([^"]+)"`)
	fullVersionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?(\+)?$`)
)

// installation is what the files of a Python installation say.
type installation struct {
	prefix string // the installation prefix
	exe    string // its executable, "" when none was found
	minor  string // "3.11"
	// cfg is pyvenv.cfg of a virtualenv on top of the installation.
	cfg map[string]string
}

// fromFiles derives the interpreter facts of an installation from its
// files. Notes say what could not be read from them and what was
// assumed instead.
func fromFiles(in installation) (Interpreter, []string) {
	var notes []string
	ip := Interpreter{Path: in.exe, Executable: in.exe, Prefix: in.prefix}
	impl := "cpython"
	if isPyPy(in) {
		impl = "pypy"
	}
	version, from, pypyVersion := installedVersion(in)
	if version == "" {
		version = in.minor
		notes = append(notes, fmt.Sprintf("no file gave the full version of the interpreter in %s; markers use %s", in.prefix, orUnknown(in.minor)))
	}
	ip.Version, ip.VersionFrom = version, from
	plat, platFrom, err := installedPlatform(in)
	if err != nil {
		notes = append(notes, fmt.Sprintf("no executable of the interpreter in %s could be read (%v); markers use this machine's platform", in.prefix, err))
	} else if plat.Guessed != "" {
		notes = append(notes, fmt.Sprintf("platform_machine %s from %s is assumed: %s", plat.Machine, platFrom, plat.Guessed))
	}
	ip.PlatformFrom = platFrom
	ip.Implementation = impl
	ip.Markers = markers(impl, version, pypyVersion, plat)
	return ip, notes
}

// markers are the PEP 508 marker values of an interpreter, as
// packaging's default_environment() computes them.
func markers(impl, version, pypyVersion string, plat Platform) pep508.Env {
	minor := version
	if parts := strings.SplitN(version, ".", 3); len(parts) == 3 {
		minor = parts[0] + "." + parts[1]
	}
	full := version
	if strings.Count(full, ".") == 1 {
		full += ".0"
	}
	implName, implVersion, platImpl := impl, implementationVersion(full), "CPython"
	switch {
	case impl == "pypy":
		platImpl = "PyPy"
		if pypyVersion != "" {
			implVersion = implementationVersion(pypyVersion)
		}
	case strings.HasPrefix(version, "2."):
		// Python 2 has no sys.implementation: packaging gives "" and "0".
		implName, implVersion = "", "0"
	}
	release, kversion := kernel(plat)
	if plat.Sys == "linux" && linux2(version) {
		plat.Sys = "linux2" // before Python 3.3, sys.platform named the kernel's major version
	}
	return pep508.Env{
		"implementation_name": implName, "implementation_version": implVersion,
		"os_name": plat.OSName, "platform_machine": plat.Machine, "platform_python_implementation": platImpl,
		"platform_release": release, "platform_system": plat.System, "platform_version": kversion,
		"python_full_version": full, "python_version": minor, "sys_platform": plat.Sys,
	}
}

// linux2 reports whether version predates Python 3.3.
func linux2(version string) bool {
	m := fullVersionRE.FindStringSubmatch(version)
	if m == nil {
		parts := strings.SplitN(version, ".", 3)
		if len(parts) < 2 {
			return false
		}
		m = []string{"", parts[0], parts[1]}
	}
	return m[1] == "2" || m[1] == "3" && len(m[2]) == 1 && m[2] < "3"
}

// implementationVersion formats a version as packaging's
// format_full_version(sys.implementation.version) does: 3.13.0rc1 is
// "3.13.0c1" (the release level's first letter, then the serial).
func implementationVersion(v string) string {
	m := fullVersionRE.FindStringSubmatch(v)
	if m == nil {
		return v
	}
	out := m[1] + "." + m[2] + "." + m[3]
	switch m[4] {
	case "a", "b":
		out += m[4] + m[5]
	case "rc":
		out += "c" + m[5]
	}
	return out
}

func isPyPy(in installation) bool {
	if strings.EqualFold(in.cfg["implementation"], "pypy") || strings.HasPrefix(filepath.Base(in.exe), "pypy") {
		return true
	}
	for _, pattern := range []string{"lib/pypy*", "bin/libpypy*-c.*", "lib/libpypy*-c.*", "libpypy*-c.*"} {
		if m, _ := filepath.Glob(filepath.Join(in.prefix, pattern)); len(m) > 0 {
			return true
		}
	}
	return false
}

// installedVersion finds the full version and the file it came from.
func installedVersion(in installation) (version, from, pypyVersion string) {
	for _, pattern := range []string{"include/python" + in.minor + "*/patchlevel.h", "include/pypy" + in.minor + "/patchlevel.h", "include/patchlevel.h"} {
		files, _ := filepath.Glob(filepath.Join(in.prefix, pattern))
		slices.Sort(files)
		for _, f := range files {
			data, err := rootfs.ReadRegular(f, maxHeaderFile)
			if err != nil {
				continue
			}
			m := pyVersionRE.FindSubmatch(data)
			if m == nil || !strings.HasPrefix(string(m[1]), in.minor+".") {
				continue
			}
			if p := pypyVersionRE.FindSubmatch(data); p != nil {
				pypyVersion = string(p[1])
			}
			return string(m[1]), f, pypyVersion
		}
	}
	if v := cfgVersion(in.cfg); v != "" && (in.minor == "" || strings.HasPrefix(v, in.minor+".")) {
		return v, "pyvenv.cfg", ""
	}
	if in.minor == "" {
		return "", "", ""
	}
	for _, bin := range coreBinaries(in) {
		if v := versionInBinary(bin, in.minor); v != "" {
			return v, bin, ""
		}
	}
	return "", "", ""
}

// cfgVersion is the interpreter version pyvenv.cfg records: venv's
// "version = 3.12.1", virtualenv's and uv's "version_info =
// 3.13.0.candidate.1".
func cfgVersion(cfg map[string]string) string {
	v := cfg["version_info"]
	if v == "" {
		v = cfg["version"]
	}
	parts := strings.Split(strings.TrimSpace(v), ".")
	if len(parts) < 3 {
		if len(parts) == 2 && parts[0] != "" {
			return v
		}
		return ""
	}
	out := strings.Join(parts[:3], ".")
	if len(parts) >= 5 {
		switch parts[3] {
		case "alpha":
			out += "a" + parts[4]
		case "beta":
			out += "b" + parts[4]
		case "candidate":
			out += "rc" + parts[4]
		}
	}
	if !fullVersionRE.MatchString(out) {
		return ""
	}
	return out
}

// coreBinaries are the files that hold the interpreter's code: its
// executable and libpython.
func coreBinaries(in installation) []string {
	var out []string
	if in.exe != "" {
		out = append(out, in.exe)
	}
	for _, pattern := range []string{"lib/libpython" + in.minor + "*.so*", "lib/libpython" + in.minor + "*.dylib", "python" + strings.ReplaceAll(in.minor, ".", "") + ".dll"} {
		m, _ := filepath.Glob(filepath.Join(in.prefix, pattern))
		slices.Sort(m)
		out = append(out, m...)
	}
	return out
}

// versionInBinary finds PY_VERSION among the NUL-terminated strings of a
// binary: a string of its own that is the minor version followed by a
// micro version and, for a pre-release, its level and serial. It reads
// the file in chunks, at most maxVersionScan bytes of it.
func versionInBinary(path, minor string) string {
	f, _, err := rootfs.OpenRegular(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	needle := []byte("\x00" + minor + ".")
	const chunk, keep = 1 << 20, 32 // keep: a candidate's longest length
	buf := make([]byte, 0, chunk+keep)
	var read int64
	for read < maxVersionScan {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		read += int64(n)
		eof := err != nil || n == 0
		if v, ok := versionIn(buf, needle, eof); ok {
			return v
		}
		if eof {
			return ""
		}
		if len(buf) > keep {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
	}
	return ""
}

// versionIn looks for a version string after each needle in b; a match
// too close to b's end to be complete is left for the next chunk unless
// b is the end of the file.
func versionIn(b, needle []byte, eof bool) (string, bool) {
	for off := 0; ; {
		i := bytes.Index(b[off:], needle)
		if i < 0 {
			return "", false
		}
		start := off + i + 1
		off = start
		end := bytes.IndexByte(b[start:], 0)
		if end < 0 {
			if !eof && len(b)-start < 32 {
				return "", false // may continue in the next chunk
			}
			continue
		}
		if end > 24 {
			continue
		}
		if s := string(b[start : start+end]); fullVersionRE.MatchString(s) {
			return s, true
		}
	}
}

// installedPlatform reads the platform from the first of the
// installation's binaries that has a readable header.
func installedPlatform(in installation) (Platform, string, error) {
	cands := coreBinaries(in)
	mods, _ := filepath.Glob(filepath.Join(in.prefix, "lib", "python"+in.minor, "lib-dynload", "*.so"))
	slices.Sort(mods)
	if len(mods) > 0 {
		cands = append(cands, mods[0])
	}
	var firstErr error
	for _, c := range cands {
		p, err := readPlatform(c)
		if err == nil {
			return p, c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("no executable, libpython or extension module found")
	}
	return hostPlatform(), "", firstErr
}

// LinuxMarkers are the PEP 508 marker values of a CPython on Linux known
// only from its files (an interpreter inside an image): version and
// machine ("x86_64"); the kernel's are left empty, being the host's at run time.
func LinuxMarkers(version, machine string) pep508.Env {
	return LinuxMarkersOf("cpython", version, "", machine)
}

// LinuxMarkersOf is LinuxMarkers for an implementation ("cpython",
// "pypy" with its own version pypyVersion).
func LinuxMarkersOf(impl, version, pypyVersion, machine string) pep508.Env {
	env := markers(impl, version, pypyVersion, Platform{Machine: machine, System: "Linux", Sys: "linux", OSName: "posix"})
	env["platform_release"], env["platform_version"] = "", ""
	return env
}
