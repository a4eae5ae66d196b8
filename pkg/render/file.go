package render

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes an output file whole or not at all: the content goes to a
// private temporary file in the same directory, which is renamed over the
// destination only when every byte has been written and synced. The file is
// readable by its owner only (0600), because it holds children's data. It
// refuses to write over any of the inputs.
func WriteFile(path string, inputs []string, write func(io.Writer) error) (err error) {
	if same, in := isInput(path, inputs); same {
		return fmt.Errorf("refusing to write the output over the input file %s", in)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if err = write(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	return nil
}

func isInput(path string, inputs []string) (bool, string) {
	ps, err := os.Stat(path)
	if err != nil {
		return false, ""
	}
	for _, in := range inputs {
		if is, err := os.Stat(in); err == nil && os.SameFile(ps, is) {
			return true, in
		}
	}
	return false, ""
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
