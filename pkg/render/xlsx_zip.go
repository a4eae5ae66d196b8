package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The workbook's parts are deflated in blocks on every core. An
// authority's year is about 140 MB of sheet XML, and archive/zip's
// compressor takes it on one core at about 60 MB/s: half the workbook's
// time went on it after the last row was written, with the other core
// idle.
//
// Each block of xlZipBlock bytes is deflated on its own, primed with the
// 32 KB before it as the dictionary (so a match can still reach back across
// the cut, and the file is within a fraction of a percent of one stream's
// size), and ended with a sync flush, which leaves it on a byte boundary
// with no final bit; the last block is closed. Concatenated in order the
// blocks are one valid deflate stream, as pigz makes them. The cuts fall
// at fixed offsets of the part, whatever the sizes of the writes, so the
// same workbook is still the same bytes.
const (
	xlZipBlock = 1 << 20
	xlZipDict  = 32 << 10 // deflate's window
	// xlZipLevel is level 5 of klauspost/compress's deflate (already in
	// the build for Parquet), not the standard library's 4: on the
	// authority's 130 MB of Pupil detail and All pupils XML, in 1 MB
	// blocks on one core, 0.78 to 0.84 s against 1.35 to 1.93 s (a loaded
	// machine, two rounds), for 10.77 MB against 11.28. Its level 4 is no
	// faster here and 5% larger; 6 is 20% slower for 8% fewer bytes.
	// Any level inflates with any reader: deflate is one format.
	xlZipLevel = 5
)

// xlZipWriter is the workbook's zip writer: archive/zip with the block-
// parallel compressor for deflated entries.
func xlZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return newXLDeflate(out, xlZipLevel, max(1, runtime.GOMAXPROCS(0))), nil
	})
	return zw
}

// xlDeflate is one entry's compressor. Up to workers blocks are compressed
// at once; their outputs are written in order as they finish, so memory is
// a few blocks whatever the part's size.
type xlDeflate struct {
	out     io.Writer
	level   int
	workers int
	cur     []byte   // the block being filled
	tail    []byte   // the last xlZipDict bytes before cur
	pending []*xlJob // in flight, oldest first
	err     error
}

type xlJob struct {
	done chan struct{}
	out  *bytes.Buffer // from xlOutPool, back to it once written out
	err  error
}

var xlBlockPool = sync.Pool{New: func() any { b := make([]byte, 0, xlZipBlock); return &b }}

// xlOutPool keeps the blocks' compressed outputs: 256 KB each, a new one
// for each of an authority's 150 blocks was 38 MB of garbage.
var xlOutPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// xlFlatePool keeps compressors for reuse, each about 1 MB: an authority's
// workbook deflates some 150 blocks, and a new compressor for each was
// 150 MB of garbage. klauspost's ResetDict primes a reused compressor with
// the block's own dictionary (the standard library's Reset can only reuse
// the dictionary a compressor was made with).
var xlFlatePool sync.Pool

func xlFlateWriter(out io.Writer, level int, dict []byte) (fw *flate.Writer, pooled bool, err error) {
	if level != xlZipLevel {
		if len(dict) > 0 {
			fw, err = flate.NewWriterDict(out, level, dict)
		} else {
			fw, err = flate.NewWriter(out, level)
		}
		return fw, false, err
	}
	if fw, ok := xlFlatePool.Get().(*flate.Writer); ok {
		fw.ResetDict(out, dict)
		return fw, true, nil
	}
	if len(dict) > 0 {
		fw, err = flate.NewWriterDict(out, level, dict)
	} else {
		fw, err = flate.NewWriter(out, level)
	}
	return fw, true, err
}

func newXLDeflate(out io.Writer, level, workers int) *xlDeflate {
	return &xlDeflate{out: out, level: level, workers: workers}
}

func (d *xlDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && d.err == nil {
		if d.cur == nil {
			d.cur = (*xlBlockPool.Get().(*[]byte))[:0]
		}
		k := min(len(p), xlZipBlock-len(d.cur))
		d.cur = append(d.cur, p[:k]...)
		p = p[k:]
		if len(d.cur) == xlZipBlock {
			d.start(false)
		}
	}
	if d.err != nil {
		return 0, d.err
	}
	return n, nil
}

// start hands the filled block to a compressor, first writing out the
// oldest block in flight if as many as there are workers already are.
func (d *xlDeflate) start(last bool) {
	if len(d.pending) >= d.workers {
		d.drain(1)
	}
	block, dict := d.cur, d.tail
	// The next block's dictionary is the end of this one, copied: this
	// block goes back to the pool when its compressor is done.
	from := max(0, len(block)-xlZipDict)
	d.tail = append(make([]byte, 0, xlZipDict), block[from:]...)
	d.cur = nil
	j := &xlJob{done: make(chan struct{}), out: xlOutPool.Get().(*bytes.Buffer)}
	j.out.Reset()
	d.pending = append(d.pending, j)
	go func() {
		defer close(j.done)
		defer func() { b := block[:0]; xlBlockPool.Put(&b) }()
		j.out.Grow(len(block) / 4)
		fw, pooled, err := xlFlateWriter(j.out, d.level, dict)
		if err == nil {
			_, err = fw.Write(block)
		}
		if err == nil {
			if last {
				err = fw.Close()
			} else {
				err = fw.Flush()
			}
		}
		if err == nil && pooled {
			xlFlatePool.Put(fw)
		}
		j.err = err
	}()
}

// drain writes out the n oldest blocks in flight, in order.
func (d *xlDeflate) drain(n int) {
	for ; n > 0 && len(d.pending) > 0; n-- {
		j := d.pending[0]
		d.pending = d.pending[1:]
		<-j.done
		if d.err == nil {
			d.err = j.err
		}
		if d.err == nil {
			_, d.err = d.out.Write(j.out.Bytes())
		}
		xlOutPool.Put(j.out) // the writer has taken its copy (io.Writer's rule)
		j.out = nil
	}
}

// flushOpen compresses the last block, if any, without ending the stream
// (it is sync-flushed, as every block but the last is) and waits for every
// block: more blocks may follow from another compressor primed with tail.
func (d *xlDeflate) flushOpen() error {
	if len(d.cur) > 0 {
		d.start(false)
	}
	d.drain(len(d.pending))
	return d.err
}

// Close compresses the last block (perhaps empty, which ends the stream)
// and waits for every block.
func (d *xlDeflate) Close() error {
	if d.cur == nil {
		d.cur = (*xlBlockPool.Get().(*[]byte))[:0]
	}
	d.start(true)
	d.drain(len(d.pending))
	return d.err
}

// xlSheetZip is the zip writer excelize is given: xlZipWriter's, with each
// written sheet's rows (xlRowsXML) put into its part. excelize's stream
// writer, given no rows, writes the part whole (the sheet's head, an empty
// <sheetData></sheetData>, its tail) in one call of io.Copy; the part is
// held until the next part starts, then written raw: the head deflated,
// the rows' blocks as they were deflated while the rows were made, the
// tail deflated primed with the rows' end, and the CRC-32 of the three
// combined.
type xlSheetZip struct {
	zw   *zip.Writer
	rows map[string]*xlRowsXML
	name string       // the sheet part being held, if any
	part bytes.Buffer // what excelize wrote to it
	seen map[string]bool
}

func newXLSheetZip(zw *zip.Writer, rows map[string]*xlRowsXML) *xlSheetZip {
	return &xlSheetZip{zw: zw, rows: rows, seen: map[string]bool{}}
}

func (z *xlSheetZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if _, ok := z.rows[name]; ok {
		if z.seen[name] {
			return nil, fmt.Errorf("internal error: sheet part %s written twice", name)
		}
		z.seen[name] = true
		z.name = name
		z.part.Reset()
		return &z.part, nil
	}
	return z.zw.Create(name)
}

func (z *xlSheetZip) AddFS(fsys fs.FS) error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// xlEmptySheetData is where the rows go in a part the stream writer wrote.
var xlEmptySheetData = []byte("<sheetData></sheetData>")

// finish writes the sheet part being held, with its rows.
func (z *xlSheetZip) finish() error {
	if z.name == "" {
		return nil
	}
	name := z.name
	z.name = ""
	data := z.part.Bytes()
	at := bytes.Index(data, xlEmptySheetData)
	if at < 0 || bytes.Contains(data[at+1:], xlEmptySheetData[:len("<sheetData>")]) {
		return fmt.Errorf("internal error: sheet part %s has no single empty <sheetData>", name)
	}
	at += len("<sheetData>")
	head, tail := data[:at], data[at:]
	if links := z.rows[name].links; len(links) > 0 {
		// The hyperlinks go where encoding/xml put the worksheet's
		// Hyperlinks field: after the merged cells and validations,
		// before printOptions or (which every written sheet has)
		// pageMargins.
		to := bytes.Index(tail, []byte("<printOptions"))
		if to < 0 {
			to = bytes.Index(tail, []byte("<pageMargins"))
		}
		if to < 0 || bytes.Contains(tail, []byte("<hyperlinks")) {
			return fmt.Errorf("internal error: sheet part %s has no place for its hyperlinks", name)
		}
		tail = slices.Concat(tail[:to], links, tail[to:])
	}
	rows, rowsLen, rowsCRC, rowsSize, dict := z.rows[name].deflated()
	if rowsSize == 0 {
		dict = head[max(0, len(head)-xlZipDict):]
	}
	// The head and the tail are deflated on their own, and the rows'
	// blocks written between them as they are, not copied into one buffer
	// with them first.
	var hz, tz bytes.Buffer
	hw, pooled, err := xlFlateWriter(&hz, xlZipLevel, nil)
	if err != nil {
		return err
	}
	if _, err := hw.Write(head); err != nil {
		return err
	}
	if err := hw.Flush(); err != nil { // on a byte boundary, not final
		return err
	}
	if pooled {
		xlFlatePool.Put(hw)
	}
	tw := newXLDeflate(&tz, xlZipLevel, max(1, runtime.GOMAXPROCS(0)))
	tw.tail = dict
	if _, err := tw.Write(tail); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	crc := crc32.ChecksumIEEE(head)
	crc = xlCRC32Combine(crc, rowsCRC, rowsSize)
	crc = xlCRC32Combine(crc, crc32.ChecksumIEEE(tail), int64(len(tail)))
	w, err := z.zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(hz.Len()) + uint64(rowsLen) + uint64(tz.Len()),
		UncompressedSize64: uint64(len(head)) + uint64(rowsSize) + uint64(len(tail))})
	if err != nil {
		return err
	}
	if _, err := w.Write(hz.Bytes()); err != nil {
		return err
	}
	for _, c := range rows {
		if _, err := w.Write(c); err != nil {
			return err
		}
	}
	_, err = w.Write(tz.Bytes())
	return err
}

func (z *xlSheetZip) Close() error {
	err := z.finish()
	for name := range z.rows {
		if err == nil && !z.seen[name] {
			err = fmt.Errorf("internal error: sheet part %s was not written", name)
		}
	}
	if cerr := z.zw.Close(); err == nil {
		err = cerr
	}
	return err
}

// xlCRC32Combine is the CRC-32 (IEEE) of A followed by B from the CRC-32s
// of A and B and B's length: zlib's crc32_combine, which shifts A's CRC
// past len2 zero bytes by repeated squaring of the CRC's matrix over GF(2)
// (log2(len2) steps), so B's CRC can be computed without A's.
func xlCRC32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	xlGF2Square(&even, &odd) // two zero bits
	xlGF2Square(&odd, &even) // four
	for {
		xlGF2Square(&even, &odd) // one zero byte, then 4, 16, ...
		if len2&1 != 0 {
			crc1 = xlGF2Times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		xlGF2Square(&odd, &even)
		if len2&1 != 0 {
			crc1 = xlGF2Times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func xlGF2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func xlGF2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = xlGF2Times(mat, mat[n])
	}
}
