package license

import "testing"

func TestFromMetadata(t *testing.T) {
	tests := []struct {
		name        string
		expr, lic   string
		classifiers []string
		want        Result
	}{
		{"pep639", "Apache-2.0 OR BSD-3-Clause", "", nil, Result{"Apache-2.0 OR BSD-3-Clause", "Apache-2.0 OR BSD-3-Clause", "License-Expression"}},
		{"pep639 case", "mit", "", nil, Result{"MIT", "mit", "License-Expression"}},
		{"pep639 invalid", "MIT or whatever", "", nil, Result{"", "MIT or whatever", "License-Expression"}},
		{"license spdx", "", "MIT OR Apache-2.0", []string{"License :: OSI Approved :: MIT License"}, Result{"MIT OR Apache-2.0", "MIT OR Apache-2.0", "License"}},
		{"license alias", "", "Apache License 2.0", []string{"License :: OSI Approved :: Apache Software License"}, Result{"Apache-2.0", "Apache License 2.0", "License"}},
		{"license alias asl", "", "ASL 2", nil, Result{"Apache-2.0", "ASL 2", "License"}},
		{"license mit text", "", "MIT license", nil, Result{"MIT", "MIT license", "License"}},
		{"bsd ambiguous", "", "BSD", []string{"License :: OSI Approved :: BSD License"}, Result{"", "BSD", "License"}},
		{"unknown then classifier", "", "UNKNOWN", []string{"License :: OSI Approved :: ISC License (ISCL)"}, Result{"ISC", "License :: OSI Approved :: ISC License (ISCL)", "Classifier"}},
		{"classifier only", "", "", []string{"Programming Language :: Python", "License :: OSI Approved :: MIT License"}, Result{"MIT", "License :: OSI Approved :: MIT License", "Classifier"}},
		{"two classifiers", "", "", []string{"License :: OSI Approved :: MIT License", "License :: OSI Approved :: Apache Software License"}, Result{"", "License :: OSI Approved :: MIT License; License :: OSI Approved :: Apache Software License", "Classifier"}},
		{"full text then classifier", "", "Copyright (c) 2020 Someone\nPermission is hereby granted...", []string{"License :: OSI Approved :: MIT License"}, Result{"MIT", "License :: OSI Approved :: MIT License", "Classifier"}},
		{"dual license text", "", "Dual License", []string{"License :: OSI Approved :: BSD License", "License :: OSI Approved :: Apache Software License"}, Result{"", "Dual License", "License"}},
		{"nothing", "", "", []string{"Topic :: Utilities"}, Result{}},
		{"with exception", "GPL-2.0-or-later WITH Classpath-exception-2.0", "", nil, Result{"GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0", "License-Expression"}},
		{"licenseref", "LicenseRef-Proprietary AND (MIT OR 0BSD)", "", nil, Result{"LicenseRef-Proprietary AND (MIT OR 0BSD)", "LicenseRef-Proprietary AND (MIT OR 0BSD)", "License-Expression"}},
	}
	for _, tt := range tests {
		got := FromMetadata(tt.expr, tt.lic, tt.classifiers)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, s := range []string{"", "MIT AND", "(MIT", "MIT)", "AND MIT", "Foo-License", "MIT WITH Nope", "LicenseRef-a b"} {
		if got, ok := Normalize(s); ok {
			t.Errorf("Normalize(%q) = %q, want rejection", s, got)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"MIT", "Apache-2.0 OR (MIT AND BSD-3-Clause)", "GPL-2.0+ WITH Classpath-exception-2.0", "((("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Normalize(s)
		if !ok {
			return
		}
		again, ok := Normalize(out)
		if !ok || again != out {
			t.Fatalf("Normalize(%q) = %q, which normalises to %q (%v)", s, out, again, ok)
		}
	})
}
