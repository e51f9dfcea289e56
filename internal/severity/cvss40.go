package severity

import (
	"fmt"
	"math"
	"strings"
)

// CVSS v4.0 scoring, written from the specification (FIRST, CVSS v4.0,
// section 8 "CVSS v4.0 Scoring") and its published tables: a vector falls
// into a MacroVector (six equivalence classes EQ1..EQ6) whose score comes
// from a lookup table; the score is then lowered by the vector's mean
// proportional distance from the MacroVector's highest-severity vectors
// towards the next lower MacroVectors, and rounded half up to one
// decimal with the 1e-6 tolerance FIRST's calculator adds (without it,
// x.x5 values that floating point lands just below round down:
// pandatix/go-cvss#292).

// v4Metrics lists the metrics of a CVSS v4.0 vector in the order the
// specification requires, with their allowed values (the first mandatory
// eleven have no "X").
var v4Metrics = []struct {
	name   string
	values []string
}{
	{"AV", []string{"N", "A", "L", "P"}},
	{"AC", []string{"L", "H"}},
	{"AT", []string{"N", "P"}},
	{"PR", []string{"N", "L", "H"}},
	{"UI", []string{"N", "P", "A"}},
	{"VC", []string{"H", "L", "N"}},
	{"VI", []string{"H", "L", "N"}},
	{"VA", []string{"H", "L", "N"}},
	{"SC", []string{"H", "L", "N"}},
	{"SI", []string{"H", "L", "N"}},
	{"SA", []string{"H", "L", "N"}},
	{"E", []string{"X", "A", "P", "U"}},
	{"CR", []string{"X", "H", "M", "L"}},
	{"IR", []string{"X", "H", "M", "L"}},
	{"AR", []string{"X", "H", "M", "L"}},
	{"MAV", []string{"X", "N", "A", "L", "P"}},
	{"MAC", []string{"X", "L", "H"}},
	{"MAT", []string{"X", "N", "P"}},
	{"MPR", []string{"X", "N", "L", "H"}},
	{"MUI", []string{"X", "N", "P", "A"}},
	{"MVC", []string{"X", "H", "L", "N"}},
	{"MVI", []string{"X", "H", "L", "N"}},
	{"MVA", []string{"X", "H", "L", "N"}},
	{"MSC", []string{"X", "H", "L", "N"}},
	{"MSI", []string{"X", "S", "H", "L", "N"}},
	{"MSA", []string{"X", "S", "H", "L", "N"}},
	{"S", []string{"X", "N", "P"}},
	{"AU", []string{"X", "N", "Y"}},
	{"R", []string{"X", "A", "U", "I"}},
	{"V", []string{"X", "D", "C"}},
	{"RE", []string{"X", "L", "M", "H"}},
	{"U", []string{"X", "Clear", "Green", "Amber", "Red"}},
}

const v4Mandatory = 11

// vector4 holds the values given in a CVSS v4.0 vector, by metric name.
type vector4 map[string]string

// parse4 reads a "CVSS:4.0/AV:N/..." vector: every metric at most once,
// in the specification's order, the eleven base metrics present.
func parse4(s string) (vector4, error) {
	rest, ok := strings.CutPrefix(s, "CVSS:4.0/")
	if !ok {
		return nil, fmt.Errorf("CVSS v4.0 vector %q: does not start with CVSS:4.0/", s)
	}
	v := vector4{}
	next := 0 // index in v4Metrics the next metric may have
	for part := range strings.SplitSeq(rest, "/") {
		name, value, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("CVSS v4.0 vector %q: %q is not METRIC:VALUE", s, part)
		}
		i := next
		for i < len(v4Metrics) && v4Metrics[i].name != name {
			i++
		}
		if i == len(v4Metrics) {
			if _, dup := v[name]; dup {
				return nil, fmt.Errorf("CVSS v4.0 vector %q: metric %s given twice", s, name)
			}
			if known4(name) {
				return nil, fmt.Errorf("CVSS v4.0 vector %q: metric %s out of order", s, name)
			}
			return nil, fmt.Errorf("CVSS v4.0 vector %q: unknown metric %q", s, name)
		}
		if i >= v4Mandatory && next < v4Mandatory {
			return nil, fmt.Errorf("CVSS v4.0 vector %q: base metric %s missing", s, v4Metrics[next].name)
		}
		if next < v4Mandatory && i != next {
			return nil, fmt.Errorf("CVSS v4.0 vector %q: base metric %s missing", s, v4Metrics[next].name)
		}
		allowed := false
		for _, a := range v4Metrics[i].values {
			allowed = allowed || a == value
		}
		if !allowed {
			return nil, fmt.Errorf("CVSS v4.0 vector %q: %s cannot be %q (one of %s)", s, name, value, strings.Join(v4Metrics[i].values, ", "))
		}
		v[name] = value
		next = i + 1
	}
	if next < v4Mandatory {
		return nil, fmt.Errorf("CVSS v4.0 vector %q: base metric %s missing", s, v4Metrics[next].name)
	}
	return v, nil
}

func known4(name string) bool {
	for _, m := range v4Metrics {
		if m.name == name {
			return true
		}
	}
	return false
}

// get is the value a metric takes in scoring: an environmental
// modification overrides the base value, and the unset threat and
// requirement metrics take their worst case (E:A, CR/IR/AR:H).
func (v vector4) get(name string) string {
	if mod := v["M"+name]; mod != "" && mod != "X" {
		return mod
	}
	val := v[name]
	if val == "" || val == "X" {
		switch name {
		case "E":
			return "A"
		case "CR", "IR", "AR":
			return "H"
		}
	}
	return val
}

// macroVector returns EQ1..EQ6 of the vector.
func (v vector4) macroVector() (eq [6]int) {
	av, pr, ui := v.get("AV"), v.get("PR"), v.get("UI")
	switch {
	case av == "N" && pr == "N" && ui == "N":
		eq[0] = 0
	case (av == "N" || pr == "N" || ui == "N") && av != "P":
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if v.get("AC") != "L" || v.get("AT") != "N" {
		eq[1] = 1
	}
	vc, vi, va := v.get("VC"), v.get("VI"), v.get("VA")
	switch {
	case vc == "H" && vi == "H":
		eq[2] = 0
	case vc == "H" || vi == "H" || va == "H":
		eq[2] = 1
	default:
		eq[2] = 2
	}
	switch {
	case v.get("MSI") == "S" || v.get("MSA") == "S":
		eq[3] = 0
	case v.get("SC") == "H" || v.get("SI") == "H" || v.get("SA") == "H":
		eq[3] = 1
	default:
		eq[3] = 2
	}
	switch v.get("E") {
	case "P":
		eq[4] = 1
	case "U":
		eq[4] = 2
	}
	if !(v.get("CR") == "H" && vc == "H" || v.get("IR") == "H" && vi == "H" || v.get("AR") == "H" && va == "H") {
		eq[5] = 1
	}
	return eq
}

// macroScore is the score of a MacroVector, NaN when none exists.
func macroScore(eq [6]int) float64 {
	if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 {
		return math.NaN()
	}
	tenths := macroScores[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]*2+eq[5]]
	if tenths == 0 {
		return math.NaN()
	}
	return float64(tenths) / 10
}

// level is a metric value's severity level: 0 for the most severe,
// rising by 0.1 a step (the specification's distances are in 0.1 steps).
func level(metric, value string) float64 {
	var order string
	switch metric {
	case "AV":
		order = "NALP"
	case "PR":
		order = "NLH"
	case "UI":
		order = "NPA"
	case "AC":
		order = "LH"
	case "AT":
		order = "NP"
	case "VC", "VI", "VA":
		order = "HLN"
	case "CR", "IR", "AR":
		order = "HML"
	case "SC", "SI", "SA": // S (safety) only through MSI/MSA, so SC starts at 0.1
		order = "SHLN"
	}
	return []float64{0.0, 0.1, 0.2, 0.3}[strings.IndexByte(order, value[0])]
}

// distanceMetrics are the metrics whose distance from the highest vector
// counts, in the order the specification sums them per EQ.
var distanceMetrics = []string{"AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"}

// score4 computes the CVSS v4.0 score (CVSS-B, -BT, -BE or -BTE, as the
// vector's metrics make it).
func score4(vector string) (float64, error) {
	v, err := parse4(vector)
	if err != nil {
		return 0, err
	}
	impact := false
	for _, m := range []string{"VC", "VI", "VA", "SC", "SI", "SA"} {
		impact = impact || v.get(m) != "N"
	}
	if !impact {
		return 0, nil
	}
	eq := v.macroVector()
	value := macroScore(eq)

	lower := func(i int) float64 {
		next := eq
		next[i]++
		return macroScore(next)
	}
	var eq36 float64
	switch {
	case eq[2] == 0 && eq[5] == 0: // 00 -> 01 or 10, whichever scores higher
		left, right := lower(5), lower(2)
		eq36 = right
		if left > right {
			eq36 = left
		}
	case eq[2] == 1 && eq[5] == 0: // 10 -> 11
		eq36 = lower(5)
	default: // 01 -> 11, 11 -> 21, 21 -> none
		eq36 = lower(2)
	}
	available := [5]float64{value - lower(0), value - lower(1), value - eq36, value - lower(3), value - lower(4)}

	d := v.distances(eq)
	current := [5]float64{d[0] + d[1] + d[2], d[3] + d[4], d[5] + d[6] + d[7] + d[11] + d[12] + d[13], d[8] + d[9] + d[10], 0}
	const step = 0.1
	depth := [5]float64{depthEQ1[eq[0]] * step, depthEQ2[eq[1]] * step, depthEQ3EQ6[eq[2]][eq[5]] * step, depthEQ4[eq[3]] * step, 1}

	var sum float64
	n := 0
	for i := range available {
		if math.IsNaN(available[i]) {
			continue
		}
		n++
		if i == 4 { // EQ5's distance is always 0
			continue
		}
		sum += available[i] * (current[i] / depth[i])
	}
	if n > 0 {
		value -= sum / float64(n)
	}
	value = max(0, min(10, value))
	return math.Round((value+1e-6)*10) / 10, nil
}

// distances returns the severity distance, per distanceMetrics, of the
// vector from the first of its MacroVector's highest vectors that it
// does not exceed in any metric (the last one tried if none fits).
func (v vector4) distances(eq [6]int) []float64 {
	d := make([]float64, len(distanceMetrics))
	for _, m1 := range highestEQ1[eq[0]] {
		for _, m2 := range highestEQ2[eq[1]] {
			for _, m36 := range highestEQ3EQ6[eq[2]][eq[5]] {
				for _, m4 := range highestEQ4[eq[3]] {
					for _, m5 := range highestEQ5[eq[4]] {
						highest := m1 + "/" + m2 + "/" + m36 + "/" + m4 + "/" + m5
						fits := true
						for i, m := range distanceMetrics {
							d[i] = level(m, v.get(m)) - level(m, valueIn(highest, m))
							fits = fits && d[i] >= 0
						}
						if fits {
							return d
						}
					}
				}
			}
		}
	}
	return d
}

// valueIn returns a metric's value in a "M:V/M:V" list.
func valueIn(list, metric string) string {
	for part := range strings.SplitSeq(list, "/") {
		if name, value, _ := strings.Cut(part, ":"); name == metric {
			return value
		}
	}
	return ""
}
