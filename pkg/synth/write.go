package synth

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Headers of the files. The marks header is the shape the analyser reads by
// default; the LA file adds the school's URN before the date.
const (
	MarksHeader   = "UPN,Legal Surname,Legal Forename,Year,Reg Group,Date,Session,Mark"
	LAMarksHeader = "UPN,Legal Surname,Legal Forename,Year,Reg Group,School,Date,Session,Mark"
	ContextHeader = "UPN,Family ID,Young Carer,Child Protection Plan,Child in Need,EHCP,SEN Support,Free School Meals,Early Help,Looked After,Open to CAMHS"
)

// GridFixedHeaders are the grid's first columns; one column per session
// follows.
var GridFixedHeaders = []string{"UPN", "Surname", "Forename", "Year", "Reg Group"}

// marksWriter streams marks rows. Everything that is the same on every row
// of a pupil (UPN, names, year, group, school) is encoded once per pupil into
// prefix, and every date once per calendar, so a row is five appends to a
// bufio.Writer: no fmt, no allocation, which is what keeps the LA file's 15
// million rows to seconds.
type marksWriter struct {
	w      *bufio.Writer
	g      *gen
	prefix []byte
	rows   int64
}

var sessionText = [2]string{",AM,", ",PM,"}

func newMarksWriter(w io.Writer, cal *Calendar, header string) (*marksWriter, error) {
	mw := &marksWriter{w: bufio.NewWriterSize(w, 4<<20), g: newGen(cal)}
	_, err := mw.w.WriteString(header + "\n")
	return mw, err
}

// pupil writes p's rows. school is the URN column, or "" for the one-school
// layout, which has no such column.
func (mw *marksWriter) pupil(p *Pupil, school string) error {
	m := mw.g.pupil(p)
	b := mw.prefix[:0]
	for _, f := range [...]string{p.UPN, p.Surname, p.Forename, p.Year, p.RegGroup} {
		b = appendCSVField(b, f)
		b = append(b, ',')
	}
	if school != "" {
		b = appendCSVField(b, school)
		b = append(b, ',')
	}
	mw.prefix = b
	dates := mw.g.cal.dateText
	for s := 2 * p.First; s <= 2*p.Last+1; s++ {
		mw.w.Write(mw.prefix)
		mw.w.WriteString(dates[s/2])
		mw.w.WriteString(sessionText[s&1])
		mw.w.WriteString(codeText[m[s]])
		mw.w.WriteByte('\n')
	}
	mw.rows += int64(2 * (p.Last - p.First + 1))
	// bufio.Writer keeps its first error and returns it on every later
	// write, so checking once per pupil loses nothing.
	_, err := mw.w.Write(nil)
	return err
}

// appendCSVField appends s, quoted as RFC 4180 requires if it holds a comma,
// quote or line break. The built-in names never do; this is a safety net.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// WriteMarksCSV writes the school's register in the marks layout
// (MarksHeader): one row per pupil per session on roll, grouped by pupil,
// in date order, AM before PM. It returns the number of data rows.
func (s *School) WriteMarksCSV(w io.Writer) (int64, error) {
	mw, err := newMarksWriter(w, s.Calendar, MarksHeader)
	if err != nil {
		return 0, err
	}
	for i := range s.Pupils {
		if err := mw.pupil(&s.Pupils[i], ""); err != nil {
			return mw.rows, err
		}
	}
	return mw.rows, mw.w.Flush()
}

// WriteGridXLSX writes the school's register as a grid workbook: sheet
// "Register", the GridFixedHeaders then one text header per session such as
// "02/09/2024 AM", and one row per pupil with a mark in each cell. Cells
// before a joiner's first day and after a leaver's last are empty, as an MIS
// leaves them. excelize's StreamWriter spills rows to a temporary file, so
// memory stays flat however many pupils there are.
func (s *School) WriteGridXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Register"
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	// Say what the file is to anyone who opens it, and use fixed dates so
	// the workbook is byte-for-byte reproducible like the CSVs.
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:     "attendrisk synth",
		Title:       "Synthetic attendance register " + s.Config.URN,
		Description: "Generated test data: every pupil is invented.",
		Created:     "2025-07-22T00:00:00Z",
		Modified:    "2025-07-22T00:00:00Z",
	}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	// Freeze the header row and the pupil columns, as a person reading a
	// 395-column grid would.
	fixed := len(GridFixedHeaders)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: fixed, YSplit: 1, TopLeftCell: "F2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 15); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 3, 14); err != nil {
		return err
	}
	n := s.Calendar.Sessions()
	row := make([]any, fixed+n)
	for i, h := range GridFixedHeaders {
		row[i] = h
	}
	for j := range n {
		row[fixed+j] = s.Calendar.SessionHeader(j)
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	g := newGen(s.Calendar)
	for i := range s.Pupils {
		p := &s.Pupils[i]
		row[0], row[1], row[2], row[4] = p.UPN, p.Surname, p.Forename, p.RegGroup
		// Year is a number in MIS grids, except Reception.
		if p.nc > 0 {
			row[3] = p.nc
		} else {
			row[3] = p.Year
		}
		for j, c := range g.pupil(p) {
			if c == cNone {
				row[fixed+j] = nil // SetRow writes no cell for nil
			} else {
				row[fixed+j] = codeText[c]
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// WriteContextCSV writes the context file (ContextHeader) with Y/N flags:
// every register pupil except the two left out on purpose, plus the two
// Unregistered pupils, sorted by UPN as a separate export would be, so a
// reader must join rather than rely on row order. It returns the number of
// data rows.
func (s *School) WriteContextCSV(w io.Writer) (int64, error) {
	var rows []*Pupil
	for i := range s.Pupils {
		if s.Pupils[i].InContext {
			rows = append(rows, &s.Pupils[i])
		}
	}
	for i := range s.Unregistered {
		rows = append(rows, &s.Unregistered[i])
	}
	slices.SortFunc(rows, func(a, b *Pupil) int { return strings.Compare(a.UPN, b.UPN) })
	cw := csv.NewWriter(w)
	if err := cw.Write(strings.Split(ContextHeader, ",")); err != nil {
		return 0, err
	}
	yn := func(v bool) string {
		if v {
			return "Y"
		}
		return "N"
	}
	for _, p := range rows {
		c := p.Context
		if err := cw.Write([]string{p.UPN, p.FamilyID,
			yn(c.YoungCarer), yn(c.ChildProtectionPlan), yn(c.ChildInNeed), yn(c.EHCP), yn(c.SENSupport),
			yn(c.FreeSchoolMeals), yn(c.EarlyHelp), yn(c.LookedAfter), yn(c.OpenToCAMHS)}); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return int64(len(rows)), cw.Error()
}
