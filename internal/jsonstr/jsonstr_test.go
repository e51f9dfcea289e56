package jsonstr

import (
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/jsontest"
)

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsontest.Tricky {
		if got, want := string(Append(nil, s)), jsontest.Std(t, s, ""); got != want {
			t.Errorf("Append(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsontest.Tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), jsontest.Std(t, s, ""); got != want {
			t.Fatalf("Append(%q) = %s, want %s", s, got, want)
		}
	})
}
