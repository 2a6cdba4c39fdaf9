package autoscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Swarm scales Docker Swarm services through the Docker Engine API of the
// servers of one [[swarm]] section, as Kapacitor's swarm client does: it
// inspects the service (GET /services/NAME) and posts its spec back with
// the new replica count (POST /services/ID/update?version=N).
type Swarm struct {
	servers []string
	next    atomic.Uint32
	client  *http.Client
}

// NewSwarm returns the client of the [[swarm]] section whose id is
// cluster: servers, ssl-ca, ssl-cert, ssl-key, insecure-skip-verify.
func NewSwarm(cfg pipeline.Config, cluster string) (*Swarm, error) {
	s, err := section(cfg, "swarm", cluster)
	if err != nil {
		return nil, err
	}
	sw := &Swarm{servers: strs(s, "servers")}
	if len(sw.servers) == 0 {
		return nil, errors.New("[[swarm]]: no servers specified, must provide at least one server URL")
	}
	tr, err := transport(str(s, "ssl-ca"), str(s, "ssl-cert"), str(s, "ssl-key"), boolean(s, "insecure-skip-verify"))
	if err != nil {
		return nil, fmt.Errorf("[[swarm]]: %w", err)
	}
	sw.client = httpClient(tr)
	return sw, nil
}

// service is a swarm service as GET /services/NAME returns it. The spec is
// kept whole so that an update changes nothing but the replica count.
type service struct {
	ID      string
	Version struct{ Index uint64 }
	Spec    map[string]any
}

// replicas is the replica count in spec.Mode.Replicated.Replicas.
func (s *service) replicas() (map[string]any, int, error) {
	mode, _ := s.Spec["Mode"].(map[string]any)
	rep, ok := mode["Replicated"].(map[string]any)
	if !ok {
		return nil, 0, fmt.Errorf("service %s is not in replicated mode", s.ID)
	}
	n, _ := rep["Replicas"].(json.Number)
	i, err := strconv.Atoi(string(n))
	if err != nil && n != "" {
		return nil, 0, fmt.Errorf("service %s: replicas %q: %w", s.ID, n, err)
	}
	return rep, i, nil
}

// Replicas reads the service's replica count.
func (sw *Swarm) Replicas(ctx context.Context, r Resource) (int, error) {
	s, err := sw.inspect(ctx, r.Name)
	if err != nil {
		return 0, err
	}
	_, n, err := s.replicas()
	return n, err
}

// SetReplicas updates the service's spec with n replicas.
func (sw *Swarm) SetReplicas(ctx context.Context, r Resource, n int) error {
	s, err := sw.inspect(ctx, r.Name)
	if err != nil {
		return err
	}
	rep, _, err := s.replicas()
	if err != nil {
		return err
	}
	rep["Replicas"] = n
	body, err := json.Marshal(s.Spec)
	if err != nil {
		return err
	}
	q := url.Values{"version": {strconv.FormatUint(s.Version.Index, 10)}}
	return sw.do(ctx, http.MethodPost, "/services/"+url.PathEscape(s.ID)+"/update?"+q.Encode(), body, nil)
}

func (sw *Swarm) inspect(ctx context.Context, name string) (*service, error) {
	var s service
	if err := sw.do(ctx, http.MethodGet, "/services/"+url.PathEscape(name), nil, &s); err != nil {
		return nil, fmt.Errorf("failed to get swarm service for %q: %w", name, err)
	}
	return &s, nil
}

func (sw *Swarm) do(ctx context.Context, method, p string, body []byte, into any) error {
	base := sw.servers[int(sw.next.Add(1))%len(sw.servers)]
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+p, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return doJSON(sw.client, req, "swarm", p, into)
}
