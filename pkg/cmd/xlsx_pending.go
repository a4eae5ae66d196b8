package cmd

import (
	"errors"
	"io"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// xlsxWriter is replaced when the workbook writer lands.
var xlsxWriter = func(w io.Writer, res *analysis.Result, meta render.Meta) error {
	return errors.New("xlsx output is not available in this build")
}
