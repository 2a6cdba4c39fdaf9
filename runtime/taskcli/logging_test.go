package taskcli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/runtime/server/servertest"
)

// jsonRecords parses log output as JSON lines.
func jsonRecords(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %v: %q\nin:\n%s", err, line, out)
		}
		recs = append(recs, rec)
	}
	return recs
}

// find returns the first record with message msg, or nil.
func find(recs []map[string]any, msg string) map[string]any {
	for _, r := range recs {
		if r["msg"] == msg {
			return r
		}
	}
	return nil
}

func TestLogFormatJSON(t *testing.T) {
	fake := servertest.New("cpu_alert", true)
	url, stop := serveInBackground(t, fake, "serve", "--log-format", "json")
	post(t, url+"/write?db=telegraf&rp=autogen", "cpu value=99 1\n")
	res := stop()
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	recs := jsonRecords(t, res.stderr)
	serving := find(recs, "serving task")
	if serving == nil || serving["level"] != "INFO" || serving["task"] != "cpu_alert" || serving["time"] == nil ||
		!strings.HasPrefix(serving["url"].(string), "http://127.0.0.1:") {
		t.Errorf("serving task: %v", serving)
	}
	if req := find(recs, "http request"); req == nil || req["method"] != "POST" || req["status"] != 204.0 {
		t.Errorf("http request: %v", req)
	}
	if stopped := find(recs, "stopped"); stopped == nil || stopped["points"] != 1.0 {
		t.Errorf("stopped: %v", stopped)
	}
}

// logRun runs the command line of a fake task and then logs a warning
// through the task's logger (env.Log), and returns everything written to
// stderr.
func logRun(t *testing.T, args ...string) (code int, stderr string) {
	t.Helper()
	fake := servertest.New("cpu_alert", false)
	var out, errOut bytes.Buffer
	r := &runner{p: &fake.Program, stdout: &out, stderr: &errOut}
	code = r.run(context.Background(), append([]string{"task"}, args...))
	if inst := fake.Last(); inst != nil {
		inst.Env.Log.Warn("from the task", "n", 3)
	}
	return code, errOut.String()
}

var (
	jsonTime = regexp.MustCompile(`"time":"[^"]+",`)
	textTime = regexp.MustCompile(`^time=\S+ `)
)

// The logging settings: [logging] level and format in the configuration,
// overridden by --log-level and --log-format; the task logs through the
// same logger, with its ID.
func TestLogSettings(t *testing.T) {
	conf := writeFile(t, "task.conf", "[logging]\n  level = \"warn\"\n  format = \"json\"\n", false)
	lp := writeFile(t, "x.lp", "cpu value=1 1\nnot line protocol\n", false)
	for _, c := range []struct {
		args []string
		want []string // the log lines, without times
	}{
		{[]string{"--config", conf}, []string{
			`{"level":"WARN","msg":"skipping a line that is not line protocol","file":"LP","line":2,"error":"invalid field format","text":"not line protocol"}`,
			`{"level":"WARN","msg":"from the task","task":"cpu_alert","n":3}`,
		}},
		{[]string{"--config", conf, "--log-level", "ERROR"}, nil},
		{[]string{"--config", conf, "--log-format", "text"}, []string{
			`level=WARN msg="skipping a line that is not line protocol" file=LP line=2 error="invalid field format" text="not line protocol"`,
			`level=WARN msg="from the task" task=cpu_alert n=3`,
		}},
		{[]string{"--log-level", "off"}, nil},
	} {
		code, stderr := logRun(t, append(append([]string{"replay"}, c.args...), lp)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		var got []string
		for _, line := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(line, "replayed ") || line == "" {
				continue // the replay's summary, not a log
			}
			line = jsonTime.ReplaceAllString(textTime.ReplaceAllString(line, ""), "")
			got = append(got, strings.ReplaceAll(line, lp, "LP"))
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%v: logs (-want +got):\n%s", c.args, diff)
		}
	}

	// Unknown names are usage errors.
	for _, args := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}} {
		if code, stderr := logRun(t, append(append([]string{"replay"}, args...), lp)...); code != 2 || !strings.Contains(stderr, "unknown log") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}
