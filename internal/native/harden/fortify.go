package harden

import "slices"

// fortifiable is glibc's set of functions with a __<name>_chk variant
// that compilers emit under _FORTIFY_SOURCE (specs/native-audit.md), sorted.
var fortifiable = func() []string {
	s := []string{
		"memcpy", "memmove", "mempcpy", "memset", "stpcpy", "stpncpy", "strcat", "strcpy", "strncat", "strncpy",
		"sprintf", "snprintf", "vsprintf", "vsnprintf", "printf", "fprintf", "vprintf", "vfprintf", "dprintf",
		"vdprintf", "asprintf", "vasprintf", "fgets", "fgets_unlocked", "fread", "fread_unlocked", "read", "pread",
		"pread64", "recv", "recvfrom", "readlink", "readlinkat", "getcwd", "getwd", "gets", "realpath", "confstr",
		"getgroups", "gethostname", "getdomainname", "ttyname_r", "getlogin_r", "wcscpy", "wcsncpy", "wcscat",
		"wcsncat", "wmemcpy", "wmemmove", "wmemset", "wcrtomb", "mbstowcs", "wcstombs", "swprintf", "vswprintf",
		"wprintf", "fwprintf", "poll", "ppoll", "syslog", "vsyslog", "longjmp", "explicit_bzero", "obstack_printf",
		"obstack_vprintf", "fdelt", "ptsname_r", "mbsnrtowcs", "mbsrtowcs", "wcsnrtombs", "wcsrtombs", "wctomb",
		"fgetws", "fgetws_unlocked", "memset_explicit", "strlcpy", "strlcat", "wcslcpy", "wcslcat",
	}
	slices.Sort(s)
	return s
}()

// rustStd is what every Rust std build imports from libc; these say
// nothing about how C code was compiled (spec §(a) row 6).
var rustStd = []string{"getcwd", "memcpy", "memmove", "memset", "poll", "read", "readlink", "realpath"}

// Fortifiable reports whether glibc has a _FORTIFY_SOURCE variant of name.
func Fortifiable(name string) bool {
	_, ok := slices.BinarySearch(fortifiable, name)
	return ok
}
