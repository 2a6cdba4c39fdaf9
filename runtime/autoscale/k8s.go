package autoscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync/atomic"

	"github.com/tickc/tickc/runtime/pipeline"
)

// K8s scales Kubernetes resources through the scale subresource of the
// API servers of one [[kubernetes]] section, as Kapacitor's k8s client
// does: it reads the scale, then sets spec.replicas with a JSON patch.
// Kapacitor's client used the extensions/v1beta1 group, which Kubernetes
// removed in 1.16; deployments and replicasets are now in apps/v1 and
// replicationcontrollers in the core v1 group.
type K8s struct {
	servers []string
	next    atomic.Uint32 // round-robin over servers, as Kapacitor does
	token   string
	client  *http.Client
}

// inClusterDir holds the service account files a pod is given.
const inClusterDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// NewK8s returns the client of the [[kubernetes]] section whose id is
// cluster. Its keys are kapacitor.conf's: api-servers, token, ca-path,
// or in-cluster = true to use the pod's service account.
func NewK8s(cfg pipeline.Config, cluster string) (*K8s, error) {
	s, err := section(cfg, "kubernetes", cluster)
	if err != nil {
		return nil, err
	}
	k := &K8s{servers: strs(s, "api-servers"), token: str(s, "token")}
	caPath := str(s, "ca-path")
	if boolean(s, "in-cluster") {
		host := os.Getenv("KUBERNETES_SERVICE_HOST")
		if host == "" {
			host = "kubernetes"
		}
		k.servers = []string{"https://" + host}
		caPath = path.Join(inClusterDir, "ca.crt")
		tok, err := os.ReadFile(path.Join(inClusterDir, "token"))
		if err != nil {
			return nil, fmt.Errorf("in-cluster: %w", err)
		}
		k.token = strings.TrimSpace(string(tok))
	}
	if len(k.servers) == 0 {
		return nil, errors.New("[[kubernetes]]: no api-servers specified, must provide at least one server URL")
	}
	for _, u := range k.servers {
		if _, err := url.Parse(u); err != nil {
			return nil, fmt.Errorf("[[kubernetes]] api-servers: %w", err)
		}
	}
	tr, err := transport(caPath, "", "", false)
	if err != nil {
		return nil, fmt.Errorf("[[kubernetes]] ca-path: %w", err)
	}
	k.client = httpClient(tr)
	return k, nil
}

// section is cluster, with the section name in its errors.
func section(cfg pipeline.Config, name, id string) (map[string]any, error) {
	s, err := cluster(cfg, name, id)
	if err != nil {
		return nil, fmt.Errorf("cannot use the autoscale node: %w", err)
	}
	return s, nil
}

// scale is the part of a Kubernetes Scale object the node uses.
type scale struct {
	Spec struct {
		Replicas int `json:"replicas"`
	} `json:"spec"`
}

func (k *K8s) scalePath(r Resource) string {
	prefix := "/apis/apps/v1"
	if r.Kind == "replicationcontrollers" {
		prefix = "/api/v1"
	}
	return path.Join(prefix, "namespaces", r.Namespace, r.Kind, r.Name, "scale")
}

// Replicas reads spec.replicas of r's scale.
func (k *K8s) Replicas(ctx context.Context, r Resource) (int, error) {
	var s scale
	if err := k.do(ctx, http.MethodGet, k.scalePath(r), "", nil, &s); err != nil {
		return 0, err
	}
	return s.Spec.Replicas, nil
}

// SetReplicas replaces spec.replicas of r's scale with n.
func (k *K8s) SetReplicas(ctx context.Context, r Resource, n int) error {
	patch, err := json.Marshal([]map[string]any{{"op": "replace", "path": "/spec/replicas", "value": n}})
	if err != nil {
		return err
	}
	return k.do(ctx, http.MethodPatch, k.scalePath(r), "application/json-patch+json", patch, nil)
}

func (k *K8s) do(ctx context.Context, method, p, ctype string, body []byte, into any) error {
	base := k.servers[int(k.next.Add(1))%len(k.servers)]
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+p, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if k.token != "" {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	return doJSON(k.client, req, "k8s", p, into)
}
