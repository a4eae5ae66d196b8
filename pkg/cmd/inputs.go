package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// expandInputs turns the command line's inputs into files. A folder stands
// for every CSV and XLSX file directly in it (sorted by name; hidden files,
// such as Excel's ~$ lock files and .DS_Store, skipped), so a whole
// authority's exports are one argument. A pattern (*, ? or [...]) is
// expanded here rather than by the shell, because Windows shells pass it on
// as written; a pattern matching nothing is an error naming it, never an
// empty run. A name that exists is taken as it is, even with * in it.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			files, err := folderFiles(a)
			if err != nil {
				return nil, err
			}
			out = append(out, files...)
		case err == nil, !strings.ContainsAny(a, "*?["):
			out = append(out, a) // a file, or a missing one: reading it says so
		default:
			matches, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("%s: not a valid file pattern (%v)", a, err)
			}
			n := len(out)
			for _, m := range matches {
				if hidden(m) {
					continue
				}
				if st, err := os.Stat(m); err == nil && st.IsDir() {
					files, err := folderFiles(m)
					if err != nil {
						return nil, err
					}
					out = append(out, files...)
					continue
				}
				out = append(out, m)
			}
			if len(out) == n {
				return nil, fmt.Errorf("%s: no file matches this pattern", a)
			}
		}
	}
	return out, nil
}

// folderFiles lists the CSV and XLSX files directly in a folder.
func folderFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the folder: %v", dir, unwrapPathErr(err))
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if hidden(name) || e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".csv", ".xlsx":
			out = append(out, filepath.Join(dir, name))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the folder holds no CSV or XLSX files", dir)
	}
	return out, nil
}

// hidden is a dot file or an Office lock file (~$name.xlsx).
func hidden(path string) bool {
	b := filepath.Base(path)
	return strings.HasPrefix(b, ".") || strings.HasPrefix(b, "~$")
}
