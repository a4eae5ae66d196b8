package render

import (
	"encoding/json"
	"io"
)

// pupilNullable says whether an established pupil field may be null: the
// dates (a pupil given only as counts) and the rates (no possible session).
func pupilNullable(c column) bool { return c.kind == kDate || c.kind == kFloat }

// JSONSchema writes a JSON Schema (draft 2020-12) of the pupil record in the
// JSON output's "pupils" array and on each JSON Lines line, generated from
// the same column lists the writers use. The fields only a JSON Lines line
// carries (the rules, the schema version, the run date and window) are
// described but not required.
func JSONSchema(w io.Writer) error {
	props := map[string]any{}
	var required []string
	typ := func(k kind, nullable bool) any {
		if nullable {
			return []string{k.jsonType(), "null"}
		}
		return k.jsonType()
	}
	add := func(name string, p map[string]any, req bool) {
		props[name] = p
		if req {
			required = append(required, name)
		}
	}
	for _, c := range pupilColumns {
		p := map[string]any{"type": typ(c.kind, pupilNullable(c))}
		if c.kind == kDate {
			p["format"] = "date"
		}
		add(c.name, p, true)
	}
	str := map[string]any{"type": "string"}
	add("factors", map[string]any{"type": "array", "items": map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id": str, "kind": str, "group": str, "label": str, "source": str,
			"weight":   map[string]any{"type": "integer"},
			"evidence": map[string]any{"type": "array", "items": str},
		},
		"required":             []string{"id", "kind", "group", "label", "weight", "evidence", "source"},
		"additionalProperties": false,
	}}, true)
	add("next_steps", map[string]any{"type": "array", "items": map[string]any{
		"type":                 "object",
		"properties":           map[string]any{"id": str, "step": str, "source": str},
		"required":             []string{"id", "step", "source"},
		"additionalProperties": false,
	}}, true)
	add("codes", map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"},
		"description": "sessions per register code, codes with none left out"}, true)
	for _, n := range []string{"rules_name", "rules_version", "rules_hash"} {
		add(n, map[string]any{"type": "string", "description": "JSON Lines only"}, false)
	}
	for _, c := range analystColumns {
		p := map[string]any{"type": typ(c.kind, c.kind != kStrings)}
		if c.kind == kStrings {
			p["items"] = str
		}
		add(c.name, p, true)
	}
	add("schema_version", map[string]any{"type": "string", "const": SchemaVersion, "description": "JSON Lines only"}, false)
	add("as_of", map[string]any{"type": "string", "format": "date", "description": "JSON Lines only"}, false)
	add("window", map[string]any{"type": "object", "description": "JSON Lines only",
		"properties":           map[string]any{"from": str, "to": str},
		"required":             []string{"from", "to"},
		"additionalProperties": false,
	}, false)
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/attendrisk/attendrisk/schema/pupil-" + SchemaVersion + ".json",
		"title":                "attendrisk pupil record, schema version " + SchemaVersion,
		"description":          "One pupil of attendrisk analyse's JSON (the pupils array) and JSON Lines output. " + Disclaimer,
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
