package ingest

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestMarksShapes holds the reader's fast paths (shapedRows above all, and
// register.PlainRun) to the plain reading, as FuzzMarksFastPaths does, on generated files that
// give shapedRows every layout it reads and every row it must leave to
// cut: pupils' fields of 8 to 90 bytes (each of its word counts) that
// differ from the pupil's before in one byte, the date before the pupil's
// fields or after them, a column not read, a cell past the header's
// columns, each delimiter, CR LF line ends and lone CRs, codes of one byte
// and two, empty and quoted fields, sessions written otherwise, dates
// written otherwise, bad, far and on a weekend, rows out of order, and
// another pupil's row among a pupil's; read whole and in chunks of 4 KiB
// and 300 bytes.
func TestMarksShapes(t *testing.T) {
	dir := t.TempDir()
	c := chunkSize
	defer func() { chunkSize = c; testSlowPaths = false }()
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 12))
		delim := []string{",", ";", "\t", "|"}[seed%4]
		eol := "\n"
		if seed%3 == 1 {
			eol = "\r\n"
		}
		cols := []string{"UPN", "Surname", "Forename", "School", "Date", "Session", "Mark"}
		switch seed % 5 {
		case 1: // the date first: a row shapedRows leaves to cut
			cols = []string{"Date", "UPN", "Surname", "Forename", "School", "Session", "Mark"}
		case 2: // the school after the marks
			cols = []string{"UPN", "Surname", "Forename", "Date", "Session", "Mark", "School"}
		case 3: // a column the reader does not read, at the end
			cols = append(cols, "Note")
		}
		extra := seed%5 == 4 // a cell past the header's last column
		var sb strings.Builder
		sb.WriteString(strings.Join(cols, delim) + eol)
		codes := []string{"/", `\`, "/", `\`, "/", "I", "N", "O", "B", "#", "-", "L", "C1", "J1", "", `"/"`, "u", "Q"}
		day0 := register.MustDay(2024, 9, 2)
		// Pupils whose fields differ from the pupil's before in one byte,
		// anywhere in them (each word shapedRows compares), and pupils
		// with fields of another length.
		id, surname := []byte("K801200000000"), []byte(strings.Repeat("Ash", 1+r.IntN(20)))
		forename, school := []string{"Ivy", "Zoë", "", "Al"}[r.IntN(4)], fmt.Sprintf("S%d", r.IntN(3))
		for range 10 + r.IntN(50) {
			if r.IntN(4) == 0 {
				id = []byte(strings.Repeat("9", 1+r.IntN(30)))
				surname = []byte(strings.Repeat("Ash", 1+r.IntN(20)))
			} else if k := r.IntN(len(id) + len(surname)); k < len(id) {
				id[k] = "ABCDEFGH12345678"[r.IntN(16)]
			} else {
				surname[k-len(id)] = "abcdefghXYZ"[r.IntN(11)]
			}
			id := string(id)
			surname := string(surname)
			d := day0 + register.Day(r.IntN(10))
			sess := 0
			for range 2 + r.IntN(40) {
				date := fmt.Sprintf("%02d/%02d/%04d", d.Time().Day(), int(d.Time().Month()), d.Time().Year())
				ses := []string{"AM", "PM"}[sess]
				code := codes[r.IntN(len(codes))]
				rowID, rowEOL := id, eol
				switch x := r.IntN(60); {
				case x == 0:
					date = d.Time().Format("2/1/2006")
				case x == 1:
					date = "31/02/2025"
				case x == 2:
					date = "02/09/1924"
				case x == 3:
					ses = strings.ToLower(ses)
				case x == 4:
					ses = ses[:1]
				case x == 5:
					rowID = fmt.Sprintf("K%012d", 801200000099)
				case x == 6:
					rowEOL = "\r\n"
				case x == 7:
					rowEOL = "\r"
				case x == 8:
					date = `"` + date + `"`
				}
				fields := map[string]string{"UPN": rowID, "Surname": surname, "Forename": forename, "School": school,
					"Date": date, "Session": ses, "Mark": code, "Note": ""}
				row := make([]string, len(cols))
				for i, c := range cols {
					row[i] = fields[c]
				}
				if extra {
					row = append(row, "x")
				}
				sb.WriteString(strings.Join(row, delim) + rowEOL)
				// The next session, nearly always; now and then a day
				// skipped, a weekend, or a step back.
				switch x := r.IntN(30); {
				case x == 0:
					d -= register.Day(r.IntN(5))
				case x == 1:
					d += register.Day(1 + r.IntN(3))
				default:
					if sess = 1 - sess; sess == 0 {
						d++
					}
				}
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("f%d.csv", seed))
		writeFile(t, dir, filepath.Base(path), []byte(sb.String()))
		opts := Options{Layout: LayoutMarks, AllowIncomplete: true, Workers: 2}
		for _, size := range []int{1 << 20, 4 << 10, 300} {
			chunkSize = size
			testSlowPaths = false
			fastReg, fastAcc, fastErr := readFastPaths(t, path, opts)
			testSlowPaths = true
			slowReg, slowAcc, slowErr := readFastPaths(t, path, opts)
			if diff := cmp.Diff(slowErr, fastErr); diff != "" {
				t.Fatalf("seed %d, chunks of %d: errors (-slow +fast):\n%s", seed, size, diff)
			}
			if slowErr != "" {
				t.Fatalf("seed %d: %s", seed, slowErr)
			}
			if diff := cmp.Diff(slowReg, fastReg); diff != "" {
				t.Fatalf("seed %d, chunks of %d: registers (-slow +fast):\n%s", seed, size, diff)
			}
			if diff := cmp.Diff(slowAcc, fastAcc); diff != "" {
				t.Fatalf("seed %d, chunks of %d: accounts (-slow +fast):\n%s", seed, size, diff)
			}
		}
	}
}

// TestMarksShapesEveryByte: a pupil whose id differs from the pupil's
// before in one byte is another pupil, for shapedRows as for cut, wherever
// the byte is, for pupils' fields of every length shapedRows compares by
// words (8 to 130 bytes: each of its cases and its loop). (A surname that
// differs, with the same id and school, is the same pupil's row either
// way: the details are read from a pupil's first row.)
func TestMarksShapesEveryByte(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("UPN,School,Surname,Date,Session,Mark\n")
	rows := func(id, school string) {
		for _, r := range []string{"02/09/2024,AM,/", "02/09/2024,PM,/", "03/09/2024,AM,N", "03/09/2024,PM,/"} {
			sb.WriteString(id + "," + school + ",Ash," + r + "\n")
		}
	}
	pair := 0
	for n := 4; n <= 125; n++ { // the id's bytes
		for j := range n {
			pair++
			school := fmt.Sprintf("S%d", pair) // each pair its own pupils
			a := []byte(strings.Repeat("7", n))
			b := append([]byte(nil), a...)
			b[j] = '8'
			rows(string(a), school)
			rows(string(b), school)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f.csv")
	writeFile(t, dir, "f.csv", []byte(sb.String()))
	defer func() { testSlowPaths = false }()
	opts := Options{Layout: LayoutMarks, Workers: 2}
	fastReg, fastAcc, fastErr := readFastPaths(t, path, opts)
	testSlowPaths = true
	slowReg, slowAcc, slowErr := readFastPaths(t, path, opts)
	if fastErr != "" || slowErr != "" {
		t.Fatalf("errors: fast %q, slow %q", fastErr, slowErr)
	}
	if diff := cmp.Diff(slowReg, fastReg); diff != "" {
		t.Fatalf("registers (-slow +fast):\n%s", diff)
	}
	if diff := cmp.Diff(slowAcc, fastAcc); diff != "" {
		t.Fatalf("accounts (-slow +fast):\n%s", diff)
	}
	if len(slowReg) != 2*pair || slowAcc.MarksRejected != 0 {
		t.Fatalf("%d pupils read, %d marks rejected: want %d, none", len(slowReg), slowAcc.MarksRejected, 2*pair)
	}
}
