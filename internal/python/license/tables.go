package license

import "strings"

// ids maps lower-cased SPDX license identifiers to their canonical case.
// It holds the identifiers of the SPDX license list that Python packages
// use in practice; anything else is kept as declared text.
var ids = func() map[string]string {
	m := map[string]string{}
	for _, id := range strings.Fields(`
0BSD AFL-2.1 AFL-3.0 AGPL-1.0-only AGPL-1.0-or-later AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later
Apache-1.0 Apache-1.1 Apache-2.0 APSL-2.0 Artistic-1.0 Artistic-2.0 Beerware BlueOak-1.0.0
BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear BSD-3-Clause-LBNL
BSD-4-Clause BSL-1.0 bzip2-1.0.6 CAL-1.0 CC-BY-3.0 CC-BY-4.0 CC-BY-SA-3.0 CC-BY-SA-4.0 CC-BY-NC-4.0
CC-BY-NC-SA-4.0 CC0-1.0 CDDL-1.0 CDDL-1.1 CECILL-2.1 CECILL-B CECILL-C CNRI-Python CPL-1.0 curl
ECL-2.0 EFL-2.0 EPL-1.0 EPL-2.0 EUPL-1.0 EUPL-1.1 EUPL-1.2 FSFAP FTL GFDL-1.3-only GFDL-1.3-or-later
GPL-1.0-only GPL-1.0-or-later GPL-2.0 GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0-only
GPL-3.0-or-later HPND HPND-sell-variant ICU IJG Info-ZIP IPL-1.0 ISC JSON LGPL-2.0-only
LGPL-2.0-or-later LGPL-2.1 LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0-only LGPL-3.0-or-later
Libpng libpng-2.0 LPL-1.02 LPPL-1.3c MIT MIT-0 MIT-CMU MIT-Modern-Variant MPL-1.0 MPL-1.1 MPL-2.0
MPL-2.0-no-copyleft-exception MS-PL MS-RL MulanPSL-2.0 NCSA NTP OFL-1.1 OpenSSL OSL-3.0 PHP-3.01
PostgreSQL PSF-2.0 Python-2.0 Python-2.0.1 Qhull Ruby SGI-B-2.0 Sleepycat SSPL-1.0 TCL
Unicode-3.0 Unicode-DFS-2016 Unlicense UPL-1.0 Vim W3C W3C-20150513 WTFPL X11 XFree86-1.1 Zlib
zlib-acknowledgement ZPL-2.0 ZPL-2.1`) {
		m[strings.ToLower(id)] = id
	}
	return m
}()

// exceptions maps lower-cased SPDX exception identifiers to their case.
var exceptions = map[string]string{
	"classpath-exception-2.0": "Classpath-exception-2.0", "llvm-exception": "LLVM-exception",
	"gcc-exception-3.1": "GCC-exception-3.1", "autoconf-exception-3.0": "Autoconf-exception-3.0",
	"bison-exception-2.2": "Bison-exception-2.2", "font-exception-2.0": "Font-exception-2.0",
	"openssl-exception": "OpenSSL-exception", "qt-gpl-exception-1.0": "Qt-GPL-exception-1.0",
	"swift-exception": "Swift-exception",
}

// aliases maps free-text License values (in canon form) that name exactly
// one license to its SPDX identifier.
var aliases = map[string]string{
	"mit license": "MIT", "the mit license": "MIT", "mit": "MIT", "expat": "MIT", "mit/expat": "MIT",
	"apache 2.0": "Apache-2.0", "apache 2": "Apache-2.0", "apache-2": "Apache-2.0",
	"apache license 2.0": "Apache-2.0", "apache license version 2.0": "Apache-2.0",
	"apache software license 2.0": "Apache-2.0", "apache license v2": "Apache-2.0",
	"apache license v2.0": "Apache-2.0", "asl 2": "Apache-2.0", "asl 2.0": "Apache-2.0",
	"apache software license version 2.0": "Apache-2.0", "apache2": "Apache-2.0",
	"bsd 3-clause license": "BSD-3-Clause", "bsd 3-clause": "BSD-3-Clause", "3-clause bsd": "BSD-3-Clause",
	"3-clause bsd license": "BSD-3-Clause", "new bsd license": "BSD-3-Clause", "new bsd": "BSD-3-Clause",
	"modified bsd license": "BSD-3-Clause", "revised bsd license": "BSD-3-Clause",
	"bsd 2-clause license": "BSD-2-Clause", "bsd 2-clause": "BSD-2-Clause", "2-clause bsd": "BSD-2-Clause",
	"simplified bsd license": "BSD-2-Clause", "freebsd license": "BSD-2-Clause",
	"isc license": "ISC", "isc": "ISC", "iscl": "ISC",
	"mpl 2.0": "MPL-2.0", "mozilla public license 2.0": "MPL-2.0",
	"psf license": "PSF-2.0", "psf": "PSF-2.0", "python software foundation license": "PSF-2.0",
	"gplv2": "GPL-2.0-only", "gplv2+": "GPL-2.0-or-later", "gplv3": "GPL-3.0-only", "gplv3+": "GPL-3.0-or-later",
	"lgplv3": "LGPL-3.0-only", "lgplv3+": "LGPL-3.0-or-later", "lgplv2.1": "LGPL-2.1-only",
	"lgplv2.1+": "LGPL-2.1-or-later", "agplv3": "AGPL-3.0-only", "agplv3+": "AGPL-3.0-or-later",
	"the unlicense": "Unlicense", "unlicense": "Unlicense", "cc0": "CC0-1.0", "zlib license": "Zlib",
	"zlib/libpng": "Zlib", "boost software license 1.0": "BSL-1.0", "eclipse public license 2.0": "EPL-2.0",
}

// classifiers maps trove license classifiers to SPDX identifiers. An empty
// value marks a classifier that names no single license version.
var classifiers = map[string]string{
	"License :: OSI Approved :: MIT License":                                                "MIT",
	"License :: OSI Approved :: MIT No Attribution License (MIT-0)":                         "MIT-0",
	"License :: OSI Approved :: Apache Software License":                                    "",
	"License :: OSI Approved :: BSD License":                                                "",
	"License :: OSI Approved :: ISC License (ISCL)":                                         "ISC",
	"License :: OSI Approved :: Python Software Foundation License":                         "PSF-2.0",
	"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)":                       "MPL-2.0",
	"License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)":                       "MPL-1.1",
	"License :: OSI Approved :: Mozilla Public License 1.0 (MPL)":                           "MPL-1.0",
	"License :: OSI Approved :: GNU General Public License v2 (GPLv2)":                      "GPL-2.0-only",
	"License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)":            "GPL-2.0-or-later",
	"License :: OSI Approved :: GNU General Public License v3 (GPLv3)":                      "GPL-3.0-only",
	"License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)":            "GPL-3.0-or-later",
	"License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)":              "LGPL-2.0-only",
	"License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)":    "LGPL-2.0-or-later",
	"License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)":              "LGPL-3.0-only",
	"License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)":    "LGPL-3.0-or-later",
	"License :: OSI Approved :: GNU Affero General Public License v3":                       "AGPL-3.0-only",
	"License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)":    "AGPL-3.0-or-later",
	"License :: OSI Approved :: The Unlicense (Unlicense)":                                  "Unlicense",
	"License :: OSI Approved :: zlib/libpng License":                                        "Zlib",
	"License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)":                       "BSL-1.0",
	"License :: OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)":                       "EPL-1.0",
	"License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)":                       "EPL-2.0",
	"License :: OSI Approved :: European Union Public Licence 1.0 (EUPL 1.0)":               "EUPL-1.0",
	"License :: OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)":               "EUPL-1.1",
	"License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)":               "EUPL-1.2",
	"License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)":         "HPND",
	"License :: OSI Approved :: Universal Permissive License (UPL)":                         "UPL-1.0",
	"License :: OSI Approved :: PostgreSQL License":                                         "PostgreSQL",
	"License :: OSI Approved :: Python License (CNRI Python License)":                       "CNRI-Python",
	"License :: OSI Approved :: W3C License":                                                "W3C",
	"License :: OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
	"License :: OSI Approved :: Blue Oak Model License (BlueOak-1.0.0)":                     "BlueOak-1.0.0",
	"License :: OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)":        "MulanPSL-2.0",
	"License :: OSI Approved :: Zero-Clause BSD (0BSD)":                                     "0BSD",
	"License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication":                       "CC0-1.0",
}
