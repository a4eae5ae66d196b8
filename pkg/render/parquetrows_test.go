package render

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestParquetRowsMatchDeconstruct: the rows parquetRows builds are the
// rows Schema.Deconstruct made of the struct of parquetType filled by
// reflection (setParquet, below, as Parquet wrote them before), value for
// value with the same levels and columns, for every pupil of the sample
// school and of a synthetic 2,000-pupil school, so the file is the same.
func TestParquetRowsMatchDeconstruct(t *testing.T) {
	for _, res := range []*analysis.Result{goldenResult(t), benchResult(t)} {
		typ := parquetType()
		fields := parquetFields()
		schema := parquet.SchemaOf(reflect.New(typ).Interface())
		pr, err := newParquetRows(schema, fields)
		if err != nil {
			t.Fatal(err)
		}
		rm := rulesMeta(res)
		codes := mark.Table()
		st := reflect.New(typ).Elem()
		vals := make([]any, len(fields))
		var rec record
		for _, p := range res.Pupils {
			parquetValues(vals, &rec, res, p, rm, codes)
			for i, f := range fields {
				if err := setParquet(st.Field(i), f, vals[i]); err != nil {
					t.Fatal(err)
				}
			}
			want := schema.Deconstruct(nil, st.Addr().Interface())
			got, err := pr.row(nil, vals)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Fatalf("pupil %s: row\n%v\nwant (Deconstruct)\n%v", p.ID, got, want)
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.Column() != w.Column() || g.RepetitionLevel() != w.RepetitionLevel() || g.DefinitionLevel() != w.DefinitionLevel() || g.Kind() != w.Kind() {
					t.Fatalf("pupil %s: value %d is %v (column %d, levels %d/%d), Deconstruct gives %v (column %d, levels %d/%d)", p.ID, i,
						g, g.Column(), g.RepetitionLevel(), g.DefinitionLevel(), w, w.Column(), w.RepetitionLevel(), w.DefinitionLevel())
				}
			}
		}
	}
}

// setParquet stores v (a column's value: string, int, float64, bool,
// []string, or nil) in the struct field of its column.
func setParquet(fv reflect.Value, f parquetField, v any) error {
	if f.nullable {
		if v == nil {
			fv.SetZero()
			return nil
		}
		if fv.IsNil() {
			fv.Set(reflect.New(fv.Type().Elem()))
		}
		fv = fv.Elem()
	}
	switch f.kind {
	case kInt:
		n, _ := v.(int)
		fv.SetInt(int64(n))
	case kFloat:
		x, _ := v.(float64)
		fv.SetFloat(x)
	case kBool:
		b, _ := v.(bool)
		fv.SetBool(b)
	case kDate:
		s, _ := v.(string)
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return err
		}
		fv.SetInt(d.Unix() / 86400)
	case kStrings:
		l, _ := v.([]string)
		if l == nil {
			l = []string{}
		}
		fv.Set(reflect.ValueOf(l))
	default:
		s, _ := v.(string)
		fv.SetString(s)
	}
	return nil
}

// parquetValues fills vals with a pupil's value for every column of the
// file, boxed as column.get gives it, in parquetFields' order: how the
// rows were made before parquetCells, kept as what parquetCells must give.
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

// row appends the row of vals (as parquetValues gives them) to row.
func (pr *parquetRows) row(row parquet.Row, vals []any) (parquet.Row, error) {
	for _, l := range pr.leaves {
		var err error
		if row, err = pr.value(row, l, vals[l.field]); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// sameValues reports where two rows differ: value, kind, column or levels
// (Row.Equal does not compare the columns).
func sameValues(got, want parquet.Row) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Kind() != w.Kind() || g.IsNull() != w.IsNull() || g.Column() != w.Column() ||
			g.RepetitionLevel() != w.RepetitionLevel() || g.DefinitionLevel() != w.DefinitionLevel() ||
			!bytes.Equal(g.Bytes(), w.Bytes()) {
			return fmt.Errorf("value %d is %v (column %d, levels %d/%d), want %v (column %d, levels %d/%d)", i,
				g, g.Column(), g.RepetitionLevel(), g.DefinitionLevel(), w, w.Column(), w.RepetitionLevel(), w.DefinitionLevel())
		}
	}
	return nil
}

// TestParquetCellsMatchRows: the row parquetCells makes from the columns'
// typed values is the row of the boxed values (parquetValues, as the rows
// were made before), for every pupil of the sample school and of a
// synthetic 2,000-pupil school with the default rules, the text of one
// pupil after another kept in one buffer as a block's is.
func TestParquetCellsMatchRows(t *testing.T) {
	for _, res := range []*analysis.Result{goldenResult(t), benchResult(t)} {
		fields := parquetFields()
		schema := parquet.SchemaOf(reflect.New(parquetType()).Interface())
		pr, err := newParquetRows(schema, fields)
		if err != nil {
			t.Fatal(err)
		}
		rm := rulesMeta(res)
		codes := mark.Table()
		vals := make([]any, len(fields))
		var rec, rec2 record
		cells := parquetCells{pr: pr}
		var rows []parquet.Row
		for _, p := range res.Pupils {
			got, err := cells.pupil(nil, &rec, res, p, rm, codes)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, got)
		}
		for i, p := range res.Pupils {
			parquetValues(vals, &rec2, res, p, rm, codes)
			want, err := pr.row(nil, vals)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameValues(rows[i], want); err != nil {
				t.Fatalf("pupil %s: %v", p.ID, err)
			}
		}
	}
}

// cellCase is one value written to a cellWriter, and the value boxed as
// column.get gives it.
type cellCase struct {
	name  string
	put   func(w cellWriter)
	boxed any
}

func cellCases(n int, f float64, s string, d register.Day, b bool) []cellCase {
	return []cellCase{
		{"null", func(w cellWriter) { w.putNull() }, nil},
		{"text", func(w cellWriter) { w.putText(s) }, s},
		{"no text", func(w cellWriter) { w.putText("") }, ""},
		{"int", func(w cellWriter) { w.putInt(n) }, n},
		{"float", func(w cellWriter) { w.putFloat(f) }, f},
		{"bool", func(w cellWriter) { w.putBool(b) }, b},
		{"date", func(w cellWriter) { w.putDate(d) }, isoDay(d)},
		{"no list", func(w cellWriter) { w.putList(nil) }, []string{}},
		{"list", func(w cellWriter) { w.putList([]string{s, "b"}) }, []string{s, "b"}},
	}
}

// checkCells writes each case as every column's value with parquetCells
// and checks the value (and the error) against the boxed value's.
func checkCells(t *testing.T, cases []cellCase) {
	t.Helper()
	fields := parquetFields()
	schema := parquet.SchemaOf(reflect.New(parquetType()).Interface())
	pr, err := newParquetRows(schema, fields)
	if err != nil {
		t.Fatal(err)
	}
	c := parquetCells{pr: pr}
	for col, l := range pr.leaves {
		for _, k := range cases {
			c.row, c.col, c.err = c.row[:0], col, nil
			k.put(&c)
			want, werr := pr.value(nil, l, k.boxed)
			if (c.err == nil) != (werr == nil) || (werr != nil && c.err.Error() != werr.Error()) {
				t.Fatalf("column %s, %s: error %v, want %v", fields[col].name, k.name, c.err, werr)
			}
			if werr != nil {
				continue
			}
			if c.col != col+1 {
				t.Fatalf("column %s, %s: next column %d, want %d", fields[col].name, k.name, c.col, col+1)
			}
			if err := sameValues(c.row, want); err != nil {
				t.Fatalf("column %s, %s: %v", fields[col].name, k.name, err)
			}
		}
	}
}

// TestParquetCellsKinds: a value of any kind written to a column of any
// kind gives what the boxed value gave (a kind the column does not have
// reads as its zero, as a type assertion that failed did), dates outside
// the years the yyyy-mm-dd text can give fail as the text did, and null
// is null or the kind's zero as the column is nullable or not.
func TestParquetCellsKinds(t *testing.T) {
	for _, d := range []register.Day{0, register.MustDay(2025, 9, 3), -1, register.MustDay(1900, 3, 1), -719529, -719528, 2932896, 2932897, math.MaxInt32, math.MinInt32} {
		checkCells(t, cellCases(-3, 2.5, "=x", d, true))
	}
	checkCells(t, cellCases(math.MaxInt, math.NaN(), "", 1, false))
}

// FuzzParquetCells: as TestParquetCellsKinds, for any values.
func FuzzParquetCells(f *testing.F) {
	f.Add(int64(7), 12.25, "text", int32(20000), true)
	f.Add(int64(-1), math.Inf(-1), "", int32(-800000), false)
	f.Fuzz(func(t *testing.T, n int64, x float64, s string, d int32, b bool) {
		checkCells(t, cellCases(int(n), x, s, register.Day(d), b))
	})
}

// parquetBoxed writes the file as Parquet wrote it before parquetCells:
// on one goroutine, each row made from the boxed values, one row a call,
// with the writer's options and nothing else.
func parquetBoxed(w io.Writer, res *analysis.Result, meta Meta) error {
	fields := parquetFields()
	schema := parquet.SchemaOf(reflect.New(parquetType()).Interface())
	pw := parquet.NewWriter(w, append([]parquet.WriterOption{schema}, parquetOptions(res, meta)...)...)
	pr, err := newParquetRows(schema, fields)
	if err != nil {
		return err
	}
	rm := rulesMeta(res)
	codes := mark.Table()
	vals := make([]any, len(fields))
	var rec record
	for _, p := range res.Pupils {
		parquetValues(vals, &rec, res, p, rm, codes)
		row, err := pr.row(nil, vals)
		if err != nil {
			return err
		}
		if _, err := pw.WriteRows([]parquet.Row{row}); err != nil {
			return err
		}
	}
	return pw.Close()
}

// TestParquetSameBytesAsBoxed: the file is byte for byte the one the
// boxed values gave on one goroutine, on 1, 2, 3 and 8 cores, for lists
// that end on either side of a block (parquetBlock) and of a row group
// (1,024 rows), and for none or one pupil.
func TestParquetSameBytesAsBoxed(t *testing.T) {
	res := benchResult(t)
	for _, n := range []int{0, 1, parquetBlock - 1, parquetBlock, parquetBlock + 1, 1023, 1024, 1025, len(res.Pupils)} {
		sub := *res
		sub.Pupils = res.Pupils[:n]
		var want bytes.Buffer
		if err := parquetBoxed(&want, &sub, goldenMeta); err != nil {
			t.Fatal(err)
		}
		for _, procs := range []int{1, 2, 3, 8} {
			var got bytes.Buffer
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				if err := Parquet(&got, &sub, goldenMeta); err != nil {
					t.Fatal(err)
				}
			}()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%d pupils on %d cores: %d bytes, not the %d the boxed values gave", n, procs, got.Len(), want.Len())
			}
		}
	}
}
