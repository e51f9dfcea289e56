package inventory

import "fmt"

// ProblemsPerKind is how many problems of one kind one component names
// file by file; the rest are counted in one last problem of that kind.
// A RECORD of a million rows for files that do not exist is then fifty
// problems and a count, not a million lines in every output.
const ProblemsPerKind = 50

// ProblemList collects problems, keeping at most ProblemsPerKind of one
// kind for one component.
type ProblemList struct {
	list   []Problem
	counts map[problemKey]int
}

type problemKey struct {
	pkg  string
	kind ProblemKind
}

// Add records p, or only counts it when its component already has
// ProblemsPerKind problems of its kind.
func (l *ProblemList) Add(p Problem) {
	if l.counts == nil {
		l.counts = map[problemKey]int{}
	}
	k := problemKey{p.Package, p.Kind}
	l.counts[k]++
	if l.counts[k] <= ProblemsPerKind {
		l.list = append(l.list, p)
	}
}

// Problems returns what was added, with one problem per component and
// kind that was cut short saying how many more there are.
func (l *ProblemList) Problems() []Problem {
	out := l.list
	for _, p := range l.list {
		k := problemKey{p.Package, p.Kind}
		if n := l.counts[k]; n > ProblemsPerKind {
			out = append(out, Problem{Kind: p.Kind, Package: p.Package,
				Message: fmt.Sprintf("%d more %s problems of this component are not listed one by one", n-ProblemsPerKind, p.Kind)})
			l.counts[k] = 0 // once
		}
	}
	return out
}
