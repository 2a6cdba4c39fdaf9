package recording

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/tickc/tickc/runtime/lineprotocol"
)

type record struct {
	DB, RP string
	Line   int
	Point  string // as re-encoded after parsing, with the time in ns
}

// readAll reads every record of a recording and parses its point.
func readAll(t *testing.T, data []byte, precision lineprotocol.Precision) (*Reader, []record) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), precision)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	var p lineprotocol.Parser
	for r.Next() {
		p.Reset(r.Point(), r.Precision(), time.Time{})
		if !p.Next() {
			t.Fatalf("line %d: %q: %v", r.Line(), r.Point(), p.Errors())
		}
		line := lineprotocol.AppendPoint(nil, p.Measurement(), p.Tags(), p.Fields(), p.Time())
		recs = append(recs, record{r.DB(), r.RP(), r.Line(), string(line)})
	}
	return r, recs
}

func TestWriterRoundTrip(t *testing.T) {
	body := []byte(`cpu,host=a\ b,cpu=cpu-total usage_idle=87.5,n=3i,up=true,msg="say \"hi\"" 1709546400000000001
mem used_percent=-1.25e-7 1709546400000000002
cpu,host=c usage_idle=1 -5
`)
	dbrps := [][2]string{{"telegraf", "autogen"}, {"telegraf", "autogen"}, {"other db", "rp"}}

	var buf bytes.Buffer
	w := NewWriter(&buf)
	var p lineprotocol.Parser
	p.Reset(body, lineprotocol.Nanosecond, time.Time{})
	var want []record
	for i := 0; p.Next(); i++ {
		if err := w.WritePoint(dbrps[i][0], dbrps[i][1], p.Measurement(), p.Tags(), p.Fields(), p.Time()); err != nil {
			t.Fatal(err)
		}
		line := lineprotocol.AppendPoint(nil, p.Measurement(), p.Tags(), p.Fields(), p.Time())
		want = append(want, record{dbrps[i][0], dbrps[i][1], 3*i + 3, string(line)})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// The file is gzip text in Kapacitor's record layout.
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	wantText := `telegraf
autogen
cpu,cpu=cpu-total,host=a\ b msg="say \"hi\"",n=3i,up=true,usage_idle=87.5 1709546400000000001
telegraf
autogen
mem used_percent=-0.000000125 1709546400000000002
other db
rp
cpu,host=c usage_idle=1 -5
`
	if diff := cmp.Diff(wantText, string(text)); diff != "" {
		t.Errorf("recording text (-want +got):\n%s", diff)
	}

	r, got := readAll(t, buf.Bytes(), lineprotocol.Second)
	if r.Format() != SRPL || r.Precision() != lineprotocol.Nanosecond {
		t.Errorf("format %v, precision %v", r.Format(), r.Precision())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if r.Err() != nil {
		t.Error(r.Err())
	}
}

func TestWriterRejectsNewlines(t *testing.T) {
	w := NewWriter(io.Discard)
	fields := []lineprotocol.Field{{Key: []byte("s"), Kind: lineprotocol.String, Str: []byte("a\nb")}}
	if err := w.WritePoint("db", "rp", []byte("m"), nil, fields, 1); err == nil {
		t.Error("newline in a string field accepted")
	}
	fields[0].Str = []byte("ab")
	if err := w.WritePoint("db", "r\np", []byte("m"), nil, fields, 1); err == nil {
		t.Error("newline in the retention policy accepted")
	}
	if err := w.WritePoint("db", "rp", []byte("m"), nil, fields, 1); err != nil {
		t.Error(err)
	}
}

// Kapacitor's test fixtures: plain srpl, timestamps in seconds.
func TestReadPlainSRPL(t *testing.T) {
	data := "dbname\r\nrpname\r\ntypes str=\"bob\",bool=false,int=5i,float=42 0000000001\r\n" +
		"\n" + // tolerated between records
		"dbname\nrpname\ncpu,type=idle,host=serverA value=97.1 0000000002\n\n"
	r, got := readAll(t, []byte(data), lineprotocol.Second)
	want := []record{
		{"dbname", "rpname", 3, `types bool=false,float=42,int=5i,str="bob" 1000000000`},
		{"dbname", "rpname", 7, `cpu,host=serverA,type=idle value=97.1 2000000000`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if r.Format() != SRPL || r.Precision() != lineprotocol.Second || r.Err() != nil {
		t.Errorf("format %v, precision %v, err %v", r.Format(), r.Precision(), r.Err())
	}
}

func TestReadLineProtocol(t *testing.T) {
	data := "# exported\n\ncpu,host=a v=1 1\r\n  mem v=2i 2\n# end\n"
	for _, compress := range []bool{false, true} {
		in := []byte(data)
		if compress {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(in)
			zw.Close()
			in = buf.Bytes()
		}
		r, got := readAll(t, in, lineprotocol.Millisecond)
		want := []record{
			{"", "", 3, "cpu,host=a v=1 1000000"},
			{"", "", 4, "mem v=2i 2000000"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("compressed %v: records (-want +got):\n%s", compress, diff)
		}
		if r.Format() != LineProtocol || r.Precision() != lineprotocol.Millisecond || r.Err() != nil {
			t.Errorf("compressed %v: format %v, precision %v, err %v", compress, r.Format(), r.Precision(), r.Err())
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ data, err string }{
		{"db\nrp\nm v=1 1\ndb\nrp", `recording: line 5: record for database "db" ends before its point`},
		{"db", `recording: line 1: record for database "db" ends before its retention policy`},
		{"db\nrp\nm v=1 1\n" + strings.Repeat("x", maxLine+1), "recording: line 4: bufio.Scanner: token too long"},
	} {
		r, err := NewReader(strings.NewReader(c.data), lineprotocol.Second)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
		}
		if r.Err() == nil || r.Err().Error() != c.err {
			t.Errorf("%.20q: error %v, want %s", c.data, r.Err(), c.err)
		}
	}

	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0}), lineprotocol.Second); err == nil {
		t.Error("corrupt gzip accepted")
	}
}

func TestReadEmpty(t *testing.T) {
	for _, data := range []string{"", "\n\n", "# only a comment\n"} {
		r, got := readAll(t, []byte(data), lineprotocol.Second)
		if len(got) > 0 || r.Err() != nil {
			t.Errorf("%q: records %v, err %v", data, got, r.Err())
		}
	}
}

// Records of one database and retention policy share their strings.
func TestReadReusesStrings(t *testing.T) {
	data := strings.Repeat("telegraf\nautogen\nm v=1 1\n", 3)
	r, err := NewReader(strings.NewReader(data), lineprotocol.Second)
	if err != nil {
		t.Fatal(err)
	}
	var dbs []*byte
	for r.Next() {
		dbs = append(dbs, unsafe.StringData(r.DB()))
	}
	if len(dbs) != 3 || dbs[0] != dbs[1] || dbs[1] != dbs[2] {
		t.Errorf("database strings %v", dbs)
	}
}
