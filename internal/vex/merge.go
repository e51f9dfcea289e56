package vex

import (
	"sort"
	"strings"
)

// Justifications are OpenVEX's not_affected justifications.
var Justifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

// Statuses are OpenVEX's statuses.
var Statuses = []string{NotAffected, Affected, Fixed, UnderInvestigation}

// Merge combines statements as Apply weighs them: for each
// vulnerability, product and set of subcomponents the latest statement
// wins; of equally late ones, the one from the higher document version,
// then the one given later. Invalid statements are left
// out. Statements with several products are split, one per product.
func Merge(lists ...[]Statement) []Statement {
	latest := map[string]Statement{}
	for _, l := range lists {
		for _, s := range l {
			if s.Invalid != "" {
				continue
			}
			for _, p := range s.Products {
				one := s
				one.Products = []string{p}
				k := s.Vulnerability + "\x00" + p + "\x00" + strings.Join(s.Subcomponents, "\x00")
				if cur, ok := latest[k]; !ok || s.supersedes(&cur) {
					latest[k] = one
				}
			}
		}
	}
	keys := make([]string, 0, len(latest))
	for k := range latest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Statement, 0, len(keys))
	for _, k := range keys {
		out = append(out, latest[k])
	}
	return out
}
