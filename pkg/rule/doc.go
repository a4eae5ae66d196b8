// Package rule loads a rules file and scores pupils against it.
//
// A rules file (YAML) lists risk and protective factors, score tiers and
// suggested next steps. Each factor has a when: expression in the expr
// language (github.com/expr-lang/expr) over the pupil's attendance
// indicators, such as
//
//	when: unauthorised_10wk >= 10 && compulsory_age
//
// and context columns from the optional context file, read as
// context.<column>:
//
//	when: context.young_carer && persistent_absence
//
// Parse checks the whole file against a Schema (the indicators the metrics
// package computes and the context columns loaded), so a misspelt name, an
// unknown context column or a type mistake is reported once, with its line
// and column, before any pupil is scored. It reports every problem it finds,
// not just the first. Expressions are compiled once; Set.Evaluate only runs
// them.
//
// A pupil's score is the sum of the weights of the risk factors that fire
// minus those of the protective factors that fire, never below 0. The
// score picks a tier, and the tier and the indicators pick the next steps.
//
// The result is a prompt for a professional's review: which indicators from
// the guidance are present for a child, and what the guidance suggests
// considering next. It is never a finding about a child or family.
//
// # File format
//
//	version: 2026.1          # required; text or number, recorded in outputs
//	name: Attendance concern indicators   # required
//	description: ...         # optional
//	factors:                 # at least one
//	  - id: unauthorised_threshold   # [a-z0-9_]+, unique across factors and steps
//	    kind: risk           # risk | protective (protective weights are subtracted)
//	    group: attendance    # attendance | child | parent | agency
//	    label: 10 or more unauthorised sessions in 10 school weeks
//	    when: unauthorised_10wk >= 10
//	    weight: 20           # whole number, 1 or more
//	    source: ...          # optional: where the factor comes from
//	tiers:                   # highest first; min_score strictly decreasing;
//	  - {name: urgent, min_score: 60}   # the last tier's min_score <= 0
//	  - {name: monitor, min_score: 0}
//	next_steps:              # optional
//	  - id: mash
//	    step: Discuss with the designated safeguarding lead ...   # required
//	    when: severe_absence && context.child_protection_plan     # optional: default always
//	    tiers: [urgent, high]  # optional: only pupils in these tiers
//	    order: 10              # optional, default 0; steps are returned by order, then file order
//	    source: ...            # optional
//
// Any other key is an error. A factor or step that reads a context column
// the context lacks is an error, unless Schema.OptionalContext is set (as
// for the shipped default rules), when it is left out and listed in
// Set.Skipped.
//
// # Missing values
//
// A pupil may have no value for a context column. An expression that cannot
// be evaluated because of that does not fire; Outcome.Unknown gives the
// reason ("no value for context.young_carer"). An expression that reads a
// missing value and has no way to handle one (no ==, !=, ??, ?., in or
// builtin) is not run at all, which is quicker and gives the same answer
// except that a short-circuit (false && context.x) is reported as unknown
// rather than false. Comparing a missing value with == is simply false. To
// treat a missing value explicitly, use context.young_carer ?? false.
package rule
