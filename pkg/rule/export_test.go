package rule

// WithoutGuards turns off a set's guards (program.guards), so a test can
// compare the guarded evaluation with the expression machine alone.
func WithoutGuards(s *Set) {
	for i := range s.factors {
		s.factors[i].guards = nil
	}
	for i := range s.steps {
		s.steps[i].guards = nil
	}
}
