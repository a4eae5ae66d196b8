package render

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	kflate "github.com/klauspost/compress/flate"
)

// xlZipSample is n bytes of sheet-like XML: repetitive, with numbers that
// vary, so blocks compress as a sheet's do.
func xlZipSample(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%x</t></is></c><c r="B%d" s="3"><v>%d</v></c></row>`,
			i, i, r.Uint64()>>uint(r.IntN(64)), i, r.IntN(1000))
	}
	return b.Bytes()[:n]
}

// TestXLDeflateRoundTrip: whatever the part's size (empty, under a block,
// exactly a block or several, and between), the blocks inflate back to the
// part, and the bytes do not depend on how the part was cut into writes
// or how many blocks were compressed at once.
func TestXLDeflateRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 1000, xlZipBlock - 1, xlZipBlock, xlZipBlock + 1, 3*xlZipBlock + 12345, 4 * xlZipBlock} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := xlZipSample(n)
			var want []byte
			for _, c := range []struct{ chunk, workers int }{{n + 1, 1}, {7, 2}, {64 << 10, 3}, {xlZipBlock, 2}, {3 * xlZipBlock / 2, 8}} {
				var out bytes.Buffer
				d := newXLDeflate(&out, xlZipLevel, c.workers)
				for p := data; len(p) > 0; {
					k := min(len(p), c.chunk)
					if _, err := d.Write(p[:k]); err != nil {
						t.Fatal(err)
					}
					p = p[k:]
				}
				if err := d.Close(); err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(flate.NewReader(bytes.NewReader(out.Bytes())))
				if err != nil {
					t.Fatalf("chunk %d, %d workers: inflate: %v", c.chunk, c.workers, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("chunk %d, %d workers: inflated %d bytes, not the %d written", c.chunk, c.workers, len(got), len(data))
				}
				if want == nil {
					want = out.Bytes()
				} else if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("chunk %d, %d workers: %d compressed bytes differ from the first way's %d", c.chunk, c.workers, out.Len(), len(want))
				}
			}
		})
	}
}

// TestXLDeflateSize: the dictionary carries matches across the cuts, so the
// blocks come within half a percent of one stream at the same level.
func TestXLDeflateSize(t *testing.T) {
	data := xlZipSample(6 * xlZipBlock)
	var one, blocks bytes.Buffer
	fw, _ := kflate.NewWriter(&one, xlZipLevel) // the compressor the blocks use
	fw.Write(data)
	fw.Close()
	d := newXLDeflate(&blocks, xlZipLevel, 2)
	d.Write(data)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if limit := one.Len() + one.Len()/200; blocks.Len() > limit {
		t.Errorf("blocks: %d bytes, one stream %d (limit %d)", blocks.Len(), one.Len(), limit)
	}
}

// TestXLZipWriter: an archive from the workbook's zip writer reads back
// with archive/zip, CRCs checked, entry by entry.
func TestXLZipWriter(t *testing.T) {
	parts := map[string][]byte{"a.xml": xlZipSample(2*xlZipBlock + 5), "b.xml": nil, "c.xml": xlZipSample(100)}
	var buf bytes.Buffer
	zw := xlZipWriter(&buf)
	for _, name := range []string{"a.xml", "b.xml", "c.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(parts[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC at EOF
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, not deflate", f.Name, f.Method)
		}
		if len(b) == 0 {
			b = nil
		}
		got[f.Name] = b
	}
	if diff := cmp.Diff(parts, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}
