package severity

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/pysbom/pysbom/internal/testutil/schema"
)

// TestTables compares the transcribed scoring tables with FIRST's data
// (the corpus keeps a JSON conversion of the calculator's tables).
func TestTables(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(schema.CorpusDir(), "vectors", "cvss", "first-cvss-v4-tables.json"))
	if err != nil {
		t.Skip("FIRST's CVSS v4.0 tables not present in ../shared/corpus/vectors/cvss")
	}
	var first struct {
		Lookup      map[string]float64                    `json:"cvss_lookup"`
		MaxComposed map[string]map[string]json.RawMessage `json:"max_composed"`
		MaxSeverity map[string]map[string]json.RawMessage `json:"max_severity"`
	}
	if err := json.Unmarshal(raw, &first); err != nil {
		t.Fatal(err)
	}
	n := 0
	for eq1 := range 3 {
		for eq2 := range 2 {
			for eq3 := range 3 {
				for eq4 := range 3 {
					for eq5 := range 3 {
						for eq6 := range 2 {
							key := fmt.Sprintf("%d%d%d%d%d%d", eq1, eq2, eq3, eq4, eq5, eq6)
							got := macroScore([6]int{eq1, eq2, eq3, eq4, eq5, eq6})
							want, ok := first.Lookup[key]
							switch {
							case !ok && !math.IsNaN(got):
								t.Errorf("MacroVector %s: %v, FIRST has none", key, got)
							case ok && got != want:
								t.Errorf("MacroVector %s: %v, FIRST %v", key, got, want)
							case ok:
								n++
							}
						}
					}
				}
			}
		}
	}
	if n != len(first.Lookup) {
		t.Errorf("%d MacroVectors match, FIRST has %d", n, len(first.Lookup))
	}

	strip := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = strings.TrimSuffix(s, "/")
		}
		return out
	}
	ours := map[string][]string{}
	for i, l := range highestEQ1 {
		ours[fmt.Sprintf("eq1/%d", i)] = l
	}
	for i, l := range highestEQ2 {
		ours[fmt.Sprintf("eq2/%d", i)] = l
	}
	for i, l := range highestEQ4 {
		ours[fmt.Sprintf("eq4/%d", i)] = l
	}
	for i, l := range highestEQ5 {
		ours[fmt.Sprintf("eq5/%d", i)] = l
	}
	for eq, levels := range first.MaxComposed {
		for level, rawList := range levels {
			if eq == "eq3" {
				var byEQ6 map[string][]string
				if err := json.Unmarshal(rawList, &byEQ6); err != nil {
					t.Fatal(err)
				}
				for eq6, list := range byEQ6 {
					l3, _ := strconv.Atoi(level)
					l6, _ := strconv.Atoi(eq6)
					if got := highestEQ3EQ6[l3][l6]; fmt.Sprint(got) != fmt.Sprint(strip(list)) {
						t.Errorf("highest eq3=%s eq6=%s: %v, FIRST %v", level, eq6, got, list)
					}
				}
				continue
			}
			var list []string
			if err := json.Unmarshal(rawList, &list); err != nil {
				t.Fatal(err)
			}
			if got := ours[eq+"/"+level]; fmt.Sprint(got) != fmt.Sprint(strip(list)) {
				t.Errorf("highest %s=%s: %v, FIRST %v", eq, level, got, list)
			}
		}
	}

	depths := map[string]float64{}
	for i, d := range depthEQ1 {
		depths[fmt.Sprintf("eq1/%d", i)] = d
	}
	for i, d := range depthEQ2 {
		depths[fmt.Sprintf("eq2/%d", i)] = d
	}
	for i, d := range depthEQ4 {
		depths[fmt.Sprintf("eq4/%d", i)] = d
	}
	for i, row := range depthEQ3EQ6 {
		for j, d := range row {
			if d != 0 {
				depths[fmt.Sprintf("eq3eq6/%d/%d", i, j)] = d
			}
		}
	}
	checked := 0
	for eq, levels := range first.MaxSeverity {
		if eq == "eq5" {
			continue // EQ5's proportion is always 0; its depth is unused
		}
		for level, rawValue := range levels {
			if eq == "eq3eq6" {
				var byEQ6 map[string]float64
				if err := json.Unmarshal(rawValue, &byEQ6); err != nil {
					t.Fatal(err)
				}
				for eq6, want := range byEQ6 {
					checked++
					if got := depths["eq3eq6/"+level+"/"+eq6]; got != want {
						t.Errorf("depth eq3=%s eq6=%s: %v, FIRST %v", level, eq6, got, want)
					}
				}
				continue
			}
			var want float64
			if err := json.Unmarshal(rawValue, &want); err != nil {
				t.Fatal(err)
			}
			checked++
			if got := depths[eq+"/"+level]; got != want {
				t.Errorf("depth %s=%s: %v, FIRST %v", eq, level, got, want)
			}
		}
	}
	if checked != len(depths) {
		t.Errorf("%d depths checked, we have %d", checked, len(depths))
	}
}

// TestV4Environmental checks the rules for metrics the public vectors
// barely cover: a modified metric replaces its base metric, X means
// "not given", unset E and CR/IR/AR take their worst case, MSI:S/MSA:S
// (safety) is the highest subsequent-system severity.
func TestV4Environmental(t *testing.T) {
	same := [][2]string{
		{"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:H/MSA:H",
			"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X",
			"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:A/CR:H/IR:H/AR:H"},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
			"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N"},
	}
	for _, c := range same {
		a, errA := Score(c[0])
		b, errB := Score(c[1])
		if errA != nil || errB != nil || a != b {
			t.Errorf("%s = %v (%v), want the score of %s = %v (%v)", c[0], a, errA, c[1], b, errB)
		}
	}
	base := "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H"
	plain, _ := Score(base)
	safety, err := Score(base + "/MSI:S")
	if err != nil || safety <= plain {
		t.Errorf("MSI:S scores %v (%v), not above %v", safety, err, plain)
	}
	if v, _ := parse4(base + "/MSI:S"); v.macroVector()[3] != 0 {
		t.Errorf("MSI:S is not EQ4 level 0")
	}
	unproven, _ := Score(base + "/E:U")
	if unproven >= plain {
		t.Errorf("E:U scores %v, not below %v", unproven, plain)
	}
	if s, err := Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N"); err != nil || s != 0 {
		t.Errorf("no modified impact: %v (%v), want 0", s, err)
	}
}

// TestV4AgainstGoCVSS compares random vectors over every metric with
// pandatix/go-cvss: the two may differ only where the library's rounding
// lacks the tolerance (ours then 0.1 higher).
func TestV4AgainstGoCVSS(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	differ := 0
	const n = 20000
	for range n {
		var b strings.Builder
		b.WriteString("CVSS:4.0")
		for i, m := range v4Metrics {
			if i >= v4Mandatory && r.IntN(3) == 0 {
				continue
			}
			fmt.Fprintf(&b, "/%s:%s", m.name, m.values[r.IntN(len(m.values))])
		}
		vector := b.String()
		ours, err := Score(vector)
		if err != nil {
			t.Fatalf("%s: %v", vector, err)
		}
		c, err := gocvss40.ParseVector(vector)
		if err != nil {
			t.Fatalf("go-cvss rejects %s: %v", vector, err)
		}
		theirs := c.Score()
		if ours != theirs {
			differ++
			if math.Abs(ours-theirs-0.1) > 1e-9 {
				t.Errorf("%s: %v, go-cvss %v", vector, ours, theirs)
			}
		}
	}
	t.Logf("%d of %d random vectors differ from go-cvss by its rounding", differ, n)
	if differ > n/20 {
		t.Errorf("%d of %d differ", differ, n)
	}
}

func TestV4Malformed(t *testing.T) {
	full := "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	for vector, want := range map[string]string{
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N":      "base metric SA missing",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SA:N":      "base metric SI missing",
		"CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N": "base metric AV missing",
		full + "/E:A/E:A":  "E given twice",
		full + "/CR:H/E:A": "E out of order",
		full + "/XX:Y":     `unknown metric "XX"`,
		full + "/SI:S":     "SI given twice",
		full + "/MSI:Q":    `MSI cannot be "Q"`,
		full + "/":         `"" is not METRIC:VALUE`,
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N": `SI cannot be "S"`,
	} {
		_, err := Score(vector)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", vector, err, want)
		}
	}
}

func FuzzScore(f *testing.F) {
	f.Add("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/MSI:S")
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	f.Add("AV:N/AC:L/Au:N/C:P/I:P/A:P")
	f.Fuzz(func(t *testing.T, vector string) {
		s, err := Score(vector)
		if err == nil && (s < 0 || s > 10 || math.IsNaN(s)) {
			t.Errorf("%s: score %v", vector, s)
		}
	})
}
