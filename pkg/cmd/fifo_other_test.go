//go:build !unix

package cmd

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
