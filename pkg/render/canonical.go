package render

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"sort"
	"time"
)

// zipEpoch is the timestamp every entry of a written workbook carries, so a
// workbook records nothing about when it was made beyond --as-of.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// typeRes match the content-type entries of [Content_Types].xml, each kind
// sorted among its own positions.
var typeRes = []*regexp.Regexp{
	regexp.MustCompile(`<Default [^>]*>(?:</Default>)?`),
	regexp.MustCompile(`<Override [^>]*>(?:</Override>)?`),
}

// canonicalZip rewrites an XLSX so that the same workbook is always the same
// bytes: the spreadsheet library writes its parts, and the content-type
// overrides, in map order, which differs from run to run. Entries are
// written [Content_Types].xml first (where Excel expects it), then by name,
// with one fixed timestamp; the overrides are sorted. Nothing inside any
// part changes otherwise.
func canonicalZip(w io.Writer, data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool {
		ci, cj := files[i].Name == "[Content_Types].xml", files[j].Name == "[Content_Types].xml"
		if ci != cj {
			return ci
		}
		return files[i].Name < files[j].Name
	})
	zw := zip.NewWriter(w)
	// scratch fills in a header as zw.CreateHeader would (versions, flags,
	// the timestamp's extra field), for the entries copied raw.
	scratch := zip.NewWriter(io.Discard)
	for _, f := range files {
		if f.Name != "[Content_Types].xml" && f.Method == zip.Deflate {
			// The part is copied as it was compressed (by the workbook's
			// own zip writer, xlsx_zip.go), not compressed again: the
			// entry's bytes do not depend on this rewrite, and compressing
			// a 40,000-pupil sheet twice (and holding it whole) is saved.
			hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: zipEpoch}
			hdr.SetMode(0o600)
			if _, err := scratch.CreateHeader(hdr); err != nil {
				return err
			}
			// A copy: scratch sets its own entry's sizes when it moves on.
			raw := *hdr
			raw.CRC32, raw.CompressedSize64, raw.UncompressedSize64 = f.CRC32, f.CompressedSize64, f.UncompressedSize64
			fw, err := zw.CreateRaw(&raw)
			if err != nil {
				return err
			}
			rr, err := f.OpenRaw()
			if err != nil {
				return err
			}
			if _, err := io.Copy(fw, rr); err != nil {
				return err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if f.Name == "[Content_Types].xml" {
			for _, re := range typeRes {
				body = sortMatches(re, body)
			}
		}
		hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: zipEpoch}
		hdr.SetMode(0o600)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := fw.Write(body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// sortMatches puts the regexp's matches in sorted order, each in the place
// of one of them.
func sortMatches(re *regexp.Regexp, body []byte) []byte {
	locs := re.FindAllIndex(body, -1)
	if len(locs) < 2 {
		return body
	}
	parts := make([]string, len(locs))
	for i, l := range locs {
		parts[i] = string(body[l[0]:l[1]])
	}
	sort.Strings(parts)
	var out bytes.Buffer
	prev := 0
	for i, l := range locs {
		out.Write(body[prev:l[0]])
		out.WriteString(parts[i])
		prev = l[1]
	}
	out.Write(body[prev:])
	return out.Bytes()
}
