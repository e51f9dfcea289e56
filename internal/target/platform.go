package target

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/pysbom/pysbom/internal/rootfs"
)

// Platform is what an executable's header says of the machine and
// operating system an interpreter runs on, as Python's platform and sys
// modules name them.
type Platform struct {
	Machine  string // platform.machine(): "x86_64", "aarch64", "arm64", "AMD64"
	System   string // platform.system(): "Linux", "Darwin", "Windows"
	Sys      string // sys.platform: "linux", "darwin", "win32"
	OSName   string // os.name: "posix", "nt"
	Format   string // "ELF", "Mach-O", "PE"
	Guessed  string // why Machine is not certain, "" when it is
	realHost bool   // the platform of the machine pysbom runs on, not of a file
}

// ELF e_machine values and the names uname -m gives on Linux.
var elfMachines = map[uint16]string{
	3: "i686", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "armv7l",
	62: "x86_64", 183: "aarch64", 243: "riscv64", 258: "loongarch64",
}

// Mach-O CPU types, as platform.machine() names them on macOS.
var machoCPUs = map[uint32]string{7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000c: "arm64", 0x01000012: "ppc64"}

// PE machine values, as platform.machine() names them on Windows.
var peMachines = map[uint16]string{0x14c: "x86", 0x8664: "AMD64", 0xaa64: "ARM64", 0x1c4: "ARM"}

// headerSize is all of a file an executable's platform is read from
// (the PE header is at the offset the DOS header names, within it).
const headerSize = 4096

// readPlatform reads the platform from the header of an ELF, Mach-O or PE
// executable. It reads at most headerSize bytes and never runs the file.
func readPlatform(path string) (Platform, error) {
	f, _, err := rootfs.OpenRegular(path)
	if err != nil {
		return Platform{}, err
	}
	defer f.Close()
	buf := make([]byte, headerSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return Platform{}, fmt.Errorf("%s: %v", path, err)
	}
	p, err := parsePlatform(buf[:n])
	if err != nil {
		return Platform{}, fmt.Errorf("%s: %v", path, err)
	}
	return p, nil
}

// parsePlatform reads the platform from the first bytes of an executable.
func parsePlatform(b []byte) (Platform, error) {
	switch {
	case len(b) >= 20 && string(b[:4]) == "\x7fELF":
		var bo binary.ByteOrder = binary.LittleEndian
		if b[5] == 2 {
			bo = binary.BigEndian
		}
		em := bo.Uint16(b[18:20])
		m, ok := elfMachines[em]
		if !ok {
			return Platform{}, fmt.Errorf("ELF machine %d is not one Python names", em)
		}
		if em == 21 && b[5] == 1 {
			m = "ppc64le"
		}
		p := Platform{Machine: m, System: "Linux", Sys: "linux", OSName: "posix", Format: "ELF"}
		switch b[7] { // EI_OSABI
		case 9:
			p.System, p.Sys = "FreeBSD", "freebsd"
		case 12:
			p.System, p.Sys = "OpenBSD", "openbsd"
		case 2:
			p.System, p.Sys = "NetBSD", "netbsd"
		}
		if em == 40 || em == 3 {
			p.Guessed = "uname -m on a 32-bit system depends on the kernel, not on the executable"
		}
		return p, nil
	case len(b) >= 8 && (string(b[:4]) == "\xcf\xfa\xed\xfe" || string(b[:4]) == "\xce\xfa\xed\xfe"):
		cpu := binary.LittleEndian.Uint32(b[4:8])
		m, ok := machoCPUs[cpu]
		if !ok {
			return Platform{}, fmt.Errorf("Mach-O CPU type %#x is not one Python names", cpu)
		}
		return Platform{Machine: m, System: "Darwin", Sys: "darwin", OSName: "posix", Format: "Mach-O"}, nil
	case len(b) >= 8 && string(b[:4]) == "\xca\xfe\xba\xbe" && binary.BigEndian.Uint32(b[4:8]) < 32:
		// A universal binary runs as whichever architecture the Mac has.
		p := Platform{Machine: "arm64", System: "Darwin", Sys: "darwin", OSName: "posix", Format: "Mach-O",
			Guessed: "a universal binary runs as the architecture of the Mac it is on"}
		if runtime.GOOS == "darwin" {
			p.Machine = hostMachine()
		}
		return p, nil
	case len(b) >= 0x40 && string(b[:2]) == "MZ":
		off := int(binary.LittleEndian.Uint32(b[0x3c:0x40]))
		if off < 0 || off+6 > len(b) || string(b[off:off+4]) != "PE\x00\x00" {
			return Platform{}, fmt.Errorf("no PE header within the first %d bytes", len(b))
		}
		mach := binary.LittleEndian.Uint16(b[off+4 : off+6])
		m, ok := peMachines[mach]
		if !ok {
			return Platform{}, fmt.Errorf("PE machine %#x is not one Python names", mach)
		}
		return Platform{Machine: m, System: "Windows", Sys: "win32", OSName: "nt", Format: "PE"}, nil
	}
	return Platform{}, fmt.Errorf("not an ELF, Mach-O or PE executable")
}

// hostPlatform is the platform of the machine pysbom runs on.
func hostPlatform() Platform {
	p := Platform{Machine: hostMachine(), OSName: "posix", Sys: runtime.GOOS, realHost: true}
	switch runtime.GOOS {
	case "linux":
		p.System = "Linux"
	case "darwin":
		p.System = "Darwin"
	case "windows":
		p.OSName, p.Sys, p.System = "nt", "win32", "Windows"
	default:
		p.System = strings.ToUpper(runtime.GOOS[:1]) + runtime.GOOS[1:]
	}
	return p
}

func hostMachine() string {
	if runtime.GOOS == "windows" {
		return map[string]string{"amd64": "AMD64", "arm64": "ARM64", "386": "x86"}[runtime.GOARCH]
	}
	if runtime.GOOS == "darwin" && runtime.GOARCH == "arm64" {
		return "arm64"
	}
	if m := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[runtime.GOARCH]; m != "" {
		return m
	}
	return runtime.GOARCH
}

// kernel is platform.release() and platform.version() of this machine,
// which an interpreter of this machine's operating system reports; ""
// elsewhere.
func kernel(p Platform) (release, version string) {
	if runtime.GOOS != "linux" || p.Sys != "linux" {
		return "", ""
	}
	r, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	v, _ := os.ReadFile("/proc/sys/kernel/version")
	return strings.TrimSpace(string(r)), strings.TrimSpace(string(v))
}
