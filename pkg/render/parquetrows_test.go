package render

import (
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
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
			got, err := pr.row(vals)
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
