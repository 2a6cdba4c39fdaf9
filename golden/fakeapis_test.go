package golden

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The fake orchestrator APIs the autoscale nodes talk to in the golden
// cases. Each records the requests it gets, one line each, in the order
// they came: the task sends them from its one goroutine, so the lines of a
// replay are always the same.

// Placeholders in a case's config.toml, replaced by the URL of a fake API.
const (
	k8sURLPlaceholder   = "K8S_URL"
	swarmURLPlaceholder = "SWARM_URL"
)

// ec2Section in a case's config.toml starts the fake EC2 Auto Scaling
// API: the [[ec2]] section has no endpoint key (the region names it), so
// the replay gets the fake's URL in AWS_ENDPOINT_URL_AUTO_SCALING, as the
// AWS SDKs take it.
const ec2Section = "[[ec2]]"

// fakeAPIs are the fake APIs a case's config.toml names.
type fakeAPIs struct {
	k8s   *fakeScaleAPI
	swarm *fakeSwarmAPI
	ec2   *fakeEC2API
}

// startFakeAPIs starts the fake APIs config names and returns config with
// their URLs and what the replay's environment needs.
func startFakeAPIs(t *testing.T, config []byte) (*fakeAPIs, []byte, []string) {
	fakes := &fakeAPIs{}
	var env []string
	if bytes.Contains(config, []byte(k8sURLPlaceholder)) {
		fakes.k8s = newFakeScaleAPI(t)
		config = bytes.ReplaceAll(config, []byte(k8sURLPlaceholder), []byte(fakes.k8s.srv.URL))
	}
	if bytes.Contains(config, []byte(swarmURLPlaceholder)) {
		fakes.swarm = newFakeSwarmAPI(t)
		config = bytes.ReplaceAll(config, []byte(swarmURLPlaceholder), []byte(fakes.swarm.srv.URL))
	}
	if bytes.Contains(config, []byte(ec2Section)) {
		fakes.ec2 = newFakeEC2API(t)
		env = append(env, "AWS_ENDPOINT_URL_AUTO_SCALING="+fakes.ec2.srv.URL)
	}
	return fakes, config, env
}

// record adds the requests each fake API got to the case's outputs.
func (f *fakeAPIs) record(got outputs) {
	if f.k8s != nil {
		got["k8s-requests.txt"] = f.k8s.requests.Lines()
	}
	if f.swarm != nil {
		got["swarm-requests.txt"] = f.swarm.requests.Lines()
	}
	if f.ec2 != nil {
		got["ec2-requests.txt"] = f.ec2.requests.Lines()
	}
}

// requestLog is the lines a fake API recorded.
type requestLog struct {
	mu    sync.Mutex
	lines bytes.Buffer
}

func (l *requestLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(&l.lines, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (l *requestLog) Lines() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.lines.Bytes())
}

// startFake serves a fake API on loopback until the test ends, handing
// serve each request with its body read.
func startFake(t *testing.T, serve func(w http.ResponseWriter, r *http.Request, body []byte)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		serve(w, r, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fakeScaleAPI answers the Kubernetes scale subresource requests that
// k8sAutoscale sends: GET returns the resource's replicas (2 until
// changed), a JSON patch of /spec/replicas sets them. Each request is
// recorded as "METHOD path body".
type fakeScaleAPI struct {
	srv      *httptest.Server
	requests requestLog
	mu       sync.Mutex
	replicas map[string]int
}

func newFakeScaleAPI(t *testing.T) *fakeScaleAPI {
	f := &fakeScaleAPI{replicas: map[string]int{}}
	f.srv = startFake(t, f.serve)
	return f
}

func (f *fakeScaleAPI) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests.add("%s %s %s", r.Method, r.URL.RequestURI(), body)
	if !strings.HasPrefix(r.URL.Path, "/apis/") || !strings.HasSuffix(r.URL.Path, "/scale") {
		http.Error(w, `{"kind":"Status","message":"not found"}`, http.StatusNotFound)
		return
	}
	n, ok := f.replicas[r.URL.Path]
	if !ok {
		n = 2
	}
	if r.Method == http.MethodPatch {
		var patch []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value int    `json:"value"`
		}
		if err := json.Unmarshal(body, &patch); err != nil || len(patch) != 1 || patch[0].Path != "/spec/replicas" {
			http.Error(w, `{"kind":"Status","message":"bad patch"}`, http.StatusBadRequest)
			return
		}
		n = patch[0].Value
		f.replicas[r.URL.Path] = n
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"kind":"Scale","spec":{"replicas":%d}}`, n)
}

// fakeSwarmAPI answers the Docker Engine API requests that swarmAutoscale
// sends. Every service exists, replicated with 3 replicas until changed:
// GET /services/NAME returns it (ID "id-NAME"), POST
// /services/ID/update?version=N replaces its spec if N is its version,
// which each update increments, as Docker's optimistic locking does. Each
// request is recorded as "METHOD path?query body".
type fakeSwarmAPI struct {
	srv      *httptest.Server
	requests requestLog
	mu       sync.Mutex
	services map[string]*swarmService // by ID
}

// swarmService is the part of a Docker service the fake keeps.
type swarmService struct {
	ID      string
	Version struct{ Index int }
	Spec    json.RawMessage
}

func newFakeSwarmAPI(t *testing.T) *fakeSwarmAPI {
	f := &fakeSwarmAPI{services: map[string]*swarmService{}}
	f.srv = startFake(t, f.serve)
	return f
}

func (f *fakeSwarmAPI) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests.add("%s %s %s", r.Method, r.URL.RequestURI(), body)
	fail := func(code int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"message":%q}`, msg)
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/services/")
	switch {
	case !ok:
		fail(http.StatusNotFound, "page not found")
	case r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(f.service(rest))
	case r.Method == http.MethodPost && strings.HasSuffix(rest, "/update"):
		s := f.services[strings.TrimSuffix(rest, "/update")]
		var spec struct {
			Mode struct{ Replicated struct{ Replicas *int } }
		}
		switch {
		case s == nil:
			fail(http.StatusNotFound, "service "+rest+" not found")
		case r.URL.Query().Get("version") != strconv.Itoa(s.Version.Index):
			fail(http.StatusBadRequest, "update out of sequence")
		case json.Unmarshal(body, &spec) != nil || spec.Mode.Replicated.Replicas == nil:
			fail(http.StatusBadRequest, "invalid spec: want Mode.Replicated.Replicas")
		default:
			s.Spec = body
			s.Version.Index++
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"Warnings":null}`)
		}
	default:
		fail(http.StatusMethodNotAllowed, "method not allowed")
	}
}

// service returns the service called name, creating it the first time.
func (f *fakeSwarmAPI) service(name string) *swarmService {
	id := "id-" + name
	s, ok := f.services[id]
	if !ok {
		s = &swarmService{ID: id, Spec: json.RawMessage(fmt.Sprintf(
			`{"Name":%q,"Labels":{"team":"golden"},"Mode":{"Replicated":{"Replicas":3}},"UpdateConfig":{"Parallelism":1}}`, name))}
		s.Version.Index = 10
		f.services[id] = s
	}
	return s
}

// fakeEC2API answers the EC2 Auto Scaling query API requests that
// ec2Autoscale sends: every group exists with a desired capacity of 2
// until changed; DescribeAutoScalingGroups returns it, SetDesiredCapacity
// sets it. A request without a well-formed SigV4 Authorization header is
// refused. Each request is recorded as its Action and its other form
// parameters, sorted (the signature, whose date changes, is left out).
type fakeEC2API struct {
	srv      *httptest.Server
	requests requestLog
	mu       sync.Mutex
	capacity map[string]int
}

// sigV4 is the form of the Authorization header of the [[ec2]] sections
// of the golden cases, whose access key is AKIDGOLDEN.
var sigV4 = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=AKIDGOLDEN/\d{8}/[a-z0-9-]+/autoscaling/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$`)

func newFakeEC2API(t *testing.T) *fakeEC2API {
	f := &fakeEC2API{capacity: map[string]int{}}
	f.srv = startFake(t, f.serve)
	return f
}

func (f *fakeEC2API) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	action := form.Get("Action")
	var params []string
	for _, k := range slices.Sorted(maps.Keys(form)) {
		if k != "Action" {
			params = append(params, k+"="+strings.Join(form[k], ","))
		}
	}
	f.requests.add("%s %s %s", r.Method, action, strings.Join(params, " "))
	fail := func(code int, errCode, msg string) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(code)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error></ErrorResponse>`, errCode, xmlText(msg))
	}
	if !sigV4.MatchString(r.Header.Get("Authorization")) || r.Header.Get("X-Amz-Date") == "" {
		fail(http.StatusForbidden, "IncompleteSignature", "the request is not signed with AWS Signature Version 4")
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	switch action {
	case "DescribeAutoScalingGroups":
		fmt.Fprint(w, `<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups>`)
		for i := 1; form.Has("AutoScalingGroupNames.member." + strconv.Itoa(i)); i++ {
			name := form.Get("AutoScalingGroupNames.member." + strconv.Itoa(i))
			fmt.Fprintf(w, `<member><AutoScalingGroupName>%s</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>20</MaxSize><DesiredCapacity>%d</DesiredCapacity></member>`,
				xmlText(name), f.desired(name))
		}
		fmt.Fprint(w, `</AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`)
	case "SetDesiredCapacity":
		n, err := strconv.Atoi(form.Get("DesiredCapacity"))
		if err != nil || form.Get("AutoScalingGroupName") == "" {
			fail(http.StatusBadRequest, "ValidationError", "want AutoScalingGroupName and an integer DesiredCapacity")
			return
		}
		f.capacity[form.Get("AutoScalingGroupName")] = n
		fmt.Fprint(w, `<SetDesiredCapacityResponse><ResponseMetadata><RequestId>golden</RequestId></ResponseMetadata></SetDesiredCapacityResponse>`)
	default:
		fail(http.StatusBadRequest, "InvalidAction", "unknown action "+action)
	}
}

// desired is the group's desired capacity.
func (f *fakeEC2API) desired(name string) int {
	if n, ok := f.capacity[name]; ok {
		return n
	}
	return 2
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
