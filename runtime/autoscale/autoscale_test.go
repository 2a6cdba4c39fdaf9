package autoscale

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// fakeConfig is a --config file: each section name's tables.
type fakeConfig map[string][]map[string]any

func (c fakeConfig) Section(name string) (map[string]any, bool) {
	if s := c[name]; len(s) > 0 {
		return s[0], true
	}
	return nil, false
}

func (c fakeConfig) Sections(name string) []map[string]any { return c[name] }

// request is what a loopback API server received.
type request struct {
	Method, Path, Query, Auth, ContentType, Body string
}

// server starts a loopback API server answering with respond and returns
// its URL and the requests it got.
func server(t *testing.T, respond func(w http.ResponseWriter, r request)) (string, func() []request) {
	var mu sync.Mutex
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		b, _ := io.ReadAll(hr.Body)
		r := request{hr.Method, hr.URL.Path, hr.URL.RawQuery, hr.Header.Get("Authorization"), hr.Header.Get("Content-Type"), string(b)}
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
		respond(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []request {
		mu.Lock()
		defer mu.Unlock()
		return append([]request(nil), got...)
	}
}

// point is a point of group g at second sec wanting want replicas.
func point(g *pipeline.Group, sec int64, host string, want int64) *pipeline.Point {
	return &pipeline.Point{Name: "cpu", Time: sec * int64(time.Second), Group: g,
		Tags:   []pipeline.Tag{{Key: "dc", Value: "east"}, {Key: "host", Value: host}},
		Fields: []pipeline.Field{{Key: "want", Value: pipeline.IntValue(want)}}}
}

func wantField(p *pipeline.Point) (pipeline.Value, error) {
	v, _ := p.Field("want")
	return v, nil
}

func describe(p *pipeline.Point) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%s %d %v %v", p.Name, p.Time/int64(time.Second), p.Tags, p.Fields)
}

func TestK8sScale(t *testing.T) {
	replicas := 2
	base, requests := server(t, func(w http.ResponseWriter, r request) {
		switch r.Method {
		case "GET":
			fmt.Fprintf(w, `{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web"},"spec":{"replicas":%d},"status":{"replicas":%d}}`, replicas, replicas)
		case "PATCH":
			w.Write([]byte(`{"kind":"Scale"}`))
		}
	})
	cfg := fakeConfig{"kubernetes": {{"enabled": true, "id": "prod", "api-servers": []any{base}, "token": "tok"}}}
	k, err := NewK8s(cfg, "prod")
	if err != nil {
		t.Fatal(err)
	}
	stats := pipeline.NewNodeStats(1, Counters...)
	groups := pipeline.NewGroups()
	n, err := New(Config{Min: 1, Max: 10, IncreaseCooldown: 10 * time.Second, Namespace: "team", Kind: "deployments", NameTag: "host",
		NamespaceTag: "namespace", KindTag: "kind", NameOutTag: "resource"}, k, stats)
	if err != nil {
		t.Fatal(err)
	}
	g := groups.By(point(nil, 0, "web", 0), []string{"dc"}, false)
	steps := []struct {
		sec  int64
		want int64
		out  string
	}{
		{0, 2, "-"}, // the current count: nothing to do
		{1, 4, "cpu 1 [{dc east} {kind deployments} {namespace team} {resource web}] [{new {int 0 4  false}} {old {int 0 2  false}}]"},
		{5, 6, "-"}, // within the increase cooldown
		{11, 50, "cpu 11 [{dc east} {kind deployments} {namespace team} {resource web}] [{new {int 0 10  false}} {old {int 0 4  false}}]"}, // max
		{12, 0, "cpu 12 [{dc east} {kind deployments} {namespace team} {resource web}] [{new {int 0 1  false}} {old {int 0 10  false}}]"},  // min, no decrease cooldown
	}
	for _, s := range steps {
		out, err := n.Handle(point(g, s.sec, "web", s.want), wantField)
		if err != nil {
			t.Fatalf("t=%d: %v", s.sec, err)
		}
		if got := describe(out); got != s.out {
			t.Errorf("t=%d:\n got %s\nwant %s", s.sec, got, s.out)
		}
	}
	want := []request{
		{Method: "GET", Path: "/apis/apps/v1/namespaces/team/deployments/web/scale", Auth: "Bearer tok"},
		{Method: "PATCH", Path: "/apis/apps/v1/namespaces/team/deployments/web/scale", Auth: "Bearer tok",
			ContentType: "application/json-patch+json", Body: `[{"op":"replace","path":"/spec/replicas","value":4}]`},
		{Method: "PATCH", Path: "/apis/apps/v1/namespaces/team/deployments/web/scale", Auth: "Bearer tok",
			ContentType: "application/json-patch+json", Body: `[{"op":"replace","path":"/spec/replicas","value":10}]`},
		{Method: "PATCH", Path: "/apis/apps/v1/namespaces/team/deployments/web/scale", Auth: "Bearer tok",
			ContentType: "application/json-patch+json", Body: `[{"op":"replace","path":"/spec/replicas","value":1}]`},
	}
	checkRequests(t, requests(), want)
	for name, v := range map[string]int64{"increase_events": 2, "decrease_events": 1, "cooldown_drops": 1} {
		if got := stats.Counter(name).Load(); got != v {
			t.Errorf("%s = %d, want %d", name, got, v)
		}
	}
}

func checkRequests(t *testing.T, got, want []request) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestK8sErrorsKeepState(t *testing.T) {
	fail := true
	base, requests := server(t, func(w http.ResponseWriter, r request) {
		if r.Method == "PATCH" && fail {
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte(`{"kind":"Status","status":"Failure","message":"the object has been modified","code":409}`))
			return
		}
		w.Write([]byte(`{"spec":{"replicas":3}}`))
	})
	k, err := NewK8s(fakeConfig{"kubernetes": {{"enabled": true, "api-servers": []any{base}}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(Config{Min: 1, Kind: "replicationcontrollers", Name: "api", CurrentField: "replicas"}, k, pipeline.NewNodeStats(1, Counters...))
	if err != nil {
		t.Fatal(err)
	}
	double := func(p *pipeline.Point) (pipeline.Value, error) {
		v, _ := p.Field("replicas")
		return pipeline.IntValue(v.I * 2), nil
	}
	if _, err := n.Handle(point(nil, 1, "h", 0), double); err == nil || !strings.Contains(err.Error(), "the object has been modified") {
		t.Fatalf("error %v", err)
	}
	fail = false
	out, err := n.Handle(point(nil, 2, "h", 0), double)
	if err != nil || describe(out) != "cpu 2 [] [{new {int 0 6  false}} {old {int 0 3  false}}]" {
		t.Fatalf("%s %v", describe(out), err)
	}
	r := requests()
	if r[0].Path != "/api/v1/namespaces/default/replicationcontrollers/api/scale" || r[0].Auth != "" {
		t.Errorf("first request %+v", r[0])
	}
	if _, err := n.Handle(point(nil, 3, "h", 0), func(*pipeline.Point) (pipeline.Value, error) { return pipeline.FloatValue(2), nil }); err == nil ||
		!strings.Contains(err.Error(), "unexpected type float") {
		t.Errorf("a float result: %v", err)
	}
}

func TestSwarmScale(t *testing.T) {
	base, requests := server(t, func(w http.ResponseWriter, r request) {
		if r.Method == "GET" {
			w.Write([]byte(`{"ID":"svc1","Version":{"Index":42},"Spec":{"Name":"web","Labels":{"team":"a"},"Mode":{"Replicated":{"Replicas":3}},"UpdateConfig":{"Parallelism":1}}}`))
			return
		}
		w.Write([]byte(`{"Warnings":null}`))
	})
	sw, err := NewSwarm(fakeConfig{"swarm": {{"enabled": true, "id": "a", "servers": []any{"http://127.0.0.1:1"}}, {"enabled": true, "id": "b", "servers": []any{base}}}}, "b")
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(Config{Min: 1, Name: "web", NameOutTag: "service"}, sw, pipeline.NewNodeStats(1, Counters...))
	if err != nil {
		t.Fatal(err)
	}
	out, err := n.Handle(point(nil, 7, "h", 5), wantField)
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(out); got != "cpu 7 [{service web}] [{new {int 0 5  false}} {old {int 0 3  false}}]" {
		t.Errorf("event %s", got)
	}
	r := requests()
	if len(r) != 3 || r[0].Method != "GET" || r[0].Path != "/services/web" || r[1].Path != "/services/web" {
		t.Fatalf("requests %+v", r)
	}
	up := r[2]
	if up.Method != "POST" || up.Path != "/services/svc1/update" || up.Query != "version=42" || up.ContentType != "application/json" {
		t.Errorf("update %+v", up)
	}
	var spec map[string]any
	if err := json.Unmarshal([]byte(up.Body), &spec); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(spec); string(got) != `{"Labels":{"team":"a"},"Mode":{"Replicated":{"Replicas":5}},"Name":"web","UpdateConfig":{"Parallelism":1}}` {
		t.Errorf("posted spec %s", got)
	}
}

func TestEC2Scale(t *testing.T) {
	base, requests := server(t, func(w http.ResponseWriter, r request) {
		form, _ := url.ParseQuery(r.Body)
		switch form.Get("Action") {
		case "DescribeAutoScalingGroups":
			w.Write([]byte(`<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult><AutoScalingGroups><member>
    <AutoScalingGroupName>workers</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>9</MaxSize><DesiredCapacity>4</DesiredCapacity>
  </member></AutoScalingGroups></DescribeAutoScalingGroupsResult>
</DescribeAutoScalingGroupsResponse>`))
		case "SetDesiredCapacity":
			if form.Get("DesiredCapacity") == "9" {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>ScalingActivityInProgress</Code><Message>busy</Message></Error></ErrorResponse>`))
				return
			}
			w.Write([]byte(`<SetDesiredCapacityResponse><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SetDesiredCapacityResponse>`))
		}
	})
	t.Setenv("AWS_ENDPOINT_URL_AUTO_SCALING", base)
	e, err := NewEC2(fakeConfig{"ec2": {{"enabled": true, "region": "us-west-2", "access-key": "AKID", "secret-key": "SECRET"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	e.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	n, err := New(Config{Min: 1, NameTag: "host", NameOutTag: "group", DecreaseCooldown: time.Minute}, e, pipeline.NewNodeStats(1, Counters...))
	if err != nil {
		t.Fatal(err)
	}
	out, err := n.Handle(point(nil, 1, "workers", 2), wantField)
	if err != nil || describe(out) != "cpu 1 [{group workers}] [{new {int 0 2  false}} {old {int 0 4  false}}]" {
		t.Fatalf("%s %v", describe(out), err)
	}
	if _, err := n.Handle(point(nil, 2, "workers", 9), wantField); err == nil || !strings.Contains(err.Error(), "ScalingActivityInProgress: busy") {
		t.Errorf("error %v", err)
	}
	if _, err := n.Handle(point(nil, 3, "", 9), wantField); err == nil || !strings.Contains(err.Error(), "name of the resource") {
		t.Errorf("no group name: %v", err)
	}
	r := requests()
	if len(r) != 3 {
		t.Fatalf("requests %+v", r)
	}
	for i, body := range []string{
		"Action=DescribeAutoScalingGroups&AutoScalingGroupNames.member.1=workers&Version=2011-01-01",
		"Action=SetDesiredCapacity&AutoScalingGroupName=workers&DesiredCapacity=2&HonorCooldown=false&Version=2011-01-01",
		"Action=SetDesiredCapacity&AutoScalingGroupName=workers&DesiredCapacity=9&HonorCooldown=false&Version=2011-01-01",
	} {
		if r[i].Method != "POST" || r[i].Path != "/" || r[i].Body != body || r[i].ContentType != "application/x-www-form-urlencoded; charset=utf-8" {
			t.Errorf("request %d: %+v", i, r[i])
		}
		if !strings.HasPrefix(r[i].Auth, "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-west-2/autoscaling/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=") {
			t.Errorf("request %d: Authorization %q", i, r[i].Auth)
		}
	}
}

func TestClusterLookup(t *testing.T) {
	cfg := fakeConfig{"kubernetes": {{"enabled": false, "id": "off", "api-servers": []any{"http://x"}}}}
	if _, err := NewK8s(cfg, "off"); err == nil || !strings.Contains(err.Error(), "not enabled") {
		t.Errorf("disabled: %v", err)
	}
	if _, err := NewK8s(cfg, "other"); err == nil || !strings.Contains(err.Error(), `no [[kubernetes]] section with id "other"`) {
		t.Errorf("missing: %v", err)
	}
	if _, err := NewEC2(fakeConfig{"ec2": {{"enabled": true}}}, ""); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Errorf("no region: %v", err)
	}
	if _, err := New(Config{Min: 0, Name: "x"}, nil, nil); err == nil {
		t.Error("min 0 accepted")
	}
}
