// Package docgen keeps the README's generated sections in step with the
// code they describe. Today that is the indicator table, generated from
// metrics.Indicators: run `go generate ./pkg/metrics` (or `go run
// ./internal/docgen/gen`) after changing the table, and TestREADME fails
// until you do.
package docgen

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// The markers around the README's indicator table. Text between them is
// replaced whole.
const (
	IndicatorsBegin = "<!-- indicators:begin (generated from pkg/metrics/indicator.go by go generate ./pkg/metrics; do not edit) -->"
	IndicatorsEnd   = "<!-- indicators:end -->"
)

// Command is how a developer regenerates the README's generated sections.
const Command = "go generate ./pkg/metrics"

// IndicatorsTable is the generated Markdown table.
func IndicatorsTable() []byte {
	var b bytes.Buffer
	_ = metrics.WriteIndicatorsMarkdown(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}

// Section returns the text between the indicators markers (without the
// marker lines themselves).
func Section(readme []byte) ([]byte, error) {
	start, end, err := bounds(readme)
	if err != nil {
		return nil, err
	}
	return readme[start:end], nil
}

// Update returns readme with the text between the indicators markers
// replaced by the generated table.
func Update(readme []byte) ([]byte, error) {
	start, end, err := bounds(readme)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(readme)+1024)
	out = append(out, readme[:start]...)
	out = append(out, IndicatorsTable()...)
	out = append(out, readme[end:]...)
	return out, nil
}

// bounds finds the section: from the line after the begin marker to the
// start of the end marker's line.
func bounds(readme []byte) (start, end int, err error) {
	b := bytes.Index(readme, []byte(IndicatorsBegin+"\n"))
	if b < 0 {
		return 0, 0, errors.New("README has no line " + IndicatorsBegin)
	}
	start = b + len(IndicatorsBegin) + 1
	e := bytes.Index(readme[start:], []byte(IndicatorsEnd))
	if e < 0 {
		return 0, 0, fmt.Errorf("README has no %s after %s", IndicatorsEnd, IndicatorsBegin)
	}
	end = start + e
	if bytes.Count(readme, []byte(IndicatorsBegin)) != 1 {
		return 0, 0, errors.New("README has the indicators begin marker more than once")
	}
	return start, end, nil
}
