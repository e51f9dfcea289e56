package severity

// The three tables of the CVSS v4.0 scoring method, as FIRST publishes
// them with the specification (the CVSS v4.0 calculator, BSD-2-Clause,
// Copyright FIRST, Red Hat, and contributors; transcribed from
// cvss_lookup.js, max_composed.js and max_severity.js).
// TestTables compares them with ../shared/corpus's copy of FIRST's data.

// macroScores holds the score of each MacroVector in tenths, indexed by
// EQ1 EQ2 EQ3 EQ4 and then EQ5*2+EQ6. Zero marks a MacroVector that does
// not exist (EQ3=2 only comes with EQ6=1; no existing one scores 0).
var macroScores = [3][2][3][3][6]uint8{
	{ // EQ1=0
		{ // EQ2=0
			{{100, 99, 98, 95, 95, 92}, {100, 96, 93, 87, 91, 81}, {93, 90, 89, 80, 81, 68}},
			{{98, 95, 95, 92, 90, 84}, {93, 92, 89, 81, 81, 65}, {88, 80, 78, 70, 69, 48}},
			{{0, 92, 0, 82, 0, 72}, {0, 79, 0, 69, 0, 50}, {0, 69, 0, 55, 0, 27}},
		},
		{ // EQ2=1
			{{99, 97, 95, 92, 92, 85}, {95, 91, 90, 83, 84, 71}, {92, 81, 82, 71, 72, 53}},
			{{95, 93, 92, 85, 85, 73}, {92, 82, 80, 72, 70, 59}, {84, 70, 71, 52, 50, 30}},
			{{0, 86, 0, 75, 0, 52}, {0, 71, 0, 52, 0, 29}, {0, 63, 0, 29, 0, 17}},
		},
	},
	{ // EQ1=1
		{
			{{98, 95, 94, 87, 91, 81}, {94, 89, 86, 74, 77, 64}, {87, 75, 74, 63, 63, 49}},
			{{94, 89, 88, 77, 76, 67}, {86, 76, 74, 58, 59, 50}, {72, 57, 57, 52, 52, 25}},
			{{0, 83, 0, 70, 0, 54}, {0, 65, 0, 58, 0, 26}, {0, 53, 0, 21, 0, 13}},
		},
		{
			{{95, 90, 88, 76, 76, 70}, {90, 77, 75, 62, 61, 53}, {77, 66, 68, 59, 52, 30}},
			{{89, 78, 76, 67, 62, 58}, {74, 59, 57, 57, 47, 23}, {61, 52, 57, 29, 24, 16}},
			{{0, 71, 0, 59, 0, 30}, {0, 58, 0, 26, 0, 15}, {0, 23, 0, 13, 0, 6}},
		},
	},
	{ // EQ1=2
		{
			{{93, 87, 86, 72, 75, 58}, {86, 74, 74, 61, 56, 34}, {70, 54, 52, 40, 40, 22}},
			{{85, 75, 74, 55, 62, 51}, {72, 57, 55, 41, 46, 19}, {53, 36, 34, 19, 19, 8}},
			{{0, 64, 0, 51, 0, 20}, {0, 47, 0, 21, 0, 11}, {0, 24, 0, 9, 0, 4}},
		},
		{
			{{88, 75, 73, 53, 60, 50}, {73, 55, 59, 40, 41, 20}, {54, 43, 45, 22, 20, 11}},
			{{75, 55, 58, 45, 40, 21}, {61, 51, 48, 18, 20, 9}, {46, 18, 17, 7, 8, 2}},
			{{0, 53, 0, 24, 0, 14}, {0, 24, 0, 12, 0, 5}, {0, 10, 0, 3, 0, 1}},
		},
	},
}

// highest lists, per EQ level, the highest-severity values of the metrics
// the EQ covers (max_composed): the vectors a MacroVector's score belongs to.
// EQ3 and EQ6 are joint: highestEQ3EQ6[eq3][eq6].
var (
	highestEQ1 = [3][]string{
		{"AV:N/PR:N/UI:N"},
		{"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
		{"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"},
	}
	highestEQ2 = [2][]string{
		{"AC:L/AT:N"},
		{"AC:H/AT:N", "AC:L/AT:P"},
	}
	highestEQ3EQ6 = [3][2][]string{
		{
			{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"},
			{"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"},
		},
		{
			{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
			{"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
				"VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"},
		},
		{
			nil,
			{"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"},
		},
	}
	highestEQ4 = [3][]string{{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}}
	highestEQ5 = [3][]string{{"E:A"}, {"E:P"}, {"E:U"}}
)

// depth is the severity depth of each EQ level (max_severity): how many
// 0.1 steps separate a MacroVector's highest vector from its lowest, +1.
var (
	depthEQ1    = [3]float64{1, 4, 5}
	depthEQ2    = [2]float64{1, 2}
	depthEQ3EQ6 = [3][2]float64{{7, 6}, {8, 8}, {0, 10}}
	depthEQ4    = [3]float64{6, 5, 4}
)
