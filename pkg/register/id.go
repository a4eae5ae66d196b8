package register

import "strings"

// CanonicalID is the form a pupil id is compared in, the same for the
// register and the context file, so the two join however the export wrote
// them: surrounding spaces (including Excel's non-breaking ones) are
// trimmed, a-z is upper-cased (a UPN is upper-case letters and digits, and
// "a123" and "A123" are one pupil), and a whole number written as a
// spreadsheet number, "12.0", is "12". Leading zeros are kept: "0012" and
// "12" are different ids (an admission number's zeros are part of it), and
// a join that fails because a spreadsheet dropped them is reported as such.
func CanonicalID(s string) string {
	if isCanonical(s) {
		return s
	}
	t := strings.TrimSpace(s)
	if i := strings.IndexByte(t, '.'); i > 0 && allDigits(t[:i]) && allZeros(t[i+1:]) {
		t = t[:i]
	}
	b := []byte(t)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// canonicalBytes is CanonicalID for the marks reader's byte slices; it
// returns id itself, not a copy, when it is already canonical.
func canonicalBytes(id []byte) []byte {
	if isCanonicalBytes(id) {
		return id
	}
	return []byte(CanonicalID(string(id)))
}

// isCanonical is the quick check that nearly every id passes: no lower-case
// letter, no space or control character at either end, no ".0" suffix.
func isCanonical(s string) bool {
	if s == "" {
		return true
	}
	if edge(s[0]) || edge(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || c == '.' {
			return false
		}
	}
	return true
}

func isCanonicalBytes(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if edge(b[0]) || edge(b[len(b)-1]) {
		return false
	}
	for _, c := range b {
		if 'a' <= c && c <= 'z' || c == '.' {
			return false
		}
	}
	return true
}

// edge is a byte that may begin a space to trim: ASCII white space or
// control, or the first byte of a multi-byte character (which may be a
// non-breaking or other Unicode space: the slow path decides).
func edge(c byte) bool { return c <= ' ' || c >= 0x80 }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allZeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return s != ""
}
