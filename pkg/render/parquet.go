package render

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
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
	win := runWindow(res)
	schema := parquet.SchemaOf(reflect.New(t).Interface())
	pw := parquet.NewWriter(w, schema,
		parquet.KeyValueMetadata("attendrisk.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("attendrisk.version", meta.Version),
		parquet.KeyValueMetadata("attendrisk.as_of", meta.AsOf),
		parquet.KeyValueMetadata("attendrisk.window_from", win.From),
		parquet.KeyValueMetadata("attendrisk.window_to", win.To),
		parquet.KeyValueMetadata("attendrisk.note", Disclaimer),
		// Row groups of 1,024 pupils, each column's pages cut at 32 KB:
		// the writer holds a row group's pages, and a page buffer for each
		// of some 170 columns, in memory until the group is written out.
		// With 8,192 pupils and the library's 256 KB buffers that was
		// about 20 MB of live heap beside the results, which the
		// collector's headroom doubled: Parquet peaked at 1.21 times the
		// CSV run on an authority's year. Now it is about 2 MB, for a file
		// about 4% larger (more pages and row groups, each with its own
		// dictionaries and statistics); readers see the same rows.
		parquet.PageBufferSize(32<<10),
		parquet.MaxRowsPerRowGroup(1024))
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
		return &parquetSlot{pr: pr, vals: make([]any, len(fields)), rows: make([]parquet.Row, parquetBlock)}
	}
	format := func(sl *parquetSlot, ps []*analysis.Pupil) error {
		sl.n = 0
		for i, p := range ps {
			parquetValues(sl.vals, &sl.rec, res, p, rm, codes)
			row, err := sl.pr.row(sl.vals)
			if err != nil {
				return err
			}
			// A copy: the row is pr's buffer, reused for the next pupil.
			// Its values refer to the pupil's text, which is not reused.
			sl.rows[i] = append(sl.rows[i][:0], row...)
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

// parquetBlock is the pupils in one block of rows made on a core: 128
// rows of some 200 values each, about 600 KB a block, of which GOMAXPROCS+1
// are held at once.
const parquetBlock = 128

// parquetSlot is one block's rows, reused from block to block.
type parquetSlot struct {
	pr   *parquetRows
	rec  record
	vals []any
	rows []parquet.Row // the first n hold the block's rows
	n    int
}

// parquetValues fills vals with a pupil's value for every column of the
// file, in parquetFields' order: the established columns, the factors,
// steps and rules, the code counts, then the analyst columns (loaded into
// rec, which is reused).
func parquetValues(vals []any, rec *record, res *analysis.Result, p *analysis.Pupil, rm RulesMeta, codes []mark.Code) {
	k := 0
	for _, c := range pupilColumns {
		vals[k] = c.get(p)
		k++
	}
	for _, v := range []string{factorsText(p, " | "), stepsText(p, " | "), rm.Name, rm.Version, rm.Hash} {
		vals[k] = v
		k++
	}
	for _, c := range codes {
		vals[k] = p.Figures.Codes.Get(c.ID)
		k++
	}
	rec.load(res, p)
	for _, c := range analystColumns {
		vals[k] = c.get(rec)
		k++
	}
}

// parquetRows builds a pupil's parquet.Row directly from the column
// values, in the schema's column order with the levels Schema.Deconstruct
// gives the struct of parquetType (TestParquetRowsMatchDeconstruct): going
// through the struct by reflection, and Deconstruct's per-row slices, were
// most of the Parquet output's time and garbage. The row is reused.
type parquetRows struct {
	fields []parquetField
	// leaves is, in column order, the field each leaf column holds and
	// its levels.
	leaves []parquetLeaf
	buf    parquet.Row
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
	sort.Slice(pr.leaves, func(i, j int) bool { return pr.leaves[i].column < pr.leaves[j].column })
	for i, l := range pr.leaves {
		if l.column != i {
			return nil, fmt.Errorf("parquet: column %d of %d fields", l.column, len(fields))
		}
	}
	return pr, nil
}

// row converts vals (as setParquet reads them) to a row.
func (pr *parquetRows) row(vals []any) (parquet.Row, error) {
	row := pr.buf[:0]
	for _, l := range pr.leaves {
		f, v := pr.fields[l.field], vals[l.field]
		if f.nullable && v == nil {
			row = append(row, parquet.NullValue().Level(0, 0, l.column))
			continue
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
				return nil, err
			}
			pv = parquet.Int32Value(int32(d.Unix() / 86400))
		case kStrings:
			list, _ := v.([]string)
			if len(list) == 0 {
				row = append(row, parquet.NullValue().Level(0, l.maxDef-1, l.column))
				continue
			}
			for i, s := range list {
				row = append(row, parquet.ValueOf(s).Level(min(i, 1), l.maxDef, l.column))
			}
			continue
		default:
			// ValueOf refers to the text where ByteArrayValue would copy
			// it: the writer copies it into its page buffers.
			if _, ok := v.(string); !ok {
				v = ""
			}
			pv = parquet.ValueOf(v)
		}
		row = append(row, pv.Level(0, l.maxDef, l.column))
	}
	pr.buf = row
	return row, nil
}
