package vex

import (
	"slices"
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

// Merge combines statements as Apply weighs them, so that the merged
// statements apply to exactly the findings the given ones apply to, with
// the same outcome.
//
// A statement is split into one statement per product, each keeping its
// own subcomponents: a (product, subcomponent) pair is never formed that
// the input did not state. Of statements with the same vulnerability,
// aliases, product and subcomponents, the one Apply would choose is kept:
// the latest; of equally late ones, the one from the higher document
// version, then the one given later. Invalid statements are left out.
// The result is in the order Apply breaks ties in (oldest first), so it
// decides the same when written as one document and read back.
func Merge(lists ...[]Statement) []Statement {
	type kept struct {
		s     Statement
		order int
	}
	latest := map[string]*kept{}
	n := 0
	for _, l := range lists {
		for _, s := range l {
			if s.Invalid != "" {
				continue
			}
			aliases := slices.Clone(s.Aliases)
			sort.Strings(aliases)
			for _, p := range s.Products {
				n++
				subs := slices.Clone(p.Subcomponents)
				sort.Strings(subs)
				k := strings.Join([]string{s.Vulnerability, strings.Join(aliases, "\x00"), p.PURL, strings.Join(subs, "\x00")}, "\x01")
				if cur, ok := latest[k]; !ok || s.supersedes(&cur.s) {
					one := s
					one.Products = []Product{{PURL: p.PURL, Subcomponents: subs}}
					latest[k] = &kept{one, n}
				}
			}
		}
	}
	all := make([]*kept, 0, len(latest))
	for _, k := range latest {
		all = append(all, k)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := &all[i].s, &all[j].s
		if !a.Timestamp.Equal(b.Timestamp) {
			return a.Timestamp.Before(b.Timestamp)
		}
		if a.DocVersion != b.DocVersion {
			return a.DocVersion < b.DocVersion
		}
		return all[i].order < all[j].order
	})
	out := make([]Statement, len(all))
	for i, k := range all {
		out[i] = k.s
	}
	return out
}
