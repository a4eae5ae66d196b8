package render

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
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
	return explainTmpl.ExecuteTemplate(w, "doc", htmlDoc{Pages: pages})
}

// htmlDoc is the data of the "doc" template: the pages, and whether they
// belong to a folder pack (a link back to its index).
type htmlDoc struct {
	Pages []*ExplainPage
	Index bool
}

// packFile names a pupil's page in a folder pack by its place in the
// pack: never by name or id, which would show in any folder listing.
func packFile(i int) string { return fmt.Sprintf("pupil-%03d.html", i+1) }

// WritePackDir writes a folder pack: index.html listing the pupils and one
// page per pupil (pupil-001.html, ...), each file private (0600) in a
// folder only its owner can open (0700). The pack is made whole in a
// hidden folder beside dir and renamed into place, so a failure (a full
// disk, Ctrl-C) leaves no half pack: only the earlier pack, if any. An
// existing dir is replaced only when it is an earlier pack (index.html by
// attendrisk and pupil pages, nothing else) or empty; a folder holding
// anything else is refused, and so is one holding an input.
func WritePackDir(ctx context.Context, dir string, inputs []string, pages []*ExplainPage, meta PackMeta) (err error) {
	dir = filepath.Clean(dir)
	replace, err := checkPackDir(dir, inputs)
	if err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, unwrapPath(err))
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	type row struct {
		Page *ExplainPage
		File string
	}
	var rows []row
	for i, pg := range pages {
		pg.Footer = meta.footer(pg)
		name := packFile(i)
		rows = append(rows, row{pg, name})
		if err := WriteFile(ctx, filepath.Join(tmp, name), inputs, func(w io.Writer) error {
			return explainTmpl.ExecuteTemplate(w, "doc", htmlDoc{Pages: []*ExplainPage{pg}, Index: true})
		}); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
	}
	footer := "Prepared " + meta.AsOf + " with attendrisk " + meta.Version + "."
	if err := WriteFile(ctx, filepath.Join(tmp, "index.html"), inputs, func(w io.Writer) error {
		return explainTmpl.ExecuteTemplate(w, "index", struct {
			Rows               []row
			Disclaimer, Footer string
		}{rows, Disclaimer, footer})
	}); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	if replace {
		old, err := os.MkdirTemp(parent, "."+base+".old-*")
		if err != nil {
			return fmt.Errorf("cannot replace %s: %w", dir, unwrapPath(err))
		}
		os.Remove(old)
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("cannot replace %s: %w", dir, unwrapPath(err))
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.Rename(old, dir) // put the earlier pack back
			return fmt.Errorf("cannot write %s: %w", dir, unwrapPath(err))
		}
		done = true
		return os.RemoveAll(old)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("cannot write %s: %w", dir, unwrapPath(err))
	}
	done = true
	return nil
}

// checkPackDir says whether dir may receive a folder pack, and whether an
// existing folder is to be replaced.
func checkPackDir(dir string, inputs []string) (bool, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if a, err := filepath.Abs(in); err == nil && (a == abs || strings.HasPrefix(a, abs+string(filepath.Separator))) {
			return false, fmt.Errorf("refusing to write the pack to %s: it holds the input %s", dir, in)
		}
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return false, nil // a new folder
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("refusing to write the pack to %s: it is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("cannot read %s: %w", dir, unwrapPath(err))
	}
	for _, e := range entries {
		n := e.Name()
		ok := e.Type().IsRegular() && (n == "index.html" || (strings.HasPrefix(n, "pupil-") && strings.HasSuffix(n, ".html")))
		if !ok {
			return false, fmt.Errorf("refusing to replace %s: it holds %s, which is not part of an attendrisk pack", dir, n)
		}
	}
	if len(entries) > 0 {
		b, err := os.ReadFile(filepath.Join(dir, "index.html"))
		if err != nil || !strings.Contains(string(b), `<meta name="generator" content="attendrisk">`) {
			return false, fmt.Errorf("refusing to replace %s: it is not a pack attendrisk wrote", dir)
		}
	}
	return true, nil
}
