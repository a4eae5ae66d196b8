package render

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
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

// codeColumns is the CSV column names of the codes, in table order.
func codeColumns() []string {
	codes := mark.Table()
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = codeColumn(c.Code)
	}
	return out
}

// CSV writes one row per pupil in priority order, with every pupil field,
// then one column per code (all codes, always, so the columns never depend
// on the data), then the analyst columns: rank, the fired factor ids
// (|-separated) and every indicator the rules read. A value that does not
// apply is an empty cell.
func CSV(w io.Writer, res *analysis.Result) error {
	rm := rulesMeta(res)
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	codes := mark.Table()
	head := flatNames()
	if err := cw.Write(head); err != nil {
		return err
	}
	cw.Flush()
	name, version := Neutralise(rm.Name), Neutralise(rm.Version)
	format := func(buf *bytes.Buffer, pupils []*analysis.Pupil) error {
		var l csvLine
		var rec record
		for _, p := range pupils {
			for _, c := range pupilColumns {
				c.put(p, &l)
			}
			l.factors(p)
			l.steps(p)
			l.text(name)
			l.text(version)
			l.text(rm.Hash)
			for _, c := range codes {
				l.int(int64(p.Figures.Codes.Get(c.ID)))
			}
			rec.load(res, p)
			for _, c := range analystColumns {
				c.put(&rec, &l)
			}
			buf.Write(l.end())
		}
		return nil
	}
	if err := inBlocks(res.Pupils, format, bw.Write); err != nil {
		return err
	}
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvLine appends one record as encoding/csv's Writer writes it (comma,
// line feed, a field quoted when it holds a quote, a comma or a line
// break, starts with white space or is \.), with numbers appended in place:
// building a []string of some 200 cells a pupil for csv.Writer made most
// of the CSV output's garbage (TestCSVLine).
type csvLine struct {
	b       []byte
	scratch []byte
	n       int
}

func (l *csvLine) sep() {
	if l.n > 0 {
		l.b = append(l.b, ',')
	}
	l.n++
}

// text appends a text field, which the caller has neutralised.
func (l *csvLine) text(s string) {
	l.sep()
	l.b = appendCSVField(l.b, s)
}

func (l *csvLine) int(n int64) {
	l.sep()
	if 0 <= n && n < 10 {
		l.b = append(l.b, byte('0'+n)) // most code counts
		return
	}
	l.b = strconv.AppendInt(l.b, n, 10)
}

// value appends a column's value as formatCell and csvValue render it: a
// list joined by |, nil and other types as an empty field.
func (l *csvLine) value(v any) {
	switch x := v.(type) {
	case string:
		l.putText(x)
	case int:
		l.putInt(x)
	case float64:
		l.putFloat(x)
	case bool:
		l.putBool(x)
	case []string:
		l.putList(x)
	default:
		l.putNull()
	}
}

// csvLine is a cellWriter: the values as formatCell and csvValue render
// them, appended in place.
func (l *csvLine) putNull()           { l.sep() }
func (l *csvLine) putText(s string)   { l.text(Neutralise(s)) }
func (l *csvLine) putInt(n int)       { l.int(int64(n)) }
func (l *csvLine) putFloat(f float64) { l.sep(); l.b = strconv.AppendFloat(l.b, f, 'f', -1, 64) }
func (l *csvLine) putBool(b bool)     { l.sep(); l.b = strconv.AppendBool(l.b, b) }

func (l *csvLine) putDate(d register.Day) {
	l.sep()
	if b, ok := appendISODay(l.b, d); ok {
		l.b = b // digits and dashes: nothing to quote or neutralise
		return
	}
	l.b = appendCSVField(l.b, Neutralise(d.ISO()))
}

// putList joins the list's neutralised items with |, as one field.
func (l *csvLine) putList(x []string) {
	l.scratch = l.scratch[:0]
	for i, s := range x {
		if i > 0 {
			l.scratch = append(l.scratch, '|')
		}
		if neutralNeeded(s) {
			l.scratch = append(l.scratch, '\'')
		}
		l.scratch = append(l.scratch, s...)
	}
	l.sep()
	l.b = appendCSVField(l.b, l.scratch)
}

// factors appends the factors cell, factorsText(p, " | ") neutralised,
// built in the line's scratch space.
func (l *csvLine) factors(p *analysis.Pupil) {
	l.scratch = appendFactors(append(l.scratch[:0], '\''), p, " | ")
	l.neutralScratch()
}

// steps appends the next steps cell, stepsText(p, " | ") neutralised.
func (l *csvLine) steps(p *analysis.Pupil) {
	l.scratch = appendSteps(append(l.scratch[:0], '\''), p, " | ")
	l.neutralScratch()
}

// neutralScratch appends the scratch space, which holds an apostrophe and
// then a text, as the field Neutralise makes of the text.
func (l *csvLine) neutralScratch() {
	t := l.scratch
	if !neutralNeeded(t[1:]) {
		t = t[1:]
	}
	l.sep()
	l.b = appendCSVField(l.b, t)
}

// end finishes the record and returns it; the next field starts a new one
// in the same memory.
func (l *csvLine) end() []byte {
	out := append(l.b, '\n')
	l.b, l.n = out[:0], 0
	return out
}

// appendCSVField appends s as encoding/csv writes a field.
func appendCSVField[T string | []byte](b []byte, s T) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	// The text up to each quote, then the quote doubled: a long factors
	// cell is copied in a few pieces, not byte by byte.
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(append(b, s[start:i+1]...), '"')
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// csvSpecial is the bytes that make encoding/csv quote a field anywhere in
// it (a comma delimiter).
var csvSpecial = [256]bool{'\n': true, '\r': true, '"': true, ',': true}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for a comma.
func csvNeedsQuotes[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	if string(s) == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		if csvSpecial[s[i]] {
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	var head [utf8.UTFMax]byte
	n := copy(head[:], s)
	r, _ := utf8.DecodeRune(head[:n])
	return unicode.IsSpace(r)
}

// inBlocks formats the pupils a block at a time on every core and hands
// each block's bytes to write in order: the output is the same as one
// pass, formatting an authority's list is not held up on one core, and only
// a few blocks are ever held in memory. format appends one block's pupils
// to buf (which it is given empty).
//
// A block is 256 pupils, about 300 KB of CSV: each of the GOMAXPROCS+1
// slots keeps its buffer from block to block, grown by doubling, so the
// block's size is what the output holds in flight. At 1,024 pupils the
// buffers grew to 2 MB each and the 40,000-pupil run peaked about 9 MB
// higher, for no gain in time (the blocks are still milliseconds of work).
func inBlocks(pupils []*analysis.Pupil, format func(buf *bytes.Buffer, pupils []*analysis.Pupil) error, write func([]byte) (int, error)) error {
	return inBlocksOf(csvBlock, pupils, format, write)
}

// csvBlock is the pupils in one of inBlocks' blocks.
const csvBlock = 256

// inBlocksOf is inBlocks with block pupils a block. The JSON formats,
// whose records are four or five times a CSV row, use smaller blocks, so
// the blocks held in memory are no larger than CSV's.
//
// The blocks are a pipeline, not rounds: each worker takes the next block
// as soon as it has finished one, while the caller writes the finished
// blocks in order, so no core waits for the slowest block of a round or
// for the write. Block k is formatted into buffer k mod (workers+1): the
// caller hands out block k+workers+1 only once block k is written, so at
// most workers+1 blocks are held at once and a buffer has one block at a
// time.
func inBlocksOf(block int, pupils []*analysis.Pupil, format func(buf *bytes.Buffer, pupils []*analysis.Pupil) error, write func([]byte) (int, error)) error {
	return inOrder(block, pupils, func() *bytes.Buffer { return new(bytes.Buffer) }, format, func(buf *bytes.Buffer) error {
		_, err := write(buf.Bytes())
		buf.Reset()
		return err
	})
}

// inOrder is the pipeline under inBlocksOf, for any kind of block: each of
// GOMAXPROCS+1 slots (made by newSlot, reused from block to block) is
// filled by format with a block of pupils on a free core, and the filled
// slots are handed to write one at a time in the pupils' order, on the
// caller's goroutine. write must leave the slot ready for the next block.
// The first error, from format or write, stops the pipeline, and no block
// after a failed one is written; a panic in format reaches the caller.
func inOrder[S any](block int, pupils []*analysis.Pupil, newSlot func() S, format func(slot S, pupils []*analysis.Pupil) error, write func(slot S) error) error {
	return inOrderRange(block, len(pupils), newSlot, func(slot S, lo, hi int) error { return format(slot, pupils[lo:hi]) }, write)
}

// inOrderRange is inOrder over the items 0 to n-1, each block given as the
// range [lo, hi) of its items: for a format that needs to know where its
// block starts (the workbook's rows are numbered).
func inOrderRange[S any](block, n int, newSlot func() S, format func(slot S, lo, hi int) error, write func(slot S) error) error {
	blocks := (n + block - 1) / block
	if blocks == 0 {
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), blocks)
	slots := workers + 1
	bufs := make([]S, slots)
	for i := range bufs {
		bufs[i] = newSlot()
	}
	errs := make([]error, slots)
	formatted := make([]bool, slots)      // false: skipped, or format panicked
	ready := make([]chan struct{}, slots) // the slot's block is done
	for i := range ready {
		ready[i] = make(chan struct{}, 1)
	}
	jobs := make(chan int, slots)
	var stop atomic.Bool // an error or a panic: format no more blocks
	var wg sync.WaitGroup
	caught := make([]analysis.WorkerCatch, workers)
	one := func(wk, k int) {
		slot := k % slots
		defer func() { ready[slot] <- struct{}{} }()
		defer caught[wk].Catch() // a panic reaches Main as an internal error
		formatted[slot] = false
		if stop.Load() {
			return
		}
		lo := k * block
		errs[slot] = format(bufs[slot], lo, min(lo+block, n))
		formatted[slot] = true
	}
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				one(wk, k)
			}
		}()
	}
	for k := 0; k < min(slots, blocks); k++ {
		jobs <- k
	}
	var err error
	for k := 0; k < blocks; k++ {
		slot := k % slots
		<-ready[slot]
		if !formatted[slot] {
			break // format panicked: raised below
		}
		if err = errs[slot]; err == nil {
			err = write(bufs[slot])
		}
		if err != nil {
			break
		}
		if k+slots < blocks {
			jobs <- k + slots
		}
	}
	stop.Store(true)
	close(jobs)
	wg.Wait()
	analysis.Rethrow(caught)
	return err
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

// pupilJSON writes one pupil as a JSON object, its fields in schema order:
// the established fields, the fired factors, the next steps and the codes,
// the rules (on a JSON Lines line, which stands alone), then the analyst
// fields. extra, when set, is written last (a JSON Lines line's schema
// version, run date and window). rec is reused from one pupil to the next.
func pupilJSON(b *bytes.Buffer, res *analysis.Result, p *analysis.Pupil, rm *RulesMeta, extra []byte, rec *record) error {
	b.WriteByte('{')
	jc := jsonCell{b: b}
	for i, c := range pupilColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(pupilJSONKeys[i])
		c.put(p, &jc)
	}
	if jc.err != nil {
		return jc.err
	}
	// The fired factors, the next steps and the codes, written directly
	// as encoding/json writes []factorJSON, []stepJSON and the CodeCounts
	// map (keys sorted): through json.Marshal they were most of the
	// garbage a pupil's record made (TestPupilJSONDirect).
	b.WriteByte(',')
	writeKey(b, "factors")
	b.WriteByte('[')
	o := outcome(p)
	for i, f := range o.Fired {
		if i > 0 {
			b.WriteByte(',')
		}
		ev := o.Evidence(i)
		if ev == nil {
			ev = []string{}
		}
		if err := writeFactorJSON(b, factorJSON{f.Factor.ID, f.Factor.Kind, f.Factor.Group, f.Factor.Label, f.Factor.Weight, ev, f.Factor.Source}); err != nil {
			return err
		}
	}
	b.WriteString("],")
	writeKey(b, "next_steps")
	b.WriteByte('[')
	for i, st := range o.Steps {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeStepJSON(b, stepJSON{st.ID, st.Text, st.Source}); err != nil {
			return err
		}
	}
	b.WriteString("],")
	writeKey(b, "codes")
	writeCodesJSON(b, p)
	if rm != nil {
		for _, kv := range [][2]string{{"rules_name", rm.Name}, {"rules_version", rm.Version}, {"rules_hash", rm.Hash}} {
			b.WriteByte(',')
			writeKey(b, kv[0])
			writeJSONString(b, kv[1])
		}
	}
	rec.load(res, p)
	for i, c := range analystColumns {
		b.WriteByte(',')
		b.Write(analystJSONKeys[i])
		c.put(rec, &jc)
	}
	if jc.err != nil {
		return jc.err
	}
	b.Write(extra)
	b.WriteByte('}')
	return nil
}

// writeFactorJSON appends f as json.Marshal writes a factorJSON.
func writeFactorJSON(b *bytes.Buffer, f factorJSON) error {
	b.WriteString(`{"id":`)
	err := writeJSONString(b, f.ID)
	b.WriteString(`,"kind":`)
	err = errors.Join(err, writeJSONString(b, f.Kind))
	b.WriteString(`,"group":`)
	err = errors.Join(err, writeJSONString(b, f.Group))
	b.WriteString(`,"label":`)
	err = errors.Join(err, writeJSONString(b, f.Label))
	b.WriteString(`,"weight":`)
	b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(f.Weight), 10))
	b.WriteString(`,"evidence":`)
	err = errors.Join(err, writeJSONStrings(b, f.Evidence))
	b.WriteString(`,"source":`)
	err = errors.Join(err, writeJSONString(b, f.Source))
	b.WriteByte('}')
	return err
}

// writeStepJSON appends s as json.Marshal writes a stepJSON.
func writeStepJSON(b *bytes.Buffer, s stepJSON) error {
	b.WriteString(`{"id":`)
	err := writeJSONString(b, s.ID)
	b.WriteString(`,"step":`)
	err = errors.Join(err, writeJSONString(b, s.Step))
	b.WriteString(`,"source":`)
	err = errors.Join(err, writeJSONString(b, s.Source))
	b.WriteByte('}')
	return err
}

// jsonCodeOrder is the mark ids by their code's JSON key, the order
// json.Marshal writes the keys of a code map in, each with its key.
var jsonCodeOrder = func() []jsonCode {
	var out []jsonCode
	for _, c := range mark.Table() {
		if c.ID == 0 {
			continue
		}
		k, _ := json.Marshal(c.Code)
		out = append(out, jsonCode{c.ID, c.Code, append(k, ':')})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out
}()

type jsonCode struct {
	id   mark.ID
	code string
	key  []byte
}

// writeCodesJSON appends the pupil's codes used as json.Marshal writes
// Figures.CodeCounts: the codes with a session, keys sorted.
func writeCodesJSON(b *bytes.Buffer, p *analysis.Pupil) {
	b.WriteByte('{')
	first := true
	for _, c := range jsonCodeOrder {
		n := p.Figures.Codes.Get(c.id)
		if n <= 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(c.key)
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(n), 10))
	}
	b.WriteByte('}')
}

// jsonKeys holds every field name of the pupil record already encoded
// with its colon: a record writes some 130 keys, and encoding each anew
// was most of the garbage the JSON output made.
var jsonKeys = func() map[string][]byte {
	m := map[string][]byte{}
	for _, n := range append(flatNames(), "codes", "schema_version", "as_of", "window") {
		v, _ := json.Marshal(n)
		m[n] = append(v, ':')
	}
	return m
}()

// pupilJSONKeys and analystJSONKeys are the columns' keys, in their order.
var pupilJSONKeys, analystJSONKeys = func() (pupil, analyst [][]byte) {
	for _, c := range pupilColumns {
		pupil = append(pupil, jsonKeys[c.name])
	}
	for _, c := range analystColumns {
		analyst = append(analyst, jsonKeys[c.name])
	}
	return pupil, analyst
}()

func writeKey(b *bytes.Buffer, k string) {
	if v, ok := jsonKeys[k]; ok {
		b.Write(v)
		return
	}
	v, _ := json.Marshal(k)
	b.Write(v)
	b.WriteByte(':')
}

// writeValue appends v as JSON; nil is null. The common values (plain
// text, numbers in the usual range, lists of plain text) are written
// directly, byte for byte as encoding/json writes them; anything else goes
// through json.Marshal.
func writeValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case int:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(x), 10))
		return nil
	case bool:
		b.WriteString(strconv.FormatBool(x))
		return nil
	case string:
		return writeJSONString(b, x)
	case float64:
		return writeJSONFloat(b, x)
	case []string:
		return writeJSONStrings(b, x)
	}
	return writeMarshal(b, v)
}

// writeJSONString appends s as json.Marshal writes it.
func writeJSONString(b *bytes.Buffer, s string) error {
	b.Write(appendJSONString(b.AvailableBuffer(), s))
	return nil
}

// appendJSONString appends s quoted as json.Marshal writes a string:
// encoding/json's escaping with HTML escaped (\u003c, \u003e, \u0026),
// the control characters, invalid UTF-8 as \ufffd, and U+2028 and U+2029
// escaped (FuzzJSONString holds the two together).
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
}

// jsonSafe is the ASCII bytes json.Marshal writes as themselves in a
// string: printable, and neither a quote, a backslash nor <, > or &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// writeJSONFloat appends x as json.Marshal writes it: encoding/json's own
// choice, the shortest 'f' form for these, an exponent outside them (and
// an error for NaN and infinities).
func writeJSONFloat(b *bytes.Buffer, x float64) error {
	if a := math.Abs(x); x == 0 || (a >= 1e-6 && a < 1e21) {
		b.Write(strconv.AppendFloat(b.AvailableBuffer(), x, 'f', -1, 64))
		return nil
	}
	return writeMarshal(b, x)
}

// writeJSONStrings appends l as json.Marshal writes it (a nil list is null).
func writeJSONStrings(b *bytes.Buffer, l []string) error {
	if l == nil {
		b.WriteString("null")
		return nil
	}
	out := append(b.AvailableBuffer(), '[')
	for i, s := range l {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, s)
	}
	b.Write(append(out, ']'))
	return nil
}

func writeMarshal(b *bytes.Buffer, v any) error {
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}

// jsonCell is a cellWriter appending each value as writeValue does; the
// first error is kept.
type jsonCell struct {
	b   *bytes.Buffer
	err error
}

func (j *jsonCell) keep(err error) {
	if j.err == nil {
		j.err = err
	}
}

func (j *jsonCell) putNull()           { j.b.WriteString("null") }
func (j *jsonCell) putText(s string)   { j.keep(writeJSONString(j.b, s)) }
func (j *jsonCell) putInt(n int)       { j.b.Write(strconv.AppendInt(j.b.AvailableBuffer(), int64(n), 10)) }
func (j *jsonCell) putFloat(f float64) { j.keep(writeJSONFloat(j.b, f)) }
func (j *jsonCell) putBool(v bool)     { j.b.Write(strconv.AppendBool(j.b.AvailableBuffer(), v)) }
func (j *jsonCell) putList(l []string) { j.keep(writeJSONStrings(j.b, l)) }

func (j *jsonCell) putDate(d register.Day) {
	if b, ok := appendISODay(append(j.b.AvailableBuffer(), '"'), d); ok {
		j.b.Write(append(b, '"')) // digits and dashes: plain JSON
		return
	}
	j.keep(writeJSONString(j.b, d.ISO()))
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

// jsonDoc is the JSON document's fields before and after the pupils.
type jsonHead struct {
	Tool          string           `json:"tool"`
	Version       string           `json:"version"`
	SchemaVersion string           `json:"schema_version"`
	AsOf          string           `json:"as_of"`
	Window        window           `json:"window"`
	Note          string           `json:"note"`
	Rules         RulesMeta        `json:"rules"`
	Compared      string           `json:"compared_with,omitempty"`
	Changes       []compare.Change `json:"changes,omitempty"`
	Summary       Summary          `json:"summary"`
}

// JSON writes the whole result as one object: run metadata, the summary,
// every pupil in priority order, and the data-quality account. The pupils
// are written one at a time as they are encoded, so memory does not grow
// with the list; the document is laid out as encoding/json's two-space
// indent would lay it out.
func JSON(w io.Writer, res *analysis.Result, meta Meta) error {
	head := jsonHead{"attendrisk", meta.Version, SchemaVersion, meta.AsOf, runWindow(res),
		Disclaimer, rulesMeta(res), meta.Compared, meta.Changes, Summarise(res)}
	bw := bufio.NewWriterSize(w, 1<<16)
	hb, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	// The head object without its closing brace, then the pupils array.
	bw.Write(bytes.TrimSuffix(hb, []byte("\n}")))
	bw.WriteString(",\n  \"pupils\": [")
	// Each pupil is encoded compact, then indented as encoding/json would
	// indent it inside the document; a comma goes before every pupil but
	// the first.
	first := true
	format := func(buf *bytes.Buffer, pupils []*analysis.Pupil) error {
		var raw bytes.Buffer
		var rec record
		for _, p := range pupils {
			raw.Reset()
			if err := pupilJSON(&raw, res, p, nil, nil, &rec); err != nil {
				return err
			}
			buf.WriteString(",\n    ")
			indentPupil(buf, raw.Bytes())
		}
		return nil
	}
	write := func(b []byte) (int, error) {
		if first && len(b) > 0 {
			b, first = b[1:], false // no comma before the first pupil
		}
		return bw.Write(b)
	}
	if err := inBlocksOf(jsonBlock, res.Pupils, format, write); err != nil {
		return err
	}
	if len(res.Pupils) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"data_quality\": ")
	qb, err := json.MarshalIndent(qualitySection(res.Quality), "  ", "  ")
	if err != nil {
		return err
	}
	bw.Write(qb)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// indentPupil appends src, one pupil's compact JSON as pupilJSON writes
// it, laid out as json.Indent(dst, src, "    ", "  ") lays it out: a line
// break and indent after an opening bracket (none for an empty [] or {}),
// after each comma and before a closing bracket, and a space after each
// colon. json.Indent runs encoding/json's full scanner over every byte
// and was most of the JSON output's time; src is valid compact JSON (the
// encoder's own output, no whitespace outside strings), so only strings
// need recognising, and those are copied whole between their quotes.
func indentPupil(dst *bytes.Buffer, src []byte) {
	dst.Write(appendIndented(dst.AvailableBuffer(), src))
}

// indents is a line break and the indent of each depth, as far as a
// pupil's record goes; deeper levels are made when met.
var indents = func() []string {
	out := make([]string, 8)
	for d := range out {
		out[d] = "\n    " + strings.Repeat("  ", d)
	}
	return out
}()

// appendIndented is indentPupil appending to a byte slice: the runs of
// bytes between those that move the layout (found with a table) are
// appended whole, and a string is copied whole between its quotes.
func appendIndented(dst, src []byte) []byte {
	depth := 0
	open := false // just after [ or {: the line break waits for the next byte
	for i := 0; i < len(src); {
		j := i
		for j < len(src) && !jsonLayout[src[j]] {
			j++
		}
		if j > i {
			if open {
				dst, open = appendNewline(dst, depth), false
			}
			dst = append(dst, src[i:j]...)
			i = j
			continue
		}
		c := src[i]
		if open && c != ']' && c != '}' {
			dst = appendNewline(dst, depth)
		}
		open = false
		switch c {
		case '"':
			// The string's end: the next quote not escaped (an odd run
			// of backslashes before it escapes it).
			j := i + 1
			for {
				k := bytes.IndexByte(src[j:], '"')
				if k < 0 {
					j = len(src)
					break
				}
				j += k
				bs := 0
				for b := j - 1; b > i && src[b] == '\\'; b-- {
					bs++
				}
				if bs%2 == 0 {
					break
				}
				j++
			}
			end := min(j+1, len(src))
			dst = append(dst, src[i:end]...)
			i = end
			continue
		case '{', '[':
			dst = append(dst, c)
			depth++
			open = true
		case '}', ']':
			depth--
			if i > 0 && src[i-1] != '[' && src[i-1] != '{' {
				dst = appendNewline(dst, depth)
			}
			dst = append(dst, c)
		case ',':
			dst = appendNewline(append(dst, c), depth)
		case ':':
			dst = append(dst, ':', ' ')
		}
		i++
	}
	return dst
}

// jsonLayout is the bytes appendIndented acts on.
var jsonLayout = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true, ',': true, ':': true}

// appendNewline appends a line break and the indent of depth.
func appendNewline(dst []byte, depth int) []byte {
	if depth >= 0 && depth < len(indents) {
		return append(dst, indents[depth]...)
	}
	return append(dst, "\n    "+strings.Repeat("  ", max(depth, 0))...)
}

// runWindow is the dates the run covered.
func runWindow(res *analysis.Result) window {
	return window{date(res.From, res.From == 0), date(res.To, res.To == 0)}
}

// JSONL writes one pupil object per line, in priority order, for streaming
// into other tools. Each line stands alone: it carries the schema version,
// the run date and the window (so weekly runs can be appended to one file)
// and the rules. The data-quality account goes to stderr, as for the table.
func JSONL(w io.Writer, res *analysis.Result, meta Meta) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rm := rulesMeta(res)
	var extra bytes.Buffer
	extra.WriteByte(',')
	writeKey(&extra, "schema_version")
	writeValue(&extra, SchemaVersion)
	extra.WriteByte(',')
	writeKey(&extra, "as_of")
	writeValue(&extra, meta.AsOf)
	extra.WriteByte(',')
	writeKey(&extra, "window")
	writeValue(&extra, runWindow(res))
	format := func(buf *bytes.Buffer, pupils []*analysis.Pupil) error {
		var rec record
		for _, p := range pupils {
			if err := pupilJSON(buf, res, p, &rm, extra.Bytes(), &rec); err != nil {
				return err
			}
			buf.WriteByte('\n')
		}
		return nil
	}
	if err := inBlocksOf(jsonBlock, res.Pupils, format, bw.Write); err != nil {
		return err
	}
	return bw.Flush()
}

// jsonBlock is the pupils a block of the JSON formats (see inBlocksOf).
// A pupil's JSON record is four or five times a CSV row, and each slot's
// buffer grows to its largest block: at 256 pupils the JSON and JSON Lines
// runs on the 40,000-pupil year peaked at 104 to 114 MB, at 64 at 92 to
// 95 MB, in the same time (3 rounds taking turns).
const jsonBlock = 64

// Disclaimer is stated in every output: the tool flags, people decide.
const Disclaimer = "Attendance indicators for professional review. They are not findings of neglect or of any other concern about a child or family."
