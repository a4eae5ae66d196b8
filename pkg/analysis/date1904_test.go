package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestContextDatesIn1904Workbook: a context workbook saved with Excel's
// 1904 date system (old Mac Excel) stores 15/03/2009 as serial 38425, not
// 39887. Read as a 1900 serial that is a birth in 1905; the date of birth
// must be the one the spreadsheet shows, so the pupil is 15 on 31/08/2024
// (DfE's Year 11 in 2024/25).
func TestContextDatesIn1904Workbook(t *testing.T) {
	dir := t.TempDir()
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		d := date1904
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &d}); err != nil {
			t.Fatal(err)
		}
		serial := 39887 // 15/03/2009 counted from 1900
		if date1904 {
			serial -= 1462
		}
		for cell, v := range map[string]any{"A1": "UPN", "B1": "Date of Birth", "A2": "A100000000001", "B2": serial} {
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		ctxPath := filepath.Join(dir, "context.xlsx")
		if err := f.SaveAs(ctxPath); err != nil {
			t.Fatal(err)
		}
		reg := filepath.Join(dir, "register.csv")
		if err := os.WriteFile(reg, []byte("UPN,Date,Session,Mark\nA100000000001,02/09/2024,AM,/\nA100000000001,02/09/2024,PM,/\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := Run(Input{Files: []string{reg}, ContextFile: ctxPath})
		if err != nil {
			t.Fatal(err)
		}
		age, ok := res.DfEAge(res.Pupils[0])
		if !ok || age != 15 {
			t.Errorf("date1904=%v: age on 31/08/2024 = %d, %v; want 15 from the date of birth 15/03/2009", date1904, age, ok)
		}
	}
}
