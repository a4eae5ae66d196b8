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

// FuzzIndentPupil holds the indenter to json.Indent on any JSON document
// in the compact form pupilJSON writes (no white space outside strings).
func FuzzIndentPupil(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":"c\"]"}],"d":{}}`, `[[[[[[[[[[[]]]]]]]]]]]`, `"x\\"`, `{"k":"\u003c\\\\"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var src bytes.Buffer
		if !json.Valid([]byte(doc)) || json.Compact(&src, []byte(doc)) != nil {
			t.Skip()
		}
		var want, got bytes.Buffer
		if err := json.Indent(&want, src.Bytes(), "    ", "  "); err != nil {
			t.Fatal(err)
		}
		indentPupil(&got, src.Bytes())
		if want.String() != got.String() {
			t.Fatalf("indentPupil(%s) = %q, json.Indent %q", src.Bytes(), got.String(), want.String())
		}
	})
}

// FuzzJSONString holds the JSON writers' own string escaping to
// json.Marshal's, for a string and a list of strings.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"q" \ b`, "<a&b>", "\x00\x1f\x7f", "\u2028\u2029", "caf\u00e9", "\xff\xc2", "\ufffd", "tab\there\nline"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q) = %s, json.Marshal %s", s, got, want)
		}
		list := []string{s, "x", s}
		want, _ = json.Marshal(list)
		var b bytes.Buffer
		if err := writeJSONStrings(&b, list); err != nil || b.String() != string(want) {
			t.Fatalf("writeJSONStrings(%q) = %s (%v), json.Marshal %s", list, b.String(), err, want)
		}
	})
}
