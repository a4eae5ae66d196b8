package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// The school of a file's rows, in order of precedence: the row's own school
// column; --school; a profile's school:; the file's title rows (a school
// name above the header, as MIS report exports print one); else, for local
// ids in a run of several files, the file's base name. Whichever named the
// file is recorded in its quality.FileInfo (School, SchoolFrom), for the
// data-quality account and inspect.

// Where a file's school came from, as FileInfo.SchoolFrom says it.
const (
	SchoolFromColumn  = "column"
	SchoolFromFlag    = "--school"
	SchoolFromProfile = "profile"
	SchoolFromTitle   = "title row"
	SchoolFromFile    = "file name"
)

// schoolLabel is a title cell that labels the school: "School: Northfield
// Primary", "School name - Northfield", "Establishment: ...". The label
// alone ("School:") names the school in the next non-blank cell.
var schoolLabel = regexp.MustCompile(`(?i)^\s*(?:school|school name|name of school|establishment|establishment name|academy|academy name)\s*(?::|-|–|—)\s*(.*)$`)

// schoolWord is the last word of a school's name, as schools in England are
// named: "Northfield Primary School", "Oak Academy", "St Mary's C of E
// Primary", "Riverside PRU". A title that ends in none of them names no
// school as far as attendrisk can tell.
var schoolWord = regexp.MustCompile(`(?i)(?:^|\s)(?:school|academy|college|primary|infants?|juniors?|nursery|pru|pupil referral unit|secondary|high|grammar|federation|studio school|free school|(?:[a-z]+ )?centre)$`)

// reportLead is the report's own wording before the school's name:
// "Attendance report for", "Register of", "Weekly attendance at". Only
// these words are stripped, so a school whose name has "of" or "at" in it
// (Bishop of Hereford's Bluecoat School) keeps its whole name.
var reportLead = regexp.MustCompile(`(?i)^(?:(?:attendance|register|registers|registration|report|reports|summary|session|sessions|marks|mark|export|weekly|daily|termly|pupil|pupils|student|students|data|codes|full|whole|school|class|year|group|list|by|the)\s+)+(?:for|at|from|of|in)\s+(.+)$`)

// titleSeparators split a title into its parts: "Attendance report -
// Northfield Primary School", "Northfield Primary School | Autumn term".
var titleSeparators = regexp.MustCompile(`\s+[-–—|]\s+|:\s+`)

// maxSchoolName bounds a name taken from a title: longer text is a
// sentence, not a school's name.
const maxSchoolName = 80

// TitleSchool returns the school a file's title rows name, and the index
// of the row that names it; ok is false when no row clearly names one, or
// rows name two different schools. The rule is deliberately narrow, since
// a title row may hold anything (a report name, a print date, a pupil's
// name in a one-pupil report):
//   - a cell labelled "School:", "School name:", "Establishment:" (or the
//     label alone with the name in the next non-blank cell of the row)
//     names the school;
//   - otherwise a row of one non-blank cell, in which one part (the title
//     split at " - ", " | " or ": ") ends in a word schools are named with
//     (School, Academy, College, Primary, Infants, Junior, Nursery, PRU,
//     Pupil Referral Unit, Secondary, High, Grammar, Federation, Centre),
//     after any report wording before it ("Attendance report for") is
//     taken off, names the school, when it is written as a name is (each
//     word capitalised but of, the, and, on, upon, in, at and the like);
//   - the name must have two words or more, no more than 80 characters
//     and no digits but in a bracketed note, which is dropped ("(URN
//     123456)").
func TitleSchool(rows [][]string) (name string, row int, ok bool) {
	row = -1
	for i, r := range rows {
		n, found := rowSchool(r)
		if !found {
			continue
		}
		if name != "" && !strings.EqualFold(name, n) {
			return "", -1, false // two schools named: neither is the file's
		}
		if name == "" {
			name, row = n, i
		}
	}
	return name, row, name != ""
}

// rowSchool is the school one title row names, if it clearly names one.
func rowSchool(r []string) (string, bool) {
	var cells []string
	for _, c := range r {
		if c = strings.TrimSpace(c); c != "" {
			cells = append(cells, c)
		}
	}
	for i, c := range cells {
		m := schoolLabel.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		v := strings.TrimSpace(m[1])
		if v == "" && i+1 < len(cells) {
			v = cells[i+1]
		}
		if n, ok := cleanSchool(v); ok {
			return n, true
		}
		return "", false
	}
	if len(cells) != 1 {
		return "", false
	}
	var found string
	for _, part := range titleSeparators.Split(cells[0], -1) {
		part = strings.TrimSpace(part)
		if m := reportLead.FindStringSubmatch(part); m != nil {
			part = m[1]
		}
		n, ok := cleanSchool(part)
		if !ok || !schoolWord.MatchString(n) || !nameCase(n) {
			continue
		}
		if found != "" && found != n {
			return "", false
		}
		found = n
	}
	return found, found != ""
}

// smallWords may start in lower case inside a school's name.
var smallWords = map[string]bool{"of": true, "the": true, "and": true, "on": true, "upon": true, "in": true, "at": true,
	"de": true, "la": true, "le": true, "with": true, "by": true, "under": true, "for": true, "&": true}

// nameCase reports text written as a name is: every word but the small
// ones capitalised (a sentence in a title row is not a school's name).
func nameCase(s string) bool {
	for _, w := range strings.Fields(s) {
		r := []rune(w)[0]
		if unicode.IsLower(r) && !smallWords[w] {
			return false
		}
	}
	return true
}

var bracketed = regexp.MustCompile(`\s*[(\[][^)\]]*[)\]]\s*$`)

// cleanSchool tidies a candidate name and says whether it can be one.
func cleanSchool(s string) (string, bool) {
	s = bracketed.ReplaceAllString(strings.TrimSpace(s), "")
	s = strings.TrimRight(strings.TrimSpace(s), ".,;:-–— ")
	s = strings.Join(strings.Fields(s), " ")
	if len(strings.Fields(s)) < 2 || len(s) > maxSchoolName {
		return "", false
	}
	letters := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			return "", false // a date, a time, a count: not a name
		case unicode.IsLetter(r):
			letters = true
		}
	}
	return s, letters
}

// nameFileSchool decides, once a file's header is found, the school its
// rows that name none are at, and records which source named it in info.
// A school from the title rows is set on the builder for this file only
// (ReadFile puts the builder's school back after the file).
func nameFileSchool(h header, titles [][]string, lines []int, opts Options, b *register.Builder, info *quality.FileInfo) {
	switch {
	case h.cols.has(School):
		info.SchoolFrom = SchoolFromColumn
	case b.School != "":
		info.School = b.School
		info.SchoolFrom = SchoolFromFlag
		if opts.SchoolFrom != "" {
			info.SchoolFrom = opts.SchoolFrom
		}
	default:
		if name, i, ok := TitleSchool(titles); ok {
			b.School = name
			info.School = name
			info.SchoolFrom = fmt.Sprintf("%s %d", SchoolFromTitle, lines[i])
		} else if b.FileSchool != "" {
			info.School = b.FileSchool
			info.SchoolFrom = SchoolFromFile
		}
	}
}
