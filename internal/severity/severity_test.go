package severity

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestVectors checks base scores against Red Hat's public CVSS test
// vectors: "VECTOR - (base, ...)" for v2/v3, "VECTOR - score" for v4.
func TestVectors(t *testing.T) {
	dir := filepath.Join(schema.CorpusDir(), "vectors", "cvss")
	n, bad := 0, 0
	for _, name := range []string{"redhat-cvss-vectors_simple2.txt", "redhat-cvss-vectors_simple3.txt", "redhat-cvss-vectors_simple31.txt",
		"redhat-cvss-vectors_simple4.txt", "redhat-cvss-vectors_security4.txt"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Skip("CVSS vectors not present in ../shared/corpus/vectors/cvss")
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			vector, rest, ok := strings.Cut(sc.Text(), " - ")
			if !ok {
				continue
			}
			want := strings.Trim(strings.SplitN(strings.TrimPrefix(rest, "("), ",", 2)[0], "() ")
			w, err := strconv.ParseFloat(want, 64)
			if err != nil {
				continue
			}
			got, err := Score(vector)
			n++
			if err != nil || got != w {
				bad++
				t.Errorf("%s: %s = %v (%v), want %v", name, vector, got, err, w)
			}
		}
		f.Close()
	}
	t.Logf("%d vectors, %d wrong", n, bad)
	if n < 500 {
		t.Errorf("only %d vectors checked", n)
	}
}

func TestRatings(t *testing.T) {
	for score, want := range map[float64]Rating{0: None, 3.9: Low, 4: Medium, 6.9: Medium, 7: High, 9: Critical, 10: Critical} {
		if got := Of(score); got != want {
			t.Errorf("Of(%v) = %v, want %v", score, got, want)
		}
	}
	if r, err := ParseRating("moderate"); err != nil || r != Medium {
		t.Errorf("moderate: %v %v", r, err)
	}
	if _, err := ParseRating("severe"); err == nil {
		t.Error("severe accepted")
	}
}
