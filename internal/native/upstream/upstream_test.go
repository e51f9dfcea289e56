package upstream

import (
	"slices"
	"testing"
)

func TestTags(t *testing.T) {
	for name, want := range map[string]string{
		"openssl": "openssl-3.0.13", "expat": "R_2_5_0", "zlib": "v1.2.13", "libcurl": "curl-7_88_1", "sqlite": "version-3.40.1",
		"libyaml": "0.2.5", "pcre2": "pcre2-10.42", "curl": "curl-7_88_1",
	} {
		v := map[string]string{"openssl": "3.0.13", "expat": "2.5.0", "zlib": "1.2.13", "libcurl": "7.88.1", "curl": "7.88.1",
			"sqlite": "3.40.1", "libyaml": "0.2.5", "pcre2": "10.42"}[name]
		p, ok := Lookup(name)
		if !ok || !slices.Contains(p.Tags(v), want) {
			t.Errorf("%s %s: tags %v, want %s", name, v, p.Tags(v), want)
		}
	}
	if _, ok := Lookup("left-pad"); ok {
		t.Error("unknown library found")
	}
	if p, _ := Lookup("openssl"); p.Tags("") != nil {
		t.Error("tags of an empty version")
	}
}
