package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// validate checks v against the subset of JSON Schema that JSONSchema
// uses: type (one or a list), properties, required, additionalProperties
// (false or a schema), items and const.
func validate(schema map[string]any, v any, path string) []string {
	var errs []string
	if t, ok := schema["type"]; ok {
		var types []string
		switch x := t.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, s := range x {
				types = append(types, s.(string))
			}
		}
		if !slices.Contains(types, jsonTypeOf(v)) && !(jsonTypeOf(v) == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %s", path, jsonTypeOf(v), strings.Join(types, " or "))}
		}
	}
	if c, ok := schema["const"]; ok && c != v {
		errs = append(errs, fmt.Sprintf("%s: %v, want %v", path, v, c))
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: no %q", path, r))
			}
		}
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(ps, val, path+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: %q is not in the schema", path, k))
				}
			case map[string]any:
				errs = append(errs, validate(ap, val, path+"."+k)...)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, validate(items, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func asStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, s := range l {
		out = append(out, s.(string))
	}
	return out
}

// jsonTypeOf names a decoded JSON value's type; a whole number is an
// integer (decoded with UseNumber).
func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestJSONMatchesSchema validates every pupil of the JSON and JSON Lines
// outputs, with and without rules, against `attendrisk schema`.
func TestJSONMatchesSchema(t *testing.T) {
	var sb bytes.Buffer
	if err := JSONSchema(&sb); err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(sb.Bytes(), &schema); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"figures only", "rules", "table rules"} {
		t.Run(name, func(t *testing.T) {
			r := goldenResult(t)
			switch name {
			case "rules":
				r = rulesResult(t)
			case "table rules":
				r = tableRulesResult(t)
			}
			var b bytes.Buffer
			if err := JSON(&b, r, goldenMeta); err != nil {
				t.Fatal(err)
			}
			doc := decode(t, b.Bytes()).(map[string]any)
			if doc["schema_version"] != SchemaVersion {
				t.Errorf("schema_version %v", doc["schema_version"])
			}
			pupils := doc["pupils"].([]any)
			if len(pupils) == 0 {
				t.Fatal("no pupils")
			}
			for i, p := range pupils {
				for _, e := range validate(schema, p, fmt.Sprintf("pupils[%d]", i)) {
					t.Error(e)
				}
			}
			b.Reset()
			if err := JSONL(&b, r, goldenMeta); err != nil {
				t.Fatal(err)
			}
			for i, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				for _, e := range validate(schema, decode(t, []byte(l)), fmt.Sprintf("line %d", i+1)) {
					t.Error(e)
				}
			}
		})
	}
}

// TestValidatorRejects makes sure the validator can fail: a wrong type, a
// missing field and an unknown field are each caught.
func TestValidatorRejects(t *testing.T) {
	var sb bytes.Buffer
	if err := JSONSchema(&sb); err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	json.Unmarshal(sb.Bytes(), &schema)
	var b bytes.Buffer
	if err := JSONL(&b, goldenResult(t), goldenMeta); err != nil {
		t.Fatal(err)
	}
	line := strings.SplitN(b.String(), "\n", 2)[0]
	for _, tc := range []struct{ name, from, to, want string }{
		{"type", `"possible_sessions":6`, `"possible_sessions":"6"`, "possible_sessions: string, want integer"},
		{"missing", `"rank":1,`, ``, `no "rank"`},
		{"unknown", `{"pupil_id"`, `{"extra":1,"pupil_id"`, `"extra" is not in the schema`},
		{"null", `"possible_sessions":6`, `"possible_sessions":null`, "possible_sessions: null"},
	} {
		bad := strings.Replace(line, tc.from, tc.to, 1)
		if bad == line {
			t.Fatalf("%s: %q not in the line", tc.name, tc.from)
		}
		errs := validate(schema, decode(t, []byte(bad)), "line")
		if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
			t.Errorf("%s: errors %q, want one containing %q", tc.name, errs, tc.want)
		}
	}
}
