package render

import (
	"io"
	"reflect"
	"strconv"
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
	pw := parquet.NewWriter(w, parquet.SchemaOf(reflect.New(t).Interface()),
		parquet.KeyValueMetadata("attendrisk.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("attendrisk.version", meta.Version),
		parquet.KeyValueMetadata("attendrisk.as_of", meta.AsOf),
		parquet.KeyValueMetadata("attendrisk.window_from", win.From),
		parquet.KeyValueMetadata("attendrisk.window_to", win.To),
		parquet.KeyValueMetadata("attendrisk.note", Disclaimer),
		// Row groups of 8,192 pupils: the writer holds one row group in
		// memory, so memory stays flat however long the list.
		parquet.MaxRowsPerRowGroup(8192))
	rm := rulesMeta(res)
	codes := mark.Table()
	row := reflect.New(t).Elem()
	vals := make([]any, len(fields))
	var rec record
	for _, p := range res.Pupils {
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
			vals[k] = c.get(&rec)
			k++
		}
		for i, f := range fields {
			if err := setParquet(row.Field(i), f, vals[i]); err != nil {
				return err
			}
		}
		if err := pw.Write(row.Addr().Interface()); err != nil {
			return err
		}
	}
	return pw.Close()
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
