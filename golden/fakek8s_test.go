package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// k8sURLPlaceholder in a case's config.toml is replaced by the URL of a
// fakeScaleAPI, whose requests become the case's k8s-requests.txt.
const k8sURLPlaceholder = "K8S_URL"

// fakeScaleAPI answers the Kubernetes scale subresource requests that
// k8sAutoscale sends: GET returns the resource's replicas (2 until
// changed), a JSON patch of /spec/replicas sets them. Each request is
// recorded as "METHOD path body".
type fakeScaleAPI struct {
	srv      *httptest.Server
	mu       sync.Mutex
	replicas map[string]int
	lines    bytes.Buffer
}

func newFakeScaleAPI(t *testing.T) *fakeScaleAPI {
	f := &fakeScaleAPI{replicas: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeScaleAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fmt.Fprintln(&f.lines, strings.TrimSpace(r.Method+" "+r.URL.RequestURI()+" "+string(body)))
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

func (f *fakeScaleAPI) URL() string { return f.srv.URL }

func (f *fakeScaleAPI) Lines() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.lines.Bytes())
}
