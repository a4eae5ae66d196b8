package rule

import (
	"slices"
	"strings"
)

// Citation is one document a rule set cites, with the sections cited and
// the factors and steps that cite each.
type Citation struct {
	// Document is the known title the citations begin with, or the
	// citation itself for a document the caller does not know.
	Document string
	Known    bool
	Sections []Section
}

// Section is one part of a document, and who cites it.
type Section struct {
	Name string // as cited, quotes and web address left out
	IDs  []string
}

// LocalChoice is a threshold or weight the rules file says no document
// sets: the text after "local choice", and who makes it.
type LocalChoice struct {
	ID, What string
}

// Sources sorts the set's sources: each factor's and step's source is a
// list of citations separated by ";"; a citation that begins with one of
// titles belongs to that document, a citation that begins with neither a
// title nor "local choice" continues the document before it in the same
// source (as in "Southampton ..., Post 16; Professional & Agency factors").
// Documents come in the order of titles, then unknown ones in order of
// first citation.
func (s *Set) Sources(titles []string) ([]Citation, []LocalChoice) {
	var docs []Citation
	index := map[string]int{}
	var local []LocalChoice
	cite := func(doc string, known bool, section, id string) {
		i, ok := index[doc]
		if !ok {
			i = len(docs)
			index[doc] = i
			docs = append(docs, Citation{Document: doc, Known: known})
		}
		d := &docs[i]
		j := slices.IndexFunc(d.Sections, func(x Section) bool { return x.Name == section })
		if j < 0 {
			d.Sections = append(d.Sections, Section{Name: section})
			j = len(d.Sections) - 1
		}
		if !slices.Contains(d.Sections[j].IDs, id) {
			d.Sections[j].IDs = append(d.Sections[j].IDs, id)
		}
	}
	add := func(id, source string) {
		prev := ""
		for _, c := range splitTop(source, ';') {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if rest, ok := strings.CutPrefix(c, "local choice"); ok {
				local = append(local, LocalChoice{ID: id, What: strings.TrimSpace(strings.Trim(strings.TrimSpace(rest), "()"))})
				continue
			}
			doc, known := "", false
			for _, t := range titles {
				if strings.HasPrefix(c, t) {
					doc, known = t, true
					c = strings.TrimLeft(strings.TrimPrefix(c, t), " ,")
					break
				}
			}
			if !known {
				if prev == "" {
					doc = c
					c = ""
				} else {
					doc, known = prev, index[prev] < len(docs) && docs[index[prev]].Known
				}
			}
			prev = doc
			cite(doc, known, sectionName(c), id)
		}
	}
	for _, f := range s.Factors {
		add(f.ID, f.Source)
	}
	for _, st := range s.Steps {
		add(st.ID, st.Source)
	}
	order := func(c Citation) int {
		if i := slices.Index(titles, c.Document); i >= 0 {
			return i
		}
		return len(titles) + index[c.Document]
	}
	slices.SortStableFunc(docs, func(a, b Citation) int { return order(a) - order(b) })
	return docs, local
}

// sectionName drops a citation's quotations, parenthesised notes and web
// address, leaving the section as headed in the document.
func sectionName(c string) string {
	var b strings.Builder
	depth := 0
	inQuote := false
	for _, r := range c {
		switch {
		case r == '"':
			inQuote = !inQuote
			continue
		case inQuote:
			continue
		case r == '(':
			depth++
			continue
		case r == ')':
			if depth > 0 {
				depth--
			}
			continue
		case depth > 0:
			continue
		}
		b.WriteRune(r)
	}
	parts := strings.Split(b.String(), ",")
	kept := parts[:0]
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !strings.HasPrefix(p, "http") {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return "(whole document)"
	}
	return strings.Join(kept, ", ")
}

// splitTop splits s at sep outside parentheses and quotes.
func splitTop(s string, sep rune) []string {
	var out []string
	depth, start := 0, 0
	inQuote := false
	for i, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '(':
			depth++
		case r == ')':
			if depth > 0 {
				depth--
			}
		case r == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
