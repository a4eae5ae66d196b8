package render

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
)

// Meta is what every machine output records about the run.
type Meta struct {
	Version string
	AsOf    string // yyyy-mm-dd, from --as-of or the clock
	// Changes since an earlier run (--compare), shown first; Compared
	// names that run ("file, as of date").
	Changes  []compare.Change
	Compared string
	// Previous is the earlier run's headline and date, for the email
	// summaries' week-on-week deltas; nil without --compare.
	Previous *compare.Headline
	PrevAsOf string // yyyy-mm-dd
	// IDsOnly makes the email summaries carry ids, tiers and rates only:
	// no names and no factors (which can be safeguarding context), for
	// summaries that travel by email.
	IDsOnly bool
}

// codeColumn names the CSV column for a code: code_I, code_C1, and words for
// the marks that are not letters.
func codeColumn(c string) string {
	switch c {
	case "/":
		return "code_present_am"
	case `\`:
		return "code_present_pm"
	case "#":
		return "code_closed"
	case "-":
		return "code_missing"
	}
	return "code_" + c
}

// CSV writes one row per pupil in priority order, with every pupil field and
// then one column per code (all codes, always, so the columns never depend
// on the data).
func CSV(w io.Writer, res *analysis.Result) error {
	rm := rulesMeta(res)
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	codes := mark.Table()
	head := make([]string, 0, len(pupilColumns)+len(codes))
	for _, c := range pupilColumns {
		head = append(head, c.name)
	}
	head = append(head, "factors", "next_steps", "rules_name", "rules_version", "rules_hash")
	for _, c := range codes {
		head = append(head, codeColumn(c.Code))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	cw.Flush()
	// Rows are formatted a block of pupils at a time on every core, one
	// round of blocks at a time, and written in order: the output is the
	// same as one pass, formatting an authority's list is not held up on one
	// core, and only a round of blocks is ever held in memory.
	const block = 1024
	workers := runtime.GOMAXPROCS(0)
	bufs := make([]bytes.Buffer, workers)
	errs := make([]error, workers)
	format := func(buf *bytes.Buffer, pupils []*analysis.Pupil) error {
		buf.Reset()
		row := make([]string, len(head))
		bcw := csv.NewWriter(buf)
		for _, p := range pupils {
			for i, c := range pupilColumns {
				row[i] = formatCell(c.get(p))
			}
			k := len(pupilColumns)
			row[k], row[k+1] = Neutralise(factorsText(p, " | ")), Neutralise(stepsText(p, " | "))
			row[k+2], row[k+3], row[k+4] = Neutralise(rm.Name), Neutralise(rm.Version), rm.Hash
			for i, c := range codes {
				v := 0
				if p.Figures.Codes != nil {
					v = p.Figures.Codes[c.ID]
				}
				row[k+5+i] = formatCell(v)
			}
			if err := bcw.Write(row); err != nil {
				return err
			}
		}
		bcw.Flush()
		return bcw.Error()
	}
	for first := 0; first < len(res.Pupils); first += block * workers {
		var wg sync.WaitGroup
		caught := make([]analysis.WorkerCatch, workers)
		for wk := 0; wk < workers; wk++ {
			lo := first + wk*block
			if lo >= len(res.Pupils) {
				bufs[wk].Reset()
				continue
			}
			wg.Add(1)
			go func(wk, lo int) {
				defer wg.Done()
				defer caught[wk].Catch() // a panic reaches Main as an internal error
				errs[wk] = format(&bufs[wk], res.Pupils[lo:min(lo+block, len(res.Pupils))])
			}(wk, lo)
		}
		wg.Wait()
		analysis.Rethrow(caught)
		for wk := range bufs {
			if errs[wk] != nil {
				return errs[wk]
			}
			if _, err := bw.Write(bufs[wk].Bytes()); err != nil {
				return err
			}
		}
	}
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// RulesMeta identifies the rules that produced an output.
type RulesMeta struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Hash    string   `json:"hash"`
	Skipped []string `json:"not_evaluated,omitempty"`
}

func rulesMeta(res *analysis.Result) RulesMeta {
	if res.Rules == nil {
		return RulesMeta{}
	}
	m := RulesMeta{Name: res.Rules.Name, Version: res.Rules.Version, Hash: res.Rules.Hash}
	for _, s := range res.Rules.Skipped {
		m.Skipped = append(m.Skipped, s.ID+": "+s.Reason())
	}
	return m
}

type factorJSON struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Group    string   `json:"group"`
	Label    string   `json:"label"`
	Weight   int      `json:"weight"`
	Evidence []string `json:"evidence"`
	Source   string   `json:"source"`
}

type stepJSON struct {
	ID     string `json:"id"`
	Step   string `json:"step"`
	Source string `json:"source"`
}

// orderedPupil marshals a pupil with its fields in schema order.
type orderedPupil struct {
	p  *analysis.Pupil
	rm *RulesMeta // set for JSON Lines, where each line stands alone
}

func (o orderedPupil) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range pupilColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.name)
		v, err := json.Marshal(c.get(o.p))
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	factors := []factorJSON{}
	for _, f := range outcome(o.p).Fired {
		ev := f.Evidence
		if ev == nil {
			ev = []string{}
		}
		factors = append(factors, factorJSON{f.Factor.ID, f.Factor.Kind, f.Factor.Group, f.Factor.Label, f.Factor.Weight, ev, f.Factor.Source})
	}
	steps := []stepJSON{}
	for _, s := range outcome(o.p).Steps {
		steps = append(steps, stepJSON{s.ID, s.Text, s.Source})
	}
	for _, kv := range []struct {
		k string
		v any
	}{{"factors", factors}, {"next_steps", steps}, {"codes", o.p.Figures.CodeCounts()}} {
		v, err := json.Marshal(kv.v) // map keys are sorted
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"` + kv.k + `":`)
		b.Write(v)
	}
	if o.rm != nil {
		for _, kv := range [][2]string{{"rules_name", o.rm.Name}, {"rules_version", o.rm.Version}, {"rules_hash", o.rm.Hash}} {
			v, _ := json.Marshal(kv[1])
			b.WriteString(`,"` + kv[0] + `":`)
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// Summary is the whole-run figures: summed sessions, never averaged rates.
type Summary struct {
	Pupils               int     `json:"pupils"`
	Assessable           int     `json:"assessable_pupils"`
	PossibleSessions     int     `json:"possible_sessions"`
	AuthorisedAbsence    int     `json:"authorised_absence"`
	UnauthorisedAbsence  int     `json:"unauthorised_absence"`
	AbsencePct           float64 `json:"absence_pct"`
	AuthorisedPct        float64 `json:"authorised_pct"`
	UnauthorisedPct      float64 `json:"unauthorised_pct"`
	PersistentAbsentees  int     `json:"persistent_absentees"`
	PersistentAbsencePct float64 `json:"persistent_absence_pct"` // of assessable pupils
	SevereAbsentees      int     `json:"severe_absentees"`
	SevereAbsencePct     float64 `json:"severe_absence_pct"`
}

// Summarise computes the headline figures.
func Summarise(res *analysis.Result) Summary {
	pa, sa, n := res.Persistent()
	t := res.Totals
	pupils := 0
	for _, p := range res.All {
		if !p.Aggregate {
			pupils++
		}
	}
	s := Summary{Pupils: pupils, Assessable: n, PossibleSessions: t.Possible,
		AuthorisedAbsence: t.Authorised, UnauthorisedAbsence: t.Unauthorised,
		AbsencePct: pct(t.Pct(t.Absent())), AuthorisedPct: pct(t.Pct(t.Authorised)), UnauthorisedPct: pct(t.Pct(t.Unauthorised)),
		PersistentAbsentees: pa, SevereAbsentees: sa}
	if n > 0 {
		s.PersistentAbsencePct = pct(100 * float64(pa) / float64(n))
		s.SevereAbsencePct = pct(100 * float64(sa) / float64(n))
	}
	return s
}

// qualityJSON is the data_quality section.
type qualityJSON struct {
	Files            []quality.FileInfo `json:"files"`
	RowsRead         int                `json:"rows_read"`
	RowsUsed         int                `json:"rows_used"`
	RowsRejected     int                `json:"rows_rejected"`
	MarksRead        int                `json:"marks_read"`
	MarksUsed        int                `json:"marks_used"`
	MarksRejected    int                `json:"marks_rejected"`
	Rejections       []*quality.Reason  `json:"rejections"`
	Findings         []*quality.Reason  `json:"findings"`
	UnknownCodes     map[string]int     `json:"unknown_codes"`
	LegacyCodes      map[string]int     `json:"legacy_codes"`
	MissingMarks     int                `json:"missing_marks"`
	DuplicateMarks   int                `json:"duplicate_marks"`
	ConflictingMarks int                `json:"conflicting_marks"`
}

func qualitySection(q *quality.Report) qualityJSON {
	out := qualityJSON{Files: q.Files, RowsRead: q.RowsRead, RowsUsed: q.RowsUsed, RowsRejected: q.RowsRejected,
		MarksRead: q.MarksRead, MarksUsed: q.MarksUsed, MarksRejected: q.MarksRejected,
		Rejections: q.Rejections(), Findings: q.Findings(), UnknownCodes: q.UnknownCodes(), LegacyCodes: q.LegacyCodes(),
		MissingMarks: q.MissingMarks, DuplicateMarks: q.DuplicateMarks, ConflictingMarks: q.ConflictingMarks}
	if out.Files == nil {
		out.Files = []quality.FileInfo{}
	}
	return out
}

type window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// JSON writes the whole result as one object: run metadata, the summary,
// every pupil in priority order, and the data-quality account.
func JSON(w io.Writer, res *analysis.Result, meta Meta) error {
	pupils := make([]orderedPupil, len(res.Pupils))
	for i, p := range res.Pupils {
		pupils[i] = orderedPupil{p: p}
	}
	doc := struct {
		Tool        string           `json:"tool"`
		Version     string           `json:"version"`
		AsOf        string           `json:"as_of"`
		Window      window           `json:"window"`
		Note        string           `json:"note"`
		Rules       RulesMeta        `json:"rules"`
		Compared    string           `json:"compared_with,omitempty"`
		Changes     []compare.Change `json:"changes,omitempty"`
		Summary     Summary          `json:"summary"`
		Pupils      []orderedPupil   `json:"pupils"`
		DataQuality qualityJSON      `json:"data_quality"`
	}{"attendrisk", meta.Version, meta.AsOf, window{date(res.From, res.From == 0), date(res.To, res.To == 0)},
		Disclaimer, rulesMeta(res), meta.Compared, meta.Changes, Summarise(res), pupils, qualitySection(res.Quality)}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return bw.Flush()
}

// JSONL writes one pupil object per line, in priority order, for streaming
// into other tools. The data-quality account goes to stderr, as for the table.
func JSONL(w io.Writer, res *analysis.Result) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rm := rulesMeta(res)
	for _, p := range res.Pupils {
		b, err := orderedPupil{p: p, rm: &rm}.MarshalJSON()
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Disclaimer is stated in every output: the tool flags, people decide.
const Disclaimer = "Attendance indicators for professional review. They are not findings of neglect or of any other concern about a child or family."
