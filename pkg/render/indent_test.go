package render

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestIndentPupil checks the JSON output's own indenter against
// json.Indent, which it replaces for speed: on awkward values (escaped
// quotes and backslashes, brackets and colons inside strings, empty and
// nested containers) and on every pupil of the fixture run with rules.
func TestIndentPupil(t *testing.T) {
	docs := []string{
		`{}`,
		`[]`,
		`{"a":[],"b":{},"c":[{}],"d":[[]]}`,
		`{"s":"a \"quoted\" word","t":"ends in a backslash\\","u":"\\\"","v":"[{,:}]"}`,
		`{"n":null,"t":true,"f":false,"x":-1.25e-7,"i":0}`,
		`{"factors":[{"id":"a","evidence":["one","two: \u003cthree\u003e"]},{"id":"b","evidence":[]}],"codes":{"/":1,"\\":2}}`,
		`{"nested":{"deeper":{"deepest":[1,[2,[3,{}]]]}}}`,
		`[[[[[[[[[[{"ten":[1,{"x":"deep"}]}]]]]]]]]]]`,
	}
	res := tableRulesResult(t)
	rm := rulesMeta(res)
	var rec record
	for _, p := range res.Pupils {
		var b bytes.Buffer
		if err := pupilJSON(&b, res, p, &rm, nil, &rec); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b.String())
	}
	for _, doc := range docs {
		if !json.Valid([]byte(doc)) {
			t.Fatalf("test document is not JSON: %s", doc)
		}
		var want, got bytes.Buffer
		if err := json.Indent(&want, []byte(doc), "    ", "  "); err != nil {
			t.Fatal(err)
		}
		indentPupil(&got, []byte(doc))
		if d := cmp.Diff(want.String(), got.String()); d != "" {
			t.Errorf("indentPupil(%s) differs from json.Indent (-want +got):\n%s", doc, d)
		}
	}
}

// TestWriteValue checks writeValue's direct paths against json.Marshal,
// which they must match byte for byte.
func TestWriteValue(t *testing.T) {
	values := []any{
		nil, 0, -1, 255, 256, 1 << 40, true, false,
		"", "plain text", `a "quote"`, `back\slash`, "<b>&amp;</b>", "tab\there", "line\nbreak", "£ pound", "\u2028", "\xff invalid",
		0.0, math.Copysign(0, -1), 1.0, 12.5, 33.33, -7.25, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, math.SmallestNonzeroFloat64, math.MaxFloat64,
		[]string(nil), []string{}, []string{"a", "b"}, []string{"a", "<b>"},
		map[string]int{"b": 2, "a": 1}, struct{ A int }{1},
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeValue(&got, v); err != nil {
			t.Fatalf("writeValue(%#v): %v", v, err)
		}
		if d := cmp.Diff(string(want), got.String()); d != "" {
			t.Errorf("writeValue(%#v) (-json.Marshal +got):\n%s", v, d)
		}
	}
	for _, v := range []any{math.NaN(), math.Inf(1)} {
		if err := writeValue(&bytes.Buffer{}, v); err == nil {
			t.Errorf("writeValue(%v): no error, as json.Marshal gives", v)
		}
	}
}
