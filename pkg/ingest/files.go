package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// ReadFiles reads every export into the builder, in the order given, and
// then settles revisions: where two exports of one school mark the same
// session differently, the later export's mark stands (Builder.Finish).
// A file that names no school (no school column, no --school, no profile
// school) is its own school for local ids, named by its base name without
// the extension: an admission number is only an id within its school. (A
// run of one file needs no such name, and gets none.)
func ReadFiles(paths []string, opts Options, b *register.Builder) error {
	b.School = strings.TrimSpace(opts.School)
	for _, path := range paths {
		// An interrupted run (Ctrl-C) stops before the next file.
		if err := opts.cancelled(); err != nil {
			return err
		}
		var mtime = fileTime(path)
		// One file is one school whatever it is called: its name is only
		// needed to tell two files' local ids apart.
		school := ""
		if len(paths) > 1 {
			base := filepath.Base(path)
			school = strings.TrimSuffix(base, filepath.Ext(base))
		}
		b.BeginFile(path, mtime, school)
		if err := ReadFile(path, opts, b); err != nil {
			return err
		}
	}
	b.Finish(opts.RevisionOrder)
	return nil
}

func fileTime(path string) (t time.Time) {
	if st, err := os.Stat(path); err == nil {
		return st.ModTime()
	}
	return t
}
