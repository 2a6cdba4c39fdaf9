package golden

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestRecordReplay is the record/replay proof: the cpu_alert task binary
// records what it is sent over HTTP into an .srpl file, and replaying that
// recording with --rec-time writes the same alert log, line for line, as
// sending the same data to a live `serve` does (and as the recording
// server itself wrote while recording).
func TestRecordReplay(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(casesDir, "cpu_alert", "task.tick"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	alertLog := filepath.Join(tmp, "alerts.log")
	bin := buildProgram(t, "cpu_alert", bytes.ReplaceAll(script, []byte(alertLogPlaceholder), []byte(alertLog)), tmp)

	data, points, crits := recordData()
	if frac := float64(crits) / float64(points); frac < 0.12 || frac > 0.16 {
		t.Fatalf("the data set has %d critical points of %d (%.0f%%), want about 14%%", crits, points, 100*frac)
	}
	// moveLog takes the alert log a run wrote, so that the next run starts
	// a fresh one.
	moveLog := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(alertLog)
		if err != nil {
			t.Fatalf("%s: no alert log: %v", name, err)
		}
		if err := os.Rename(alertLog, filepath.Join(tmp, name)); err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Record what arrives over HTTP. The recording server runs the task
	// too, so it also writes the alert log live.
	srpl := filepath.Join(tmp, "cpu.srpl")
	rec := startServer(t, bin, "record", "stream", "--duration", "2m", "-o", srpl)
	rec.write(t, data, points)
	rec.stop(t)
	recorded := moveLog("record.log")
	if b, err := os.ReadFile(srpl); err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("%s is not a gzip-compressed recording (err %v)", srpl, err)
	}

	// (a) Replay the recording into a fresh process.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "replay", "--rec-time", srpl).CombinedOutput()
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("replayed %d points", points); !strings.Contains(string(out), want) {
		t.Errorf("replay did not say %q:\n%s", want, out)
	}
	replayed := moveLog("replay.log")

	// (b) Send the same data to a live server.
	live := startServer(t, bin, "serve")
	live.write(t, data, points)
	live.stop(t)
	served := moveLog("serve.log")

	if len(replayed) == 0 {
		t.Fatal("the replay wrote an empty alert log")
	}
	if got := bytes.Count(replayed, []byte(`"level":"CRITICAL"`)); got != crits {
		t.Errorf("the replay logged %d CRITICAL events, want one per critical point: %d", got, crits)
	}
	if !bytes.Equal(replayed, served) {
		t.Errorf("the replayed alert log differs from the live one (-replay +serve):\n%s", lineDiff(string(replayed), string(served)))
	}
	if !bytes.Equal(replayed, recorded) {
		t.Errorf("the replayed alert log differs from the one written while recording (-replay +record):\n%s", lineDiff(string(replayed), string(recorded)))
	}
	t.Logf("%d points, %d critical; %d alert log lines, identical in record, replay and serve",
		points, crits, bytes.Count(replayed, []byte("\n")))
}

// recordData is the data set of TestRecordReplay: six hosts every 10s for
// 50 steps, about 14% of the points critical for cpu_alert
// (int(usage_idle) < 70), in runs of one to three points.
func recordData() (lp []byte, points, crits int) {
	r := rand.New(rand.NewPCG(14, 14))
	var b bytes.Buffer
	hot := map[int]int{} // host → critical points left in its current run
	for i := range 50 {
		for h := 1; h <= 6; h++ {
			idle := 75 + r.Float64()*24
			if hot[h] == 0 && r.Float64() < 0.085 {
				hot[h] = 1 + r.IntN(3)
			}
			if hot[h] > 0 {
				hot[h]--
				idle = 20 + r.Float64()*49.5
			}
			if int(idle) < 70 {
				crits++
			}
			fmt.Fprintf(&b, "cpu,cpu=cpu-total,host=server%d %s %d\n", h, cpuFields(idle), at(i, 10*time.Second))
			points++
		}
	}
	return b.Bytes(), points, crits
}

// process is a task binary serving on a free loopback port.
type process struct {
	cmd    *exec.Cmd
	url    string
	match  []string      // the log line's submatches that gave url
	exited chan struct{} // closed when the process has ended
	err    error         // of Wait, once exited is closed
	mu     sync.Mutex
	log    bytes.Buffer // standard error
}

// startServing starts bin with args and waits until it logs a line that
// urlLine matches, whose first submatch is the URL it serves at. The
// process is killed when the test ends, if it has not ended by then.
func startServing(t *testing.T, bin string, urlLine *regexp.Regexp, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &process{cmd: cmd, exited: make(chan struct{})}
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := urlLine.FindStringSubmatch(line); m != nil {
				select {
				case found <- m:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		s.err = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			cmd.Process.Kill()
			<-s.exited
		}
	})
	select {
	case s.match = <-found:
		s.url = s.match[1]
	case <-s.exited:
		t.Fatalf("%s %s exited before serving: %v\n%s", filepath.Base(bin), args[0], s.err, s.stderr())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s %s did not start serving within 30s", filepath.Base(bin), args[0])
	}
	return s
}

// stderr returns what the process wrote to its standard error so far.
func (s *process) stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop ends the process with SIGTERM, as Ctrl-C would, and checks that it
// exits cleanly.
func (s *process) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			t.Fatalf("%v after SIGTERM:\n%s", s.err, s.stderr())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("did not stop within 30s of SIGTERM:\n%s", s.stderr())
	}
}

// server is a single-task binary serving (serve or record stream).
type server struct {
	*process
	id string // the task's
}

// serveURL finds the address in the "serving task" log line.
var serveURL = regexp.MustCompile(`url=(http://\S+)/kapacitor/v1/tasks/(\S+)`)

// startServer starts bin with args and --http-bind 127.0.0.1:0 and waits
// until it says where it listens.
func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	p := startServing(t, bin, serveURL, append(args, "--http-bind", "127.0.0.1:0", "--log-level", "info", "--data-dir", t.TempDir())...)
	return &server{process: p, id: p.match[2]}
}

// write posts the line protocol in requests of at most 50 lines, in order,
// as Telegraf would, and waits until the task has processed every point.
func (s *server) write(t *testing.T, lp []byte, points int) {
	t.Helper()
	lines := bytes.SplitAfter(lp, []byte("\n"))
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < len(lines); i += 50 {
		body := bytes.Join(lines[i:min(i+50, len(lines))], nil)
		resp, err := client.Post(s.url+"/write?db=telegraf&rp=autogen&precision=n", "text/plain; charset=utf-8", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("write: %s %s", resp.Status, msg)
		}
	}
	// The task's statistics say when every point went through from().
	want := fmt.Sprintf(`from1 -> alert2 [processed="%d"]`, points)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.url + "/kapacitor/v1/tasks/" + s.id)
		if err != nil {
			t.Fatal(err)
		}
		var task struct{ Dot string }
		err = json.NewDecoder(resp.Body).Decode(&task)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(task.Dot, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the task did not process %d points within 30s:\n%s", points, task.Dot)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
