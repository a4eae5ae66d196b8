package render

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/explain.html.tmpl
var explainFS embed.FS

// explainTmpl is the pupil page in HTML. html/template escapes every value
// for where it is put, so a name such as <script> from a register is shown,
// never run. The page loads nothing from outside (no fonts, scripts or
// style sheets; a Content-Security-Policy forbids it), because the pack is
// children's data and must work offline.
var explainTmpl = template.Must(template.New("explain").Funcs(template.FuncMap{
	"join": strings.Join,
	"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
}).ParseFS(explainFS, "templates/explain.html.tmpl"))

// PackMeta is what a pack says about the run that made it.
type PackMeta struct {
	AsOf, Version string
}

func (m PackMeta) footer(pg *ExplainPage) string {
	s := "Prepared " + m.AsOf + " with attendrisk " + m.Version
	if pg.Rules {
		s += ", rules " + pg.RulesName + " version " + pg.RulesVer
	}
	return s + "."
}

// ExplainHTML writes pages as one HTML document, one child per printed
// A4 page.
func ExplainHTML(w io.Writer, pages []*ExplainPage, meta PackMeta) error {
	for _, pg := range pages {
		pg.Footer = meta.footer(pg)
	}
	return explainTmpl.ExecuteTemplate(w, "doc", struct{ Pages []*ExplainPage }{pages})
}
