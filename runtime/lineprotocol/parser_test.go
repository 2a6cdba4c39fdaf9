package lineprotocol

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePoint(t *testing.T) {
	var p Parser
	p.Reset([]byte(`cpu\ load,zone=eu\,west,host=a\ b usage=87.5,count=3i,name="say \"hi\" \\o/",up=T,t\=x=-1e-3 1709546400000000000`), Nanosecond, time.Time{})
	if !p.Next() {
		t.Fatalf("no point: %v", p.Errors())
	}
	if got := string(p.Measurement()); got != "cpu load" {
		t.Errorf("measurement %q", got)
	}
	wantTags := []Tag{{[]byte("host"), []byte("a b")}, {[]byte("zone"), []byte("eu,west")}}
	if diff := cmp.Diff(wantTags, p.Tags()); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	wantFields := []Field{
		{Key: []byte("count"), Kind: Int, Int: 3},
		{Key: []byte("name"), Kind: String, Str: []byte(`say "hi" \o/`)},
		{Key: []byte("t=x"), Kind: Float, Float: -1e-3},
		{Key: []byte("up"), Kind: Bool, Bool: true},
		{Key: []byte("usage"), Kind: Float, Float: 87.5},
	}
	if diff := cmp.Diff(wantFields, p.Fields()); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if p.Time() != 1709546400000000000 {
		t.Errorf("time %d", p.Time())
	}
	if v, ok := p.Tag("zone"); !ok || string(v) != "eu,west" {
		t.Errorf("Tag(zone) = %q, %v", v, ok)
	}
	if _, ok := p.Tag("cpu"); ok {
		t.Error("Tag(cpu) found")
	}
	if f, ok := p.Field("count"); !ok || f.Int != 3 {
		t.Errorf("Field(count) = %+v, %v", f, ok)
	}
	if _, ok := p.Field("usage_idle"); ok {
		t.Error("Field(usage_idle) found")
	}
	if p.Next() {
		t.Error("second point")
	}
}

func TestDuplicateFieldsLastWins(t *testing.T) {
	var p Parser
	p.Reset([]byte("m b=1,a=2,b=3i,a=\"x\""), Nanosecond, time.Time{})
	if !p.Next() {
		t.Fatal(p.Errors())
	}
	want := []Field{{Key: []byte("a"), Kind: String, Str: []byte("x")}, {Key: []byte("b"), Kind: Int, Int: 3}}
	if diff := cmp.Diff(want, p.Fields()); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestErrorsAndLineNumbers(t *testing.T) {
	body := strings.Join([]string{
		"cpu v=1 1",                   // 1
		"",                            // 2
		"cpu v=abc 2",                 // 3
		"# comment",                   // 4
		"cpu s=\"multi",               // 5
		"line\" 3",                    // 6
		"cpu,host=a,host=b v=1",       // 7
		"cpu v=1 12x",                 // 8
		"cpu v=1.2.3",                 // 9
		"cpu v=5u",                    // 10
		"cpu v=99999999999999999999i", // 11
		"cpu",                         // 12
		"cpu v=2 4",                   // 13
		"cpu v=1 1 1",                 // 14
		"cpu v=1 99999999999999999 ",  // 15
		"cpu \t=1",                    // 16
	}, "\n")
	var p Parser
	p.Reset([]byte(body), Second, time.Time{})
	var lines []int
	var times []int64
	for p.Next() {
		lines = append(lines, p.Line())
		times = append(times, p.Time())
	}
	if diff := cmp.Diff([]int{1, 5, 13}, lines); diff != "" {
		t.Errorf("point lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{1e9, 3e9, 4e9}, times); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
	want := []Error{
		{3, "cpu v=abc 2", `field "v": invalid value "abc" (strings must be double-quoted)`},
		{7, "cpu,host=a,host=b v=1", `duplicate tag "host"`},
		{8, "cpu v=1 12x", `invalid timestamp "12x"`},
		{9, "cpu v=1.2.3", `field "v": invalid number "1.2.3"`},
		{10, "cpu v=5u", `field "v": unsigned integer "5u" not supported`},
		{11, "cpu v=99999999999999999999i", `field "v": integer out of range "99999999999999999999i"`},
		{12, "cpu", "missing fields"},
		{14, "cpu v=1 1 1", `unexpected text after timestamp: "1"`},
		{15, "cpu v=1 99999999999999999 ", "timestamp 99999999999999999 out of range"},
		{16, "cpu \t=1", "missing field key"},
	}
	if diff := cmp.Diff(want, p.Errors()); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if got := p.Errors()[0].Error(); got != `line 3: field "v": invalid value "abc" (strings must be double-quoted)` {
		t.Errorf("Error() = %q", got)
	}
}

func TestCRLF(t *testing.T) {
	var p Parser
	p.Reset([]byte("cpu v=1 1\r\n\r\ncpu v=2i\r\ncpu v=\"a\r\nb\" 3\r\n"), Nanosecond, time.Unix(0, 7))
	var got []point
	for p.Next() {
		got = append(got, toPoint(t, &p))
	}
	want := []point{
		{Name: "cpu", Fields: map[string]any{"v": 1.0}, Time: 1},
		{Name: "cpu", Fields: map[string]any{"v": int64(2)}, Time: 7},
		{Name: "cpu", Fields: map[string]any{"v": "a\r\nb"}, Time: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
	if len(p.Errors()) > 0 {
		t.Errorf("errors: %v", p.Errors())
	}
}

func TestPrecision(t *testing.T) {
	now := time.Date(2024, 3, 4, 10, 11, 12, 131415161, time.UTC)
	for _, c := range []struct {
		precision     string
		stamped, none int64 // times of "m v=1 5" and of "m v=1"
	}{
		{"", 5, now.UnixNano()},
		{"n", 5, now.UnixNano()},
		{"ns", 5, now.UnixNano()},
		{"u", 5e3, now.Truncate(time.Microsecond).UnixNano()},
		{"ms", 5e6, now.Truncate(time.Millisecond).UnixNano()},
		{"s", 5e9, now.Truncate(time.Second).UnixNano()},
		{"m", 300e9, now.Truncate(time.Minute).UnixNano()},
		{"h", 18000e9, now.Truncate(time.Hour).UnixNano()},
	} {
		var p Parser
		p.Reset([]byte("m v=1 5\nm v=1"), ParsePrecision(c.precision), now)
		var got []int64
		for p.Next() {
			got = append(got, p.Time())
		}
		if diff := cmp.Diff([]int64{c.stamped, c.none}, got); diff != "" {
			t.Errorf("precision %q (-want +got):\n%s", c.precision, diff)
		}
	}

	// Negative times truncate down, as time.Time.Truncate does.
	var p Parser
	p.Reset([]byte("m v=1"), Second, time.Unix(-1, 500))
	if !p.Next() || p.Time() != -1e9 {
		t.Errorf("negative now: %d", p.Time())
	}
	p.Reset([]byte("m v=1 -3"), Hour, time.Time{})
	if !p.Next() || p.Time() != -3*3600e9 {
		t.Errorf("negative timestamp: %d", p.Time())
	}
	p.Reset([]byte("m v=1 2562048"), Hour, time.Time{})
	if p.Next() {
		t.Errorf("2562048h is beyond 2262 but gave %d", p.Time())
	}
}

// Slices handed out for one point must survive the unescaping of the rest of
// the point, and a Reset must not disturb anything but the point.
func TestScratchStability(t *testing.T) {
	var p Parser
	long := strings.Repeat(`\ `, 100)
	p.Reset([]byte(`m\ 1,k\ 1=v\ 1,k\ 2=`+long+` f\ 1="`+long+`",f\ 2="\"" 1`), Nanosecond, time.Time{})
	if !p.Next() {
		t.Fatal(p.Errors())
	}
	unesc := strings.Repeat(" ", 100)
	got := []string{string(p.Measurement())}
	for _, tag := range p.Tags() {
		got = append(got, string(tag.Key), string(tag.Value))
	}
	for _, f := range p.Fields() {
		got = append(got, string(f.Key), string(f.Str))
	}
	want := []string{"m 1", "k 1", "v 1", "k 2", unesc, "f 1", strings.Repeat(`\ `, 100), "f 2", `"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestZeroAllocs(t *testing.T) {
	body := []byte(`cpu,host=host042,cpu=cpu-total usage_idle=87.5,n=3i,s="a\"b",ok=true 1709546400000000000
cpu,zone=z\ 1,host=b usage\ idle=1 1709546400000000001
`)
	var p Parser
	allocs := testing.AllocsPerRun(100, func() {
		p.Reset(body, Nanosecond, oracleNow)
		for p.Next() {
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per body", allocs)
	}
}
