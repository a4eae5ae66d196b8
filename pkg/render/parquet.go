package render

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// parquetField is one column of the Parquet pupil record: the flat record
// of the CSV, typed (int64 counts, doubles for rates, booleans, DATE for
// dates, a LIST of strings for factor_ids), nullable where a value may not
// apply.
type parquetField struct {
	name     string
	kind     kind
	nullable bool
}

// parquetFields is the Parquet record, in the CSV's column order.
func parquetFields() []parquetField {
	var out []parquetField
	for _, c := range pupilColumns {
		out = append(out, parquetField{c.name, c.kind, c.kind == kDate || c.kind == kFloat})
	}
	for _, n := range []string{"factors", "next_steps", "rules_name", "rules_version", "rules_hash"} {
		out = append(out, parquetField{n, kString, false})
	}
	for _, n := range codeColumns() {
		out = append(out, parquetField{n, kInt, false})
	}
	for _, c := range analystColumns {
		out = append(out, parquetField{c.name, c.kind, c.kind != kStrings})
	}
	return out
}

// parquetType is the Go struct the Parquet schema is read from: one field
// per column, tagged with its name; pointers are the nullable columns.
var parquetType = sync.OnceValue(func() reflect.Type {
	var fs []reflect.StructField
	for i, f := range parquetFields() {
		var t reflect.Type
		tag := f.name
		switch f.kind {
		case kInt:
			t = reflect.TypeFor[int64]()
		case kFloat:
			t = reflect.TypeFor[float64]()
		case kBool:
			t = reflect.TypeFor[bool]()
		case kDate:
			t, tag = reflect.TypeFor[int32](), tag+",date"
		case kStrings:
			t, tag = reflect.TypeFor[[]string](), tag+",list"
		default:
			t = reflect.TypeFor[string]()
		}
		if f.nullable {
			t = reflect.PointerTo(t)
		}
		fs = append(fs, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: t, Tag: reflect.StructTag(`parquet:"` + tag + `"`)})
	}
	return reflect.StructOf(fs)
})

// Parquet writes one row per pupil in priority order, with the CSV's
// columns, typed. The run's schema version, date and window are in the
// file's key-value metadata. Rows go out in row groups as they are
// written, so memory follows the row group, not the list.
func Parquet(w io.Writer, res *analysis.Result, meta Meta) error {
	t := parquetType()
	fields := parquetFields()
	schema := parquet.SchemaOf(reflect.New(t).Interface())
	opts := append([]parquet.WriterOption{schema}, parquetOptions(res, meta)...)
	// Each column's encoded pages wait in a buffer from the pool until
	// the row group is written. The library's pool gives them 32 KB
	// chunks: with 154 columns that is about 5 MB held a row group, most
	// of it empty (a column's pages for 1,024 rows are a few KB), and the
	// collector's headroom over it. 4 KB chunks (the smallest the library
	// makes) hold what the pages take. Only where the pages wait changes,
	// not what is written (TestParquetSameBytesAsBoxed).
	opts = append(opts, parquet.ColumnPageBuffers(parquet.NewChunkBufferPool(4<<10)))
	pw := parquet.NewWriter(w, opts...)
	rm := rulesMeta(res)
	codes := mark.Table()
	if _, err := newParquetRows(schema, fields); err != nil {
		return err
	}
	// The rows are made a block at a time on every core (inOrder), as
	// the CSV lines are: making them (the factors' evidence, the analyst
	// columns) was most of the writer's time on one goroutine. The writer
	// takes them in the pupils' order, one row a call, as Writer.Write
	// wrote them, so the pages break where they did and the file is the
	// same bytes.
	newSlot := func() *parquetSlot {
		pr, _ := newParquetRows(schema, fields) // checked above
		return &parquetSlot{cells: parquetCells{pr: pr}, rows: make([]parquet.Row, parquetBlock)}
	}
	format := func(sl *parquetSlot, ps []*analysis.Pupil) error {
		sl.n = 0
		// The block before in this slot is written: its text, which the
		// writer copied into its pages, can be overwritten.
		sl.cells.text = sl.cells.text[:0]
		for i, p := range ps {
			row, err := sl.cells.pupil(sl.rows[i][:0], &sl.rec, res, p, rm, codes)
			if err != nil {
				return err
			}
			sl.rows[i] = row
			sl.n = i + 1
		}
		return nil
	}
	one := make([]parquet.Row, 1)
	write := func(sl *parquetSlot) error {
		for i := range sl.n {
			one[0] = sl.rows[i]
			if _, err := pw.WriteRows(one); err != nil {
				return err
			}
		}
		return nil
	}
	if err := inOrder(parquetBlock, res.Pupils, newSlot, format, write); err != nil {
		return err
	}
	return pw.Close()
}

// parquetOptions are the writer's options, which with the rows decide
// every byte of the file.
func parquetOptions(res *analysis.Result, meta Meta) []parquet.WriterOption {
	win := runWindow(res)
	return []parquet.WriterOption{
		parquet.KeyValueMetadata("attendrisk.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("attendrisk.version", meta.Version),
		parquet.KeyValueMetadata("attendrisk.as_of", meta.AsOf),
		parquet.KeyValueMetadata("attendrisk.window_from", win.From),
		parquet.KeyValueMetadata("attendrisk.window_to", win.To),
		parquet.KeyValueMetadata("attendrisk.note", Disclaimer),
		// Row groups of 1,024 pupils, each column's pages cut at 32 KB:
		// the writer holds a row group's pages, and a page buffer for each
		// of 154 columns, in memory until the group is written out.
		// With 8,192 pupils and the library's 256 KB buffers that was
		// about 20 MB of live heap beside the results, which the
		// collector's headroom doubled: Parquet peaked at 1.21 times the
		// CSV run on an authority's year. Now it is about 2 MB, for a file
		// about 4% larger (more pages and row groups, each with its own
		// dictionaries and statistics); readers see the same rows.
		parquet.PageBufferSize(32 << 10),
		parquet.MaxRowsPerRowGroup(1024),
	}
}

// parquetBlock is the pupils in one block of rows made on a core: 32 rows
// of 154 values each (24 bytes a value), about 120 KB a block with its
// text, of which GOMAXPROCS+1 are held at once, live beside the writer's
// pages: at 128 the authority year's run peaked 4 to 6 MB higher (at
// GOGC 50). A block of 32 is still some 300 µs of work (about 10 µs a
// pupil), against a hand-off between goroutines of a microsecond or so.
const parquetBlock = 32

// parquetSlot is one block's rows, reused from block to block: each row's
// values, and the text made for them, keep their memory.
type parquetSlot struct {
	cells parquetCells
	rec   record
	rows  []parquet.Row // the first n hold the block's rows
	n     int
}

// parquetCells makes a pupil's parquet.Row straight from the columns'
// typed values: it is the cellWriter the columns write to, each value
// appended as the next column's. Going through a value boxed in an
// interface for every cell, and a string made for the factors and the
// next steps of every pupil, were most of the Parquet output's garbage
// (some 145 of the 185 MB it allocated on an authority's year; 39 MB
// now, mostly the evidence sentences and the library's buffers). A value
// of a kind its column does not have (no column writes one) goes the way
// a boxed value went (parquetRows.value), so the row is always the one
// the boxed values gave (TestParquetCellsMatchRows, TestParquetCellsKinds).
type parquetCells struct {
	pr  *parquetRows
	row parquet.Row
	col int // the column (and field) the next value is for
	// text holds the text made for the block's rows (the factors, the
	// next steps), which their values refer to; it is reset when the
	// block is written (the writer copies a value's bytes into its page
	// buffers), so it grows to the largest block's text and no further.
	text []byte
	err  error
}

// pupil appends p's row to row, every column in parquetFields' order:
// the established columns, the factors, steps and rules, the code
// counts, then the analyst columns (loaded into rec, which is reused).
func (c *parquetCells) pupil(row parquet.Row, rec *record, res *analysis.Result, p *analysis.Pupil, rm RulesMeta, codes []mark.Code) (parquet.Row, error) {
	c.row, c.col, c.err = row, 0, nil
	for _, col := range pupilColumns {
		col.put(p, c)
	}
	start := len(c.text)
	c.text = appendFactors(c.text, p, " | ")
	c.putBytes(c.text[start:])
	start = len(c.text)
	c.text = appendSteps(c.text, p, " | ")
	c.putBytes(c.text[start:])
	c.putText(rm.Name)
	c.putText(rm.Version)
	c.putText(rm.Hash)
	for _, code := range codes {
		c.putInt(p.Figures.Codes.Get(code.ID))
	}
	rec.load(res, p)
	for _, col := range analystColumns {
		col.put(rec, c)
	}
	if c.err == nil && c.col != len(c.pr.leaves) {
		c.err = fmt.Errorf("parquet: %d values for %d columns", c.col, len(c.pr.leaves))
	}
	return c.row, c.err
}

// add appends v as the next column's value, not null.
func (c *parquetCells) add(v parquet.Value) {
	c.row = append(c.row, v.Level(0, c.pr.leaves[c.col].maxDef, c.col))
	c.col++
}

// boxed appends v as the boxed value went, for a value its column's kind
// does not take (and for null).
func (c *parquetCells) boxed(v any) {
	if c.col >= len(c.pr.leaves) {
		c.col++ // counted: pupil reports the mismatch
		return
	}
	row, err := c.pr.value(c.row, c.pr.leaves[c.col], v)
	if err != nil && c.err == nil {
		c.err = err
	}
	c.row = row
	c.col++
}

// kindIs reports whether the next column is of kind k.
func (c *parquetCells) kindIs(k kind) bool {
	return c.col < len(c.pr.leaves) && c.pr.fields[c.col].kind == k
}

func (c *parquetCells) putNull() { c.boxed(nil) }

func (c *parquetCells) putText(s string) {
	if !c.kindIs(kString) {
		c.boxed(s)
		return
	}
	// The value refers to s's bytes, which the writer only reads (and
	// copies into its page buffers); unsafe spares the copy []byte(s)
	// would make of every name and id.
	c.add(parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))))
}

// putBytes appends text held in c.text.
func (c *parquetCells) putBytes(b []byte) {
	if !c.kindIs(kString) {
		c.boxed(string(b))
		return
	}
	c.add(parquet.ByteArrayValue(b))
}

func (c *parquetCells) putInt(n int) {
	if !c.kindIs(kInt) {
		c.boxed(n)
		return
	}
	c.add(parquet.Int64Value(int64(n)))
}

func (c *parquetCells) putFloat(f float64) {
	if !c.kindIs(kFloat) {
		c.boxed(f)
		return
	}
	c.add(parquet.DoubleValue(f))
}

func (c *parquetCells) putBool(b bool) {
	if !c.kindIs(kBool) {
		c.boxed(b)
		return
	}
	c.add(parquet.BooleanValue(b))
}

// putDate writes d's days since 1970-01-01, which register.Day is: the
// number the yyyy-mm-dd text parsed gave. A year the text cannot give
// (outside 0 to 9999) goes as the text did, and fails as it did.
func (c *parquetCells) putDate(d register.Day) {
	if y, _, _ := d.Civil(); !c.kindIs(kDate) || y < 0 || y > 9999 {
		c.boxed(isoDay(d))
		return
	}
	c.add(parquet.Int32Value(int32(d)))
}

func (c *parquetCells) putList(l []string) {
	if !c.kindIs(kStrings) {
		c.boxed(l)
		return
	}
	// The values refer to the strings, not to l, which the column reuses.
	row, err := c.pr.value(c.row, c.pr.leaves[c.col], l)
	if err != nil && c.err == nil {
		c.err = err
	}
	c.row = row
	c.col++
}

// parquetRows is where each field's values go in a parquet.Row: the
// column and the levels Schema.Deconstruct gives the struct of
// parquetType (TestParquetRowsMatchDeconstruct), so that a row is made
// without the struct: going through it by reflection, and Deconstruct's
// per-row slices, were most of the Parquet output's time and garbage.
type parquetRows struct {
	fields []parquetField
	// leaves is, in column order, the field each leaf column holds and
	// its levels.
	leaves []parquetLeaf
}

type parquetLeaf struct {
	field  int // index into fields (and the values)
	column int
	maxDef int
}

func newParquetRows(schema *parquet.Schema, fields []parquetField) (*parquetRows, error) {
	pr := &parquetRows{fields: fields}
	for i, f := range fields {
		path := []string{f.name}
		if f.kind == kStrings {
			path = append(path, "list", "element")
		}
		leaf, ok := schema.Lookup(path...)
		if !ok {
			return nil, fmt.Errorf("parquet: no column %s", strings.Join(path, "."))
		}
		pr.leaves = append(pr.leaves, parquetLeaf{i, leaf.ColumnIndex, leaf.MaxDefinitionLevel})
	}
	// parquetCells appends the values in the fields' order: each field
	// must be the column of its index (parquetType's fields are).
	for i, l := range pr.leaves {
		if l.column != i {
			return nil, fmt.Errorf("parquet: field %d is column %d", i, l.column)
		}
	}
	return pr, nil
}

// value appends v, a column's value boxed (string, int, float64, bool,
// []string, or nil for null: as column.get gives it), as leaf l's value
// or values.
func (pr *parquetRows) value(row parquet.Row, l parquetLeaf, v any) (parquet.Row, error) {
	f := pr.fields[l.field]
	if f.nullable && v == nil {
		return append(row, parquet.NullValue().Level(0, 0, l.column)), nil
	}
	var pv parquet.Value
	switch f.kind {
	case kInt:
		n, _ := v.(int)
		pv = parquet.Int64Value(int64(n))
	case kFloat:
		x, _ := v.(float64)
		pv = parquet.DoubleValue(x)
	case kBool:
		b, _ := v.(bool)
		pv = parquet.BooleanValue(b)
	case kDate:
		s, _ := v.(string)
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return row, err
		}
		pv = parquet.Int32Value(int32(d.Unix() / 86400))
	case kStrings:
		list, _ := v.([]string)
		if len(list) == 0 {
			return append(row, parquet.NullValue().Level(0, l.maxDef-1, l.column)), nil
		}
		for i, s := range list {
			row = append(row, parquet.ValueOf(s).Level(min(i, 1), l.maxDef, l.column))
		}
		return row, nil
	default:
		// ValueOf refers to the text: the writer copies it into its page
		// buffers.
		if _, ok := v.(string); !ok {
			v = ""
		}
		pv = parquet.ValueOf(v)
	}
	return append(row, pv.Level(0, l.maxDef, l.column)), nil
}
