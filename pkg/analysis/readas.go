package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ContextReading is a context value the tool reads for the judgement
// itself (a date of birth, the support state, the support plan's last
// review, a social care column): as the context file wrote it, and as the
// judgement reads it. explain shows both, so an officer checking a "why
// not" sees the value the rules used and can find the cell it came from.
type ContextReading struct {
	// Column is the context column, without "context.".
	Column string
	// Raw is the value as the context file holds it ("2011-03-04",
	// "Declined by parent", an Excel date serial "40606").
	Raw string
	// Read is the value the judgement reads from it ("04/03/2011",
	// "support state declined"); "" when it could not be read (the data-
	// quality account and the age basis say so).
	Read string
	// Indicator is what reads it: "age_status", "support_state",
	// "support_review_days", "social_care".
	Indicator string
}

// Recorded is `, recorded as "RAW"`, or "" when the raw value is the
// value read.
func (c ContextReading) Recorded() string {
	if c.Raw == "" || c.Raw == c.Read {
		return ""
	}
	return fmt.Sprintf(", recorded as %q", c.Raw)
}

// ContextReadings lists the context values the judgement read for the
// pupil, in a fixed order: date of birth, support state, support review,
// social care. Yes/no cells are left out: the file's "N" or "No" is not
// kept, only the false read from it.
func (p *Pupil) ContextReadings() []ContextReading {
	var out []ContextReading
	first := func(cols []string) (string, any, bool) {
		for _, c := range cols {
			if v, ok := p.Context[c]; ok {
				return c, v, true
			}
		}
		return "", nil, false
	}
	if col, v, ok := first(dobColumns); ok {
		r := ContextReading{Column: col, Raw: rawValue(v), Indicator: "age_status"}
		if d, ok := contextDate(v); ok {
			r.Read = d.UK()
		}
		out = append(out, r)
	}
	if col, v, ok := first(supportColumns); ok {
		if _, isBool := v.(bool); !isBool {
			out = append(out, ContextReading{Column: col, Raw: rawValue(v),
				Read: "support state " + strings.ReplaceAll(p.Support, "_", " "), Indicator: "support_state"})
		}
	}
	if col, v, ok := first(supportReviewColumns); ok {
		r := ContextReading{Column: col, Raw: rawValue(v), Indicator: "support_review_days"}
		if d, ok := reviewDate(v); ok {
			r.Read = d.UK()
		}
		out = append(out, r)
	}
	for _, col := range socialCareColumns {
		v, ok := p.Context[col]
		if _, isBool := v.(bool); !ok || isBool {
			continue
		}
		read := "no social care plan or status"
		if socialCare(map[string]any{col: v}) {
			read = "child protection plan, child in need plan or looked after"
		}
		out = append(out, ContextReading{Column: col, Raw: rawValue(v), Read: read, Indicator: "social_care"})
	}
	return out
}

// rawValue writes a context value as the file held it: text as written, a
// number (an Excel date serial) without a trailing ".0".
func rawValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// AgeBasisRead is the age basis with the date of birth it was decided
// from, as read and, where different, as recorded: "date of birth
// 04/03/2011, recorded as "2011-03-04"".
func (p *Pupil) AgeBasisRead() string {
	if p.Age.Basis != "date of birth" {
		return p.Age.Basis
	}
	for _, r := range p.ContextReadings() {
		if r.Indicator == "age_status" && r.Read != "" {
			return p.Age.Basis + " " + r.Read + r.Recorded()
		}
	}
	return p.Age.Basis
}

// ReadAsEvidence rewrites the evidence sentences of ev (as Env fills them)
// that rest on a context value the judgement reads, for a page that
// explains one child: each names the value the rules read and, where the
// file wrote it otherwise, the value as recorded. The age indicators give
// the date of birth; the support review gives its date as recorded; a
// context column read directly by a rule (context.support) gives its value,
// which is what such a rule compares, and what the judgement reads from
// it.
func (p *Pupil) ReadAsEvidence(ev map[string]string) {
	for _, r := range p.ContextReadings() {
		name := "context." + r.Column
		// As the rule reads it: text quoted, a number (an Excel date
		// serial) as a number.
		raw := strconv.Quote(r.Raw)
		if _, isNum := p.Context[r.Column].(float64); isNum {
			raw = r.Raw
		}
		switch {
		case r.Read == "":
			ev[name] = fmt.Sprintf("%s = %s (not read as a date)", name, raw)
		case r.Read == r.Raw:
			ev[name] = fmt.Sprintf("%s = %s (for %s)", name, raw, r.Indicator)
		default:
			ev[name] = fmt.Sprintf("%s = %s (read as %s, for %s)", name, raw, r.Read, r.Indicator)
		}
		if r.Read == "" {
			continue
		}
		switch r.Indicator {
		case "age_status":
			if p.Age.Basis == "date of birth" {
				age := "compulsory school age: " + p.Age.Status + " (" + p.AgeBasisRead() + ")"
				for _, k := range []string{"age_status", "age_basis", "age_known", "compulsory_age", "below_compulsory_age", "post_16"} {
					ev[k] = age
				}
			}
		case "support_review_days":
			rec := r.Recorded()
			if rec == "" {
				continue
			}
			for _, k := range []string{"support_review_days", "support_review_known"} {
				s, ok := ev[k]
				if !ok || !strings.Contains(s, name) {
					continue // the review date came from the actions log
				}
				ev[k] = strings.Replace(s, "("+name+")", "("+name+rec+")", 1)
			}
		}
	}
}
