package gogen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
)

// transformScript exercises the nodes of transform.go on stream edges and,
// after a window, on batch edges. Each branch posts to its own path.
const transformScript = `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('m')
        .groupBy('host')

data
    |derivative('x')
        .unit(10s)
        .nonNegative()
        .as('dx')
    |httpPost('CAPTURE_URL/derivative')

data
    |difference('n')
    |httpPost('CAPTURE_URL/difference')

data
    |cumulativeSum('x')
    |httpPost('CAPTURE_URL/cumulativeSum')

data
    |elapsed('x', 5s)
    |httpPost('CAPTURE_URL/elapsed')

data
    |movingAverage('n', 2)
        .as('ma')
    |httpPost('CAPTURE_URL/movingAverage')

data
    |stateDuration(lambda: "x" > 1.5)
        .unit(10s)
    |httpPost('CAPTURE_URL/stateDuration')

data
    |changeDetect('s')
    |httpPost('CAPTURE_URL/changeDetect')

data
    |sample(20s)
    |httpPost('CAPTURE_URL/sample')

var w = data
    |window()
        .period(30s)
        .every(30s)

w
    |derivative('x')
    |httpPost('CAPTURE_URL/w_derivative')

w
    |difference('n')
    |httpPost('CAPTURE_URL/w_difference')

w
    |cumulativeSum('x')
    |httpPost('CAPTURE_URL/w_cumulativeSum')

w
    |stateCount(lambda: "n" >= 15)
    |httpPost('CAPTURE_URL/w_stateCount')

w
    |sample(2)
    |httpPost('CAPTURE_URL/w_sample')

w
    |changeDetect('s')
    |httpPost('CAPTURE_URL/w_changeDetect')

w
    |shift(1m)
    |httpPost('CAPTURE_URL/w_shift')

w
    |elapsed('s', 1s)
    |httpPost('CAPTURE_URL/w_elapsed')

w
    |movingAverage('x', 2)
    |httpPost('CAPTURE_URL/w_movingAverage')

data
    |sample(3)
        .n(2)
    |derivative('n')
        .field('x')
    |httpPost('CAPTURE_URL/sample_derivative')

data
    |holtWinters('n', 2, 0, 10s)
    |httpPost('CAPTURE_URL/holtWinters')
`

// transformInput is in seconds from 2024-03-04T10:00:00Z (1709546400). Host
// a has a point without x at :30, two points at :40 (the second without s);
// host b has one point.
const transformInput = `m,host=a x=1.0,n=10i,s="a" 1709546400
m,host=a x=3.0,n=15i,s="a" 1709546410
m,host=b x=5.0,n=1i,s="z" 1709546410
m,host=a x=2.0,n=15i,s="b" 1709546420
m,host=a n=20i,s="b" 1709546430
m,host=a x=6.0,n=30i,s="b" 1709546440
m,host=a x=7.0,n=31i 1709546440
m,host=a x=7.0,n=40i,s="c" 1709546460
m,host=a x=8.0,n=50i,s="c" 1709546470
`

// transformWant is what each path receives, one post per line in the
// compact form of compactPost, derived by hand from Kapacitor's sources
// (see transform.go and runtime/transform).
var transformWant = map[string]string{
	// The first point of a group emits nothing; :20 is a drop (dropped by
	// nonNegative, but remembered); :30 has no x (an error, forgotten); the
	// second :40 is 0s after the first (an error, remembered).
	"/derivative": `
m host=a | 10:00:10 dx=2 n=15 s="a" x=3
m host=a | 10:00:40 dx=2 n=30 s="b" x=6
m host=a | 10:01:00 dx=0 n=40 s="c" x=7
m host=a | 10:01:10 dx=1 n=50 s="c" x=8`,
	// The second :40 has the time of the current point: ignored.
	"/difference": `
m host=a | 10:00:10 difference=5
m host=a | 10:00:20 difference=0
m host=a | 10:00:30 difference=5
m host=a | 10:00:40 difference=10
m host=a | 10:01:00 difference=10
m host=a | 10:01:10 difference=10`,
	// :30 has no x: the last sum is emitted again, with its time.
	"/cumulativeSum": `
m host=a | 10:00:00 cumulativeSum=1
m host=a | 10:00:10 cumulativeSum=4
m host=b | 10:00:10 cumulativeSum=5
m host=a | 10:00:20 cumulativeSum=6
m host=a | 10:00:20 cumulativeSum=6
m host=a | 10:00:40 cumulativeSum=12
m host=a | 10:00:40 cumulativeSum=19
m host=a | 10:01:00 cumulativeSum=26
m host=a | 10:01:10 cumulativeSum=34`,
	"/elapsed": `
m host=a | 10:00:10 elapsed=2
m host=a | 10:00:20 elapsed=2
m host=a | 10:00:20 elapsed=2
m host=a | 10:00:40 elapsed=4
m host=a | 10:00:40 elapsed=0
m host=a | 10:01:00 elapsed=4
m host=a | 10:01:10 elapsed=2`,
	"/movingAverage": `
m host=a | 10:00:10 ma=12.5
m host=a | 10:00:20 ma=15
m host=a | 10:00:30 ma=17.5
m host=a | 10:00:40 ma=25
m host=a | 10:00:40 ma=30.5
m host=a | 10:01:00 ma=35.5
m host=a | 10:01:10 ma=45`,
	// :30 has no x: the lambda fails and the point is dropped.
	"/stateDuration": `
m host=a | 10:00:00 n=10 s="a" state_duration=-1 x=1
m host=a | 10:00:10 n=15 s="a" state_duration=0 x=3
m host=b | 10:00:10 n=1 s="z" state_duration=0 x=5
m host=a | 10:00:20 n=15 s="b" state_duration=1 x=2
m host=a | 10:00:40 n=30 s="b" state_duration=3 x=6
m host=a | 10:00:40 n=31 state_duration=3 x=7
m host=a | 10:01:00 n=40 s="c" state_duration=5 x=7
m host=a | 10:01:10 n=50 s="c" state_duration=6 x=8`,
	"/changeDetect": `
m host=a | 10:00:00 n=10 s="a" x=1
m host=b | 10:00:10 n=1 s="z" x=5
m host=a | 10:00:20 n=15 s="b" x=2
m host=a | 10:01:00 n=40 s="c" x=7`,
	"/sample": `
m host=a | 10:00:00 n=10 s="a" x=1
m host=a | 10:00:20 n=15 s="b" x=2
m host=a | 10:00:40 n=30 s="b" x=6
m host=a | 10:00:40 n=31 x=7
m host=a | 10:01:00 n=40 s="c" x=7`,
	// Host a's windows: [:00, :30) at :30, [:30, :60) at 1:00. Every batch
	// starts a new state. A posted batch has the columns of its first
	// point, so x is not shown for the second window.
	"/w_derivative": `
m host=a | 10:00:10 n=15 s="a" x=0.2 | 10:00:20 n=15 s="b" x=-0.1
m host=a |`,
	"/w_difference": `
m host=a | 10:00:10 difference=5 | 10:00:20 difference=0
m host=a | 10:00:40 difference=10`,
	"/w_cumulativeSum": `
m host=a | 10:00:00 cumulativeSum=1 | 10:00:10 cumulativeSum=4 | 10:00:20 cumulativeSum=6
m host=a | 10:00:40 cumulativeSum=6 | 10:00:40 cumulativeSum=13`,
	"/w_stateCount": `
m host=a | 10:00:00 n=10 s="a" state_count=-1 x=1 | 10:00:10 n=15 s="a" state_count=1 x=3 | 10:00:20 n=15 s="b" state_count=2 x=2
m host=a | 10:00:30 n=20 s="b" state_count=1 | 10:00:40 n=30 s="b" state_count=2 | 10:00:40 n=31 s=null state_count=3`,
	"/w_sample": `
m host=a | 10:00:00 n=10 s="a" x=1 | 10:00:20 n=15 s="b" x=2
m host=a | 10:00:30 n=20 s="b" | 10:00:40 n=31 s=null`,
	"/w_changeDetect": `
m host=a | 10:00:00 n=10 s="a" x=1 | 10:00:20 n=15 s="b" x=2
m host=a | 10:00:30 n=20 s="b"`,
	"/w_shift": `
m host=a | 10:01:00 n=10 s="a" x=1 | 10:01:10 n=15 s="a" x=3 | 10:01:20 n=15 s="b" x=2
m host=a | 10:01:30 n=20 s="b" | 10:01:40 n=30 s="b" | 10:01:40 n=31 s=null`,
	// The second :40 has no s: the last result again.
	"/w_elapsed": `
m host=a | 10:00:10 elapsed=10 | 10:00:20 elapsed=10
m host=a | 10:00:40 elapsed=10 | 10:00:40 elapsed=10`,
	"/w_movingAverage": `
m host=a | 10:00:10 movingAverage=2 | 10:00:20 movingAverage=2.5
m host=a | 10:00:40 movingAverage=6.5`,
	// .n(2) replaces the 3; .field('x') replaces n as the input, but the
	// result keeps the name n, as Kapacitor sets As in the constructor.
	"/sample_derivative": `
m host=a | 10:00:20 n=0.05 s="b" x=2
m host=a | 10:00:40 n=0.2 s="b" x=6
m host=a | 10:01:00 n=0.05 s="c" x=7`,
	// On a stream, holtWinters fits the points of each timestamp when the
	// next one arrives: one point is too few, so each batch is empty.
	"/holtWinters": `
m host=a |
m host=a |
m host=a |
m host=a |
m host=a |
m host=a |`,
}

// transformErrors are the errors counted per node: derivative (x missing,
// 0s elapsed), cumulativeSum and elapsed (x missing), stateDuration (the
// lambda on a point without x), changeDetect (s missing); in the windows,
// derivative (x missing, 0s elapsed), cumulativeSum (x missing, before
// the state knows the kind), changeDetect (s missing), elapsed (s
// missing) and movingAverage (x missing).
var transformErrors = map[string]string{
	"derivative2": "2", "difference4": "0", "cumulativeSum6": "1", "elapsed8": "1",
	"movingAverage10": "0", "state_duration12": "1", "changeDetect14": "1", "sample16": "0",
	"derivative19": "2", "difference21": "0", "cumulativeSum23": "1", "state_count25": "0",
	"sample27": "0", "changeDetect29": "1", "shift31": "0", "elapsed33": "1",
	"movingAverage35": "1", "sample37": "0", "derivative38": "0", "holtWinters40": "0",
}

func TestTransformNodes(t *testing.T) {
	posts, stdout := replayScript(t, "transform", transformScript, transformInput)

	var paths []string
	for p := range transformWant {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		want := strings.TrimPrefix(transformWant[p], "\n")
		if got := strings.Join(posts[p], "\n"); got != want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", p, got, want)
		}
	}
	for p := range posts {
		if _, ok := transformWant[p]; !ok {
			t.Errorf("unexpected posts to %s", p)
		}
	}
	dot := stdout
	for node, n := range transformErrors {
		if !strings.Contains(dot, fmt.Sprintf("%s [avg_exec_time_ns=", node)) {
			t.Errorf("node %s is not in the graph:\n%s", node, dot)
			continue
		}
		re := fmt.Sprintf("%s [avg_exec_time_ns=\"", node)
		line := dot[strings.Index(dot, re):]
		line = line[:strings.Index(line, "\n")]
		if !strings.Contains(line, fmt.Sprintf(`errors="%s"`, n)) {
			t.Errorf("%s: want errors=%q: %s", node, n, line)
		}
	}
}

// TestEvalWithoutLambdas replays transformInput through eval() nodes that
// have no lambdas, and so no .as(): as in Kapacitor they only choose the
// fields passed on. Without .keep() no field is left; .keep() keeps them
// all; .keep('x', 'n') keeps those two and drops, with an error, a point
// that has no x (host a at :30).
func TestEvalWithoutLambdas(t *testing.T) {
	script := `dbrp "telegraf"."autogen"

var data = stream
    |from()
        .measurement('m')
        .where(lambda: "host" == 'a')
        .groupBy('host')

data
    |eval()
    |httpPost('CAPTURE_URL/none')

data
    |eval()
        .keep()
    |httpPost('CAPTURE_URL/all')

data
    |eval()
        .keep('x', 'n')
    |httpPost('CAPTURE_URL/some')
`
	posts, stdout := replayScript(t, "evalkeep", script, transformInput)
	want := map[string]string{
		"/none": `
m host=a | 10:00:00
m host=a | 10:00:10
m host=a | 10:00:20
m host=a | 10:00:30
m host=a | 10:00:40
m host=a | 10:00:40
m host=a | 10:01:00
m host=a | 10:01:10`,
		"/all": `
m host=a | 10:00:00 n=10 s="a" x=1
m host=a | 10:00:10 n=15 s="a" x=3
m host=a | 10:00:20 n=15 s="b" x=2
m host=a | 10:00:30 n=20 s="b"
m host=a | 10:00:40 n=30 s="b" x=6
m host=a | 10:00:40 n=31 x=7
m host=a | 10:01:00 n=40 s="c" x=7
m host=a | 10:01:10 n=50 s="c" x=8`,
		"/some": `
m host=a | 10:00:00 n=10 x=1
m host=a | 10:00:10 n=15 x=3
m host=a | 10:00:20 n=15 x=2
m host=a | 10:00:40 n=30 x=6
m host=a | 10:00:40 n=31 x=7
m host=a | 10:01:00 n=40 x=7
m host=a | 10:01:10 n=50 x=8`,
	}
	for p, w := range want {
		if got := strings.Join(posts[p], "\n"); got != strings.TrimPrefix(w, "\n") {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", p, got, strings.TrimPrefix(w, "\n"))
		}
	}
	// eval6 is the third eval: stream0, from1, then an eval and its
	// httpPost per branch.
	if !regexp.MustCompile(`(?m)^\s*eval6 \[.*errors="1"`).MatchString(stdout) {
		t.Errorf("eval().keep('x', 'n') does not count the point without x as an error:\n%s", stdout)
	}
}

// compactPost renders an httpPost body on one line: per series its name
// and tags, then per row its time of day and columns.
func compactPost(body []byte) (string, error) {
	var res struct {
		Series []struct {
			Name    string              `json:"name"`
			Tags    map[string]string   `json:"tags"`
			Columns []string            `json:"columns"`
			Values  [][]json.RawMessage `json:"values"`
		} `json:"series"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "", err
	}
	var b strings.Builder
	for i, s := range res.Series {
		if i > 0 {
			b.WriteString(" || ")
		}
		b.WriteString(s.Name)
		var tags []string
		for k, v := range s.Tags {
			tags = append(tags, k+"="+v)
		}
		sort.Strings(tags)
		if len(tags) > 0 {
			b.WriteString(" " + strings.Join(tags, ","))
		}
		b.WriteString(" |")
		for j, row := range s.Values {
			if j > 0 {
				b.WriteString(" |")
			}
			for k, v := range row {
				if s.Columns[k] == "time" {
					var ts time.Time
					if err := json.Unmarshal(v, &ts); err != nil {
						return "", err
					}
					b.WriteString(" " + ts.UTC().Format("15:04:05.999999999"))
					continue
				}
				b.WriteString(" " + s.Columns[k] + "=" + string(v))
			}
		}
	}
	return b.String(), nil
}

// TestTransformErrors: values Kapacitor rejects when the task starts, or
// crashes on, stop code generation.
func TestTransformErrors(t *testing.T) {
	cases := []struct{ script, want string }{
		{"|shift(0s)", "invalid shift value"},
		{"|movingAverage('x', 0)", "window of at least 1"},
		{"|elapsed('x', 0s)", "non-zero unit"},
	}
	for _, c := range cases {
		script := "dbrp \"telegraf\".\"autogen\"\nstream\n    |from()\n    " + c.script + "\n"
		task, diags := compiler.Check("e.tick", []byte(script), compiler.Options{})
		if task == nil {
			// The checker may reject it first; that is fine too.
			if diags.HasErrors() {
				continue
			}
			t.Fatalf("%s: no task and no error", c.script)
		}
		_, err := Generate(task, "e.tick", []byte(script))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.script, err, c.want)
		}
	}
}
