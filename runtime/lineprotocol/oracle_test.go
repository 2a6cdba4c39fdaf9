package lineprotocol

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/influxdata/influxdb1-client/models"
)

// The oracle is InfluxDB 1.x's own parser (the copy in influxdb1-client),
// read the way Kapacitor reads points: Name(), Tags().Map(), Fields().

// point is a parsed point in a form both parsers can be compared in.
type point struct {
	Name   string
	Tags   [][2]string
	Fields map[string]any
	Time   int64
}

var oracleNow = time.Date(2024, 3, 4, 10, 0, 0, 123456789, time.UTC)

// oracleParse returns the points InfluxDB accepts from body and whether it
// reported an error. Points that InfluxDB accepts but this package rejects on
// purpose (see the package doc) count as errors. ok is false when the oracle
// itself panics, which makes the input useless for comparison.
func oracleParse(body []byte, precision string) (pts []point, failed bool, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	mps, err := models.ParsePointsWithPrecision(body, oracleNow, precision)
	failed = err != nil
	for _, mp := range mps {
		fields, ok := oracleFields(mp)
		if !ok {
			failed = true
			continue
		}
		p := point{Name: string(mp.Name()), Fields: fields, Time: mp.Time().UnixNano()}
		for k, v := range mp.Tags().Map() {
			p.Tags = append(p.Tags, [2]string{k, v})
		}
		sort.Slice(p.Tags, func(i, j int) bool { return p.Tags[i][0] < p.Tags[j][0] })
		pts = append(pts, p)
	}
	return pts, failed, true
}

// oracleFields returns the point's fields as Kapacitor gets them, or false if
// this package rejects the point on purpose.
func oracleFields(mp models.Point) (map[string]any, bool) {
	it := mp.FieldIterator()
	for it.Next() {
		if len(it.FieldKey()) == 0 || it.Type() == models.Empty || it.Type() == models.Unsigned {
			return nil, false
		}
	}
	fields, err := mp.Fields()
	if err != nil || len(fields) == 0 {
		return nil, false
	}
	for _, v := range fields {
		if f, isFloat := v.(float64); isFloat && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, false
		}
	}
	return fields, true
}

func ourParse(t testing.TB, body []byte, precision Precision) ([]point, []Error) {
	var p Parser
	p.Reset(body, precision, oracleNow)
	var pts []point
	for p.Next() {
		pts = append(pts, toPoint(t, &p))
	}
	return pts, p.Errors()
}

func toPoint(t testing.TB, p *Parser) point {
	pt := point{Name: string(p.Measurement()), Fields: map[string]any{}, Time: p.Time()}
	for _, tag := range p.Tags() {
		pt.Tags = append(pt.Tags, [2]string{string(tag.Key), string(tag.Value)})
	}
	if !sort.SliceIsSorted(pt.Tags, func(i, j int) bool { return pt.Tags[i][0] < pt.Tags[j][0] }) {
		t.Errorf("tags not sorted: %q", pt.Tags)
	}
	var prev []byte
	for i, f := range p.Fields() {
		if i > 0 && bytes.Compare(prev, f.Key) >= 0 {
			t.Errorf("fields not sorted and unique: %q after %q", f.Key, prev)
		}
		prev = f.Key
		switch f.Kind {
		case Float:
			pt.Fields[string(f.Key)] = f.Float
		case Int:
			pt.Fields[string(f.Key)] = f.Int
		case String:
			pt.Fields[string(f.Key)] = string(f.Str)
		case Bool:
			pt.Fields[string(f.Key)] = f.Bool
		default:
			t.Errorf("field %q has kind %v", f.Key, f.Kind)
		}
	}
	return pt
}

// compareWithOracle fails t if this package and InfluxDB disagree on body.
func compareWithOracle(t testing.TB, body []byte) {
	for _, precision := range []string{"n", "s"} {
		want, wantFailed, ok := oracleParse(body, precision)
		if !ok {
			return
		}
		got, errs := ourParse(t, body, ParsePrecision(precision))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("precision %s, body %q: points differ (-influxdb +ours):\n%s\nour errors: %v", precision, body, diff, errs)
		}
		if gotFailed := len(errs) > 0; gotFailed != wantFailed {
			t.Fatalf("precision %s, body %q: influxdb failed=%v, ours: %v", precision, body, wantFailed, errs)
		}
	}
}

// oracleCases are inputs around every rule of the format, valid or not. They
// also seed FuzzParse.
var oracleCases = []string{
	"cpu,host=host042,cpu=cpu-total usage_idle=87.5 1709546400000000000",
	"cpu value=1",
	"cpu value=1 1",
	"cpu value=1 -1",
	"cpu value=1 0",
	"cpu,b=2,a=1,c=3 x=1i,y=-2i,z=3.5 10",
	"cpu,a=1,a=2 x=1",
	"cpu,b=1,a=2,b=3 x=1",
	"cpu x=1,x=2,y=3,x=4",
	"cpu z=1,a=2,m=3",
	`cpu\,x,ta\ g=v\,a\=l\ue f\ i\,e\=l\"d=1`,
	`cp\"u\=x v=1`,
	`c\\pu v=1`,
	`cpu\\,t=v x=1`,
	`cpu,t=v\\ x=1`,
	`cpu,t=\\ x=1`,
	`cpu,t\=k=v x=1`,
	`cpu,=v x=1`,
	`cpu,t= x=1`,
	`cpu,t=v,x=1`,
	`cpu,t x=1`,
	`cpu,t=a=b x=1`,
	`cpu,t==b x=1`,
	"cpu,t=v",
	"cpu",
	"cpu ",
	",cpu x=1",
	" cpu x=1",
	"\t cpu x=1",
	"# comment",
	"  # comment",
	"",
	"\n\n\n",
	"cpu x=1\n\ncpu x=2\n# c\ncpu x=3\n",
	"cpu  x=1",
	"cpu \tx=1",
	"cpu x=1  5",
	"cpu x=1 5  ",
	"cpu x=1 5 6",
	"cpu x=1 5\t",
	"cpu x=1\t5",
	"cpu x=1 5a",
	"cpu x=1 -",
	"cpu x=1 --5",
	"cpu x=1 9223372036854775807",
	"cpu x=1 9223372036854775806",
	"cpu x=1 -9223372036854775806",
	"cpu x=1 -9223372036854775807",
	"cpu x=1 99999999999999999999",
	"cpu x=1 9223372036854775",
	"cpu x=1 9223372036854776",
	"cpu x=1 -9223372036854775",
	"cpu x=1 -9223372036854776",
	"cpu x= 1",
	"cpu x=",
	"cpu x=,y=1",
	"cpu =1",
	"cpu x=1,=2",
	"cpu x=1,",
	"cpu x=1,y",
	"cpu x",
	"cpu x=1,,y=2",
	"cpu x=1.5.5",
	"cpu x=.",
	"cpu x=-",
	"cpu x=-.",
	"cpu x=.5,y=5.,z=-.5",
	"cpu x=1e5,y=1E-5,z=-1.5e+10",
	"cpu x=1e,y=2",
	"cpu x=1e+",
	"cpu x=e5",
	"cpu x=-e5",
	"cpu x=1e5e5",
	"cpu x=1e400",
	"cpu x=1e-400",
	"cpu x=123456789012345678901234567890",
	"cpu x=0.000000000000000000000000000001",
	"cpu x=NaN",
	"cpu x=nan",
	"cpu x=n",
	"cpu x=Inf",
	"cpu x=+5",
	"cpu x=0x10",
	"cpu x=1_000",
	"cpu x=1i",
	"cpu x=-1i",
	"cpu x=1.5i",
	"cpu x=1e5i",
	"cpu x=i",
	"cpu x=-i",
	"cpu x=1i5",
	"cpu x=1ii",
	"cpu x=9223372036854775807i",
	"cpu x=9223372036854775808i",
	"cpu x=-9223372036854775808i",
	"cpu x=-9223372036854775809i",
	"cpu x=-0,y=-0i,z=-0.0",
	"cpu x=1.i",
	"cpu x=123456789012345678i,y=1234567890123456789i,z=-1234567890123456789i",
	"cpu x=123456789012345678,y=1234567890123456789,z=00000000000000000000000001",
	"cpu x=9007199254740993,y=9007199254740992,z=900719925474099.3",
	"cpu x=0.0000000000000000000001,y=0.00000000000000000000001",
	"cpu x=1.5,y=2.5 1\ncpu x=3.5,y=\"s\" 2\ncpu x=4.5 3",
	"cpu x=1u",
	"cpu x=-1u",
	"cpu x=t,y=T,z=true,a=True,b=TRUE",
	"cpu x=f,y=F,z=false,a=False,b=FALSE",
	"cpu x=tRUE",
	"cpu x=truee",
	"cpu x=abc",
	`cpu x="abc"`,
	`cpu x=""`,
	`cpu x="a,b=c d"`,
	`cpu x="a\"b\\c\d"`,
	`cpu x="a\\"`,
	`cpu x="unbalanced`,
	`cpu x="a"b`,
	`cpu x="a"b"c"`,
	`cpu x="a"=1`,
	`cpu x="a"=1,b,c=2`,
	`cpu x="a"\,b="c",d,e=1`,
	`cpu a"b=1`,
	`cpu x=1,a"b=2`,
	`cpu x\=y=1`,
	`cpu x\\=1`,
	`cpu x\ y=1`,
	`cpu x\,y=1`,
	`cpu x\"y=1`,
	"cpu x=\"line1\nline2\" 1\ncpu y=2 2",
	"cpu x=\"line1\nline2\ncpu y=2 2",
	"cpu x=1 1\\\ncpu y=2 2",
	"cpu x=1 1\\\\\ncpu y=2 2",
	"cpu,t=a\\\nb x=1",
	"cpu x=1\\\n",
	"# comment x=1 \"\ncpu y=2",
	"# comment \"\ncpu y=2",
	`m\\ b= f=1,k"ey=2` + "\ncpu y=2",
	"cpu x=1 1\ncpu y=bad 2\ncpu z=3 3",
	"cpu\x00 x=1",
	"\x00cpu x=1",
	"cpu x=1 \x00",
	"cpu x=1\x00",
	"cpu,t=\xff\xfe x=\"\xff\"",
	"cpu x=1 1 ",
	"cpu x=1 \v",
}

func TestAgreesWithInfluxDB(t *testing.T) {
	for _, c := range oracleCases {
		compareWithOracle(t, []byte(c))
	}
	// All cases in one body: errors must not disturb the lines around them.
	var all bytes.Buffer
	for _, c := range oracleCases {
		fmt.Fprintf(&all, "%s\n", c)
	}
	compareWithOracle(t, all.Bytes())
}
