// Package upstream knows where the C libraries pysbom identifies are
// developed and how their releases are tagged, so that a component such
// as pkg:generic/openssl@3.0.13 can be matched against OSV records whose
// GIT ranges name the upstream repository and whose versions[] list the
// affected tags (specs/vulnerability-matching.md §10).
package upstream

import "strings"

// Project is an upstream repository and its release tag scheme.
type Project struct {
	Repo string // normalised repository URL (osv.NormalizeRepo form)
	tags func(v string) []string
}

// Tags returns the tag names release v may carry.
func (p Project) Tags(v string) []string {
	if v == "" {
		return nil
	}
	return p.tags(v)
}

func prefix(ps ...string) func(string) []string {
	return func(v string) []string {
		out := make([]string, 0, len(ps))
		for _, p := range ps {
			out = append(out, p+v)
		}
		return out
	}
}

func underscored(p string) func(string) []string {
	return func(v string) []string { return []string{p + strings.ReplaceAll(v, ".", "_")} }
}

var projects = map[string]Project{
	"openssl": {"github.com/openssl/openssl", func(v string) []string {
		return []string{"openssl-" + v, "OpenSSL_" + strings.ReplaceAll(v, ".", "_")}
	}},
	"libressl":      {"github.com/libressl/portable", prefix("v")},
	"zlib":          {"github.com/madler/zlib", prefix("v")},
	"zlib-ng":       {"github.com/zlib-ng/zlib-ng", prefix("", "v")},
	"expat":         {"github.com/libexpat/libexpat", underscored("R_")},
	"sqlite":        {"github.com/sqlite/sqlite", prefix("version-")},
	"libxml2":       {"gitlab.gnome.org/gnome/libxml2", prefix("v")},
	"bzip2":         {"gitlab.com/bzip2/bzip2", prefix("bzip2-")},
	"xz":            {"github.com/tukaani-project/xz", prefix("v")},
	"zstd":          {"github.com/facebook/zstd", prefix("v")},
	"lz4":           {"github.com/lz4/lz4", prefix("v")},
	"libpng":        {"github.com/pnggroup/libpng", prefix("v")},
	"libjpeg-turbo": {"github.com/libjpeg-turbo/libjpeg-turbo", prefix("")},
	"libtiff":       {"gitlab.com/libtiff/libtiff", prefix("v")},
	"libyaml":       {"github.com/yaml/libyaml", prefix("")},
	"libcurl":       {"github.com/curl/curl", underscored("curl-")},
	"pcre2":         {"github.com/pcre2project/pcre2", prefix("pcre2-")},
	"openblas":      {"github.com/openmathlib/openblas", prefix("v")},
	"libffi":        {"github.com/libffi/libffi", prefix("v")},
	"libwebp":       {"chromium.googlesource.com/webm/libwebp", prefix("v")},
	"freetype":      {"gitlab.freedesktop.org/freetype/freetype", underscored("VER-")},
	"mpdecimal":     {"www.bytereef.org/mpdecimal", prefix("")},
}

// names maps library file or SONAME stems to the project that ships
// them, where that differs: a scanner knows glibc and openssl, not libm
// and libssl.
var names = map[string]string{
	"libc": "glibc", "libm": "glibc", "libresolv": "glibc", "libpthread": "glibc", "libdl": "glibc", "librt": "glibc",
	"libutil": "glibc", "ld-linux-x86-64": "glibc", "ld-linux-aarch64": "glibc",
	"libssl": "openssl", "libcrypto": "openssl", "libbz2": "bzip2", "liblzma": "xz", "libz": "zlib", "libexpat": "expat",
	"libsqlite3": "sqlite", "libmpdec": "mpdecimal", "libncursesw": "ncurses", "libpanelw": "ncurses", "libtinfo": "ncurses",
	"libncurses": "ncurses", "libreadline": "readline", "libgdbm": "gdbm", "libgdbm_compat": "gdbm", "libuuid": "util-linux",
	"libtcl8.6": "tcl", "libtk8.6": "tk", "libgssapi_krb5": "krb5", "libkrb5": "krb5", "libk5crypto": "krb5",
	"libkrb5support": "krb5", "libcom_err": "e2fsprogs", "libffi": "libffi", "libcrypt": "libxcrypt", "libnsl": "libnsl",
	"libtirpc": "libtirpc", "libedit": "libedit", "libb2": "libb2", "curl": "libcurl",
}

// Name returns the project that ships a library, by the stem of its file
// name or SONAME ("libssl" and "libcrypto" are openssl, "libm" glibc);
// any other name is returned as it is.
func Name(lib string) string {
	if n, ok := names[lib]; ok {
		return n
	}
	if n, ok := names[strings.ToLower(lib)]; ok {
		return n
	}
	return lib
}

// Lookup returns the upstream project of a library by the name pysbom
// gives it (package libver), or by its library name (libz, libexpat, curl).
func Lookup(name string) (Project, bool) {
	p, ok := projects[strings.ToLower(Name(name))]
	return p, ok
}
