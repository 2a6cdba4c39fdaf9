package gogen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/compiler"
)

// autoscaleScript scales a Kubernetes deployment per app from a stream, a
// Swarm service from windows (a batch edge) and an EC2 group per app, and
// posts the scaling events.
const autoscaleScript = `dbrp "telegraf"."autogen"

var load = stream
    |from()
        .measurement('load')
        .groupBy('app')

load
    |k8sAutoscale()
        .cluster('k')
        .namespace('web')
        .resourceNameTag('app')
        .currentField('replicas')
        .max(6)
        .increaseCooldown(20s)
        .replicas(lambda: if("queue" > 10.0, "replicas" + 1, if("queue" < 2.0, "replicas" - 1, "replicas")))
    |httpPost('API_URL/out/k8s')

load
    |window()
        .period(30s)
        .every(30s)
    |swarmAutoscale()
        .serviceName('front')
        .outputServiceNameTag('svc')
        .replicas(lambda: int("queue"))
    |httpPost('API_URL/out/swarm')

load
    |ec2Autoscale()
        .groupNameTag('app')
        .min(2)
        .decreaseCooldown(1m)
        .replicas(lambda: int("queue") / 4)
    |httpPost('API_URL/out/ec2')
`

// Two apps; api's queue grows then drains, shop's stays small.
const autoscaleInput = `load,app=api queue=12 0
load,app=shop queue=1 0
load,app=api queue=15 10
load,app=api queue=16 25
load,app=api queue=30 30
load,app=api queue=1 40
load,app=api queue=0.5 50
load,app=api queue=1 70
`

// fakeAPIs answers the Kubernetes scale, Docker service and EC2 Auto
// Scaling requests the task sends, keeping each resource's count, and
// records every request as "METHOD path body" and every httpPost body.
type fakeAPIs struct {
	mu       sync.Mutex
	replicas map[string]int
	requests []string
	posts    map[string][]string
}

func (f *fakeAPIs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/out/") {
		line, err := compactPost(body)
		if err != nil {
			line = err.Error()
		}
		f.posts[r.URL.Path] = append(f.posts[r.URL.Path], line)
		return
	}
	f.requests = append(f.requests, strings.TrimSpace(fmt.Sprintf("%s %s %s", r.Method, r.URL.RequestURI(), body)))
	switch {
	case strings.HasPrefix(r.URL.Path, "/apis/"):
		if r.Method == http.MethodPatch {
			var n int
			fmt.Sscanf(string(body), `[{"op":"replace","path":"/spec/replicas","value":%d}]`, &n)
			f.replicas[r.URL.Path] = n
		}
		fmt.Fprintf(w, `{"kind":"Scale","spec":{"replicas":%d}}`, f.replicas[r.URL.Path])
	case strings.HasPrefix(r.URL.Path, "/services/"):
		if r.Method == http.MethodPost {
			var n int
			fmt.Sscanf(string(body)[strings.Index(string(body), `"Replicas":`):], `"Replicas":%d`, &n)
			f.replicas["front"] = n
			return
		}
		fmt.Fprintf(w, `{"ID":"id1","Version":{"Index":3},"Spec":{"Name":"front","Mode":{"Replicated":{"Replicas":%d}}}}`, f.replicas["front"])
	default: // EC2 Auto Scaling
		form, _ := url.ParseQuery(string(body))
		if form.Get("Action") == "SetDesiredCapacity" {
			var n int
			fmt.Sscan(form.Get("DesiredCapacity"), &n)
			f.replicas[form.Get("AutoScalingGroupName")] = n
			return
		}
		name := form.Get("AutoScalingGroupNames.member.1")
		fmt.Fprintf(w, `<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>`+
			`<AutoScalingGroupName>%s</AutoScalingGroupName><DesiredCapacity>%d</DesiredCapacity></member></AutoScalingGroups>`+
			`</DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`, name, f.replicas[name])
	}
}

func TestAutoscaleNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a task program")
	}
	if _, err := exec.LookPath("go"); err != nil && os.Getenv("TICKC_GO") == "" {
		t.Fatal("this test builds a task program and needs the go command")
	}
	api := &fakeAPIs{posts: map[string][]string{}, replicas: map[string]int{
		"/apis/apps/v1/namespaces/web/deployments/api/scale":  2,
		"/apis/apps/v1/namespaces/web/deployments/shop/scale": 1,
		"front": 1, "api": 4, "shop": 3,
	}}
	srv := httptest.NewServer(api)
	defer srv.Close()

	script := strings.ReplaceAll(autoscaleScript, "API_URL", srv.URL)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildTask(ctx, t, dir, "autoscale", script, compiler.Options{})
	run := func(args ...string) string {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "TZ=UTC", "AWS_ENDPOINT_URL_AUTO_SCALING="+srv.URL)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.Bytes())
		}
		return out.String()
	}
	// config prints the three clusters' sections; enabled, they point at
	// the loopback APIs.
	defaults := run("config")
	for _, s := range []string{"[[kubernetes]]\n  enabled = false\n  id = \"\"\n  in-cluster = false\n  api-servers = []\n", "[[swarm]]\n", "[[ec2]]\n"} {
		if !strings.Contains(defaults, s) {
			t.Errorf("config lacks %q:\n%s", s, defaults)
		}
	}
	conf := filepath.Join(dir, "task.conf")
	err := os.WriteFile(conf, []byte(fmt.Sprintf(`[[kubernetes]]
  enabled = true
  id = "k"
  api-servers = [%q]
[[swarm]]
  enabled = true
  servers = [%q]
[[ec2]]
  enabled = true
  region = "us-east-1"
  access-key = "AKID"
  secret-key = "SECRET"
`, srv.URL, srv.URL)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "input.txt")
	if err := os.WriteFile(in, []byte(autoscaleInput), 0o644); err != nil {
		t.Fatal(err)
	}
	dot := run("replay", "--rec-time", "--precision", "s", "--dot", "--config", conf, in)

	api.mu.Lock()
	defer api.mu.Unlock()
	wantPosts := map[string][]string{
		// api: 2 -> 3 at 0s; 10s is within the 20s increase cooldown, 25s
		// is not; 30s is again; then down by one per point (there is no
		// decrease cooldown). shop: 0 is below the minimum, 1, which it has.
		"/out/k8s": {
			"load app=api,kind=deployments,namespace=web,resource=api | 00:00:00 new=3 old=2",
			"load app=api,kind=deployments,namespace=web,resource=api | 00:00:25 new=4 old=3",
			"load app=api,kind=deployments,namespace=web,resource=api | 00:00:40 new=3 old=4",
			"load app=api,kind=deployments,namespace=web,resource=api | 00:00:50 new=2 old=3",
			"load app=api,kind=deployments,namespace=web,resource=api | 00:01:10 new=1 old=2",
		},
		// Each point of api's windows [0s, 30s) (emitted at 30s) and
		// [30s, 60s) (at 70s); the last point wants 0, raised to the
		// minimum 1, the count already set. shop's window never closes.
		"/out/swarm": {
			"load app=api,svc=front | 00:00:00 new=12 old=1",
			"load app=api,svc=front | 00:00:10 new=15 old=12",
			"load app=api,svc=front | 00:00:25 new=16 old=15",
			"load app=api,svc=front | 00:00:30 new=30 old=16",
			"load app=api,svc=front | 00:00:40 new=1 old=30",
		},
		// api: 4 -> 3 at 0s; the next decreases wait a minute (40s and
		// 50s are dropped), increases do not; shop: 3 -> the minimum 2.
		// The group name goes to the tag it came from, as no
		// .outputGroupNameTag() is set.
		"/out/ec2": {
			"load app=api | 00:00:00 new=3 old=4",
			"load app=shop | 00:00:00 new=2 old=3",
			"load app=api | 00:00:25 new=4 old=3",
			"load app=api | 00:00:30 new=7 old=4",
			"load app=api | 00:01:10 new=2 old=7",
		},
	}
	for path, want := range wantPosts {
		if got := api.posts[path]; strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %s\nwant %s", path, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
		}
	}
	for _, stat := range []string{
		`k8s_autoscale2 [avg_exec_time_ns="0s" cooldown_drops="2" decrease_events="3" errors="0" increase_events="2" working_cardinality="2" ];`,
		`ec2_autoscale7 [avg_exec_time_ns="0s" cooldown_drops="2" decrease_events="3" errors="0" increase_events="2" working_cardinality="2" ];`,
		`swarm_autoscale5 [avg_exec_time_ns="0s" cooldown_drops="0" decrease_events="1" errors="0" increase_events="4" working_cardinality="1" ];`,
	} {
		if !strings.Contains(dot, stat) {
			t.Errorf("stats lack %s:\n%s", stat, dot)
		}
	}
	// The first point of each resource reads its count; each change sets
	// it (Swarm reads the service again for its version).
	for _, r := range []string{
		"GET /apis/apps/v1/namespaces/web/deployments/shop/scale",
		`PATCH /apis/apps/v1/namespaces/web/deployments/api/scale [{"op":"replace","path":"/spec/replicas","value":1}]`,
		`POST /services/id1/update?version=3 {"Mode":{"Replicated":{"Replicas":30}},"Name":"front"}`,
		"POST / Action=SetDesiredCapacity&AutoScalingGroupName=shop&DesiredCapacity=2&HonorCooldown=false&Version=2011-01-01",
	} {
		if !slices.Contains(api.requests, r) {
			t.Errorf("no request %s in\n%s", r, strings.Join(api.requests, "\n"))
		}
	}
	if len(api.requests) != 25 { // k8s 2+5, EC2 2+5, Swarm 1+2×5
		t.Errorf("%d requests, want 25:\n%s", len(api.requests), strings.Join(api.requests, "\n"))
	}
}
