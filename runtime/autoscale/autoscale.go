// Package autoscale implements the k8sAutoscale, swarmAutoscale and
// ec2Autoscale nodes: each point's replicas lambda gives the wanted size
// of a resource; the node clamps it to .min()/.max(), honours the
// increase and decrease cooldowns, sets it through the orchestrator's
// HTTP API, and emits a point with the old and new counts for each
// change, as Kapacitor's autoscale.go does.
package autoscale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Resource identifies one scalable resource. Swarm services and EC2
// groups use only Name.
type Resource struct {
	Namespace, Kind, Name string
}

func (r Resource) String() string {
	if r.Kind == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Kind + "/" + r.Name
}

// Scaler reads and sets the replica count of resources of one cluster.
type Scaler interface {
	Replicas(ctx context.Context, r Resource) (int, error)
	SetReplicas(ctx context.Context, r Resource, n int) error
}

// Config is what the node's properties say.
type Config struct {
	Min, Max                           int // Max 0: unbounded
	IncreaseCooldown, DecreaseCooldown time.Duration
	// CurrentField, when set, is a field holding the current replica
	// count that the replicas lambda sees.
	CurrentField string
	// Name is the resource's name; NameTag the tag holding it otherwise.
	Name, NameTag string
	// Namespace and Kind complete a Kubernetes resource; its namespace is
	// "default" when none is set, whatever [[kubernetes]] says, as in
	// Kapacitor.
	Namespace, Kind string
	// OutTags name the tags that receive the resource's namespace, kind
	// and name on emitted points ("" sets none).
	NamespaceTag, KindTag, NameOutTag string
}

// Node is one autoscale node: the scaler and the state of each resource.
type Node struct {
	cfg    Config
	scaler Scaler
	stats  *pipeline.NodeStats
	states map[Resource]state
}

// state is what the node knows of one resource: its last set count and
// the times of the last increase and decrease (on the data's clock).
type state struct {
	current                    int
	lastIncrease, lastDecrease int64
	increased, decreased       bool // lastIncrease, lastDecrease are set
}

// requestTimeout bounds each call to an orchestrator, so that one that
// hangs cannot stall the task forever.
const requestTimeout = 30 * time.Second

// Counters are the node statistics Kapacitor reports for autoscale nodes.
var Counters = []string{"cooldown_drops", "decrease_events", "increase_events"}

// New returns a node scaling through s; stats must have Counters.
func New(cfg Config, s Scaler, stats *pipeline.NodeStats) (*Node, error) {
	if cfg.Min < 1 {
		return nil, fmt.Errorf("minimum count must be >= 1, got %d", cfg.Min)
	}
	if (cfg.Name == "") == (cfg.NameTag == "") {
		return nil, errors.New("expected exactly one of the resource name or the resource name tag")
	}
	return &Node{cfg: cfg, scaler: s, stats: stats, states: map[Resource]state{}}, nil
}

// Handle scales the resource of p to what replicas computes and returns
// the point describing the change, or nil when nothing changed (the same
// count, or a change within its cooldown). The emitted point has p's
// measurement, time and group.
func (n *Node) Handle(p *pipeline.Point, replicas func(*pipeline.Point) (pipeline.Value, error)) (*pipeline.Point, error) {
	r, err := n.resource(p)
	if err != nil {
		return nil, err
	}
	st, known := n.states[r]
	if !known { // ask the orchestrator once; later the node trusts its own count
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		st.current, err = n.scaler.Replicas(ctx, r)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("could not determine initial scale for %q: %w", r, err)
		}
		n.states[r] = st
	}
	want, err := n.eval(p, st.current, replicas)
	if err != nil {
		return nil, fmt.Errorf("failed to evaluate the replicas expression: %w", err)
	}
	if n.cfg.Max > 0 && want > n.cfg.Max {
		want = n.cfg.Max
	}
	if want < n.cfg.Min {
		want = n.cfg.Min
	}
	old := st.current
	if want == old {
		return nil, nil
	}
	counter := "increase_events"
	if want > old {
		if st.increased && p.Time < st.lastIncrease+int64(n.cfg.IncreaseCooldown) {
			n.stats.Counter("cooldown_drops").Add(1)
			return nil, nil
		}
		st.lastIncrease, st.increased = p.Time, true
	} else {
		if st.decreased && p.Time < st.lastDecrease+int64(n.cfg.DecreaseCooldown) {
			n.stats.Counter("cooldown_drops").Add(1)
			return nil, nil
		}
		st.lastDecrease, st.decreased = p.Time, true
		counter = "decrease_events"
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	err = n.scaler.SetReplicas(ctx, r, want)
	cancel()
	if err != nil { // the state stays as it was: the next point retries
		return nil, fmt.Errorf("failed to set new replica count for %q: %w", r, err)
	}
	st.current = want
	n.states[r] = st
	n.stats.Counter(counter).Add(1)
	return n.event(p, r, old, want), nil
}

func (n *Node) resource(p *pipeline.Point) (Resource, error) {
	name := n.cfg.Name
	if n.cfg.NameTag != "" {
		name, _ = p.Tag(n.cfg.NameTag)
	}
	if name == "" {
		return Resource{}, errors.New("could not determine the name of the resource")
	}
	r := Resource{Namespace: n.cfg.Namespace, Kind: n.cfg.Kind, Name: name}
	if r.Kind != "" && r.Namespace == "" {
		r.Namespace = "default"
	}
	return r, nil
}

// eval runs the replicas lambda on p, which sees the current count as the
// field CurrentField when one is set.
func (n *Node) eval(p *pipeline.Point, current int, replicas func(*pipeline.Point) (pipeline.Value, error)) (int, error) {
	if n.cfg.CurrentField != "" {
		c := p.Clone()
		c.SetField(n.cfg.CurrentField, pipeline.IntValue(int64(current)))
		p = &c
	}
	v, err := replicas(p)
	if err != nil {
		return 0, err
	}
	if v.Kind != pipeline.Int { // Kapacitor evaluates it with EvalInt
		return 0, fmt.Errorf("expression returned unexpected type %s", v.Kind)
	}
	return int(v.I), nil
}

// event is the point Kapacitor emits for a scaling event: the group's
// tags and the resource's, and the int fields old and new.
func (n *Node) event(p *pipeline.Point, r Resource, old, new int) *pipeline.Point {
	out := &pipeline.Point{Name: p.Name, Time: p.Time, Group: p.Group}
	if p.Group != nil {
		for _, t := range p.Group.Tags {
			v, _ := p.Tag(t.Key)
			out.SetTag(t.Key, v)
		}
	}
	for _, t := range [...]struct{ key, value string }{
		{n.cfg.NamespaceTag, r.Namespace}, {n.cfg.KindTag, r.Kind}, {n.cfg.NameOutTag, r.Name},
	} {
		if t.key != "" {
			out.SetTag(t.key, t.value)
		}
	}
	out.Fields = []pipeline.Field{{Key: "new", Value: pipeline.IntValue(int64(new))}, {Key: "old", Value: pipeline.IntValue(int64(old))}}
	return out
}

// httpClient is the client of the scalers: with the TLS settings of the
// cluster's section, and no shared state with other clients.
func httpClient(tr *http.Transport) *http.Client {
	if tr == nil {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	return &http.Client{Transport: tr}
}
