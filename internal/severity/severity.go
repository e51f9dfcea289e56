// Package severity turns OSV severities into scores and ratings: CVSS
// v2, v3.0 and v3.1 base scores computed from their vectors with
// pandatix/go-cvss, CVSS v4.0 scores with our own scorer (cvss40.go; the
// library rounds some x.x5 scores down), all checked against public
// vectors in the tests, and the textual rating some databases give
// instead.
package severity

import (
	"fmt"
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
)

// Rating is a qualitative severity.
type Rating int

// Ratings, in order.
const (
	Unknown Rating = iota
	None
	Low
	Medium
	High
	Critical
)

var names = []string{"UNKNOWN", "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (r Rating) String() string { return names[r] }

// ParseRating reads a rating name (any case).
func ParseRating(s string) (Rating, error) {
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return Rating(i), nil
		}
	}
	if strings.EqualFold(s, "MODERATE") {
		return Medium, nil
	}
	return Unknown, fmt.Errorf("unknown severity %q (want LOW, MEDIUM, HIGH or CRITICAL)", s)
}

// Of rates a CVSS score the way CVSS v3 and v4 do.
func Of(score float64) Rating {
	switch {
	case score == 0:
		return None
	case score < 4:
		return Low
	case score < 7:
		return Medium
	case score < 9:
		return High
	}
	return Critical
}

// Score computes the base score of a CVSS vector.
func Score(vector string) (float64, error) {
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		return score4(vector)
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		c, err := gocvss31.ParseVector(vector)
		if err != nil {
			return 0, err
		}
		return c.BaseScore(), nil
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		c, err := gocvss30.ParseVector(vector)
		if err != nil {
			return 0, err
		}
		return c.BaseScore(), nil
	default:
		c, err := gocvss20.ParseVector(vector)
		if err != nil {
			return 0, err
		}
		return c.BaseScore(), nil
	}
}
