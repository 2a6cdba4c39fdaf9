package catalog

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tickc/tickc/compiler/types"
)

// The catalogue holds 34 node kinds created by chain methods or predefined
// (stream, batch, from, query, queryFlux, stats and the 28 non-InfluxQL
// common chain methods) plus the 21 InfluxQL functions.
const (
	wantNodeKinds = 34
	wantInfluxQL  = 21
)

var influxQLNames = []string{
	"count", "distinct", "mean", "median", "mode", "spread", "sum", "first", "last",
	"min", "max", "percentile", "top", "bottom", "stddev", "elapsed", "difference",
	"movingAverage", "cumulativeSum", "holtWinters", "holtWintersWithFit",
}

func isInfluxQL(name string) bool {
	for _, n := range influxQLNames {
		if n == name {
			return true
		}
	}
	return false
}

func mustNode(t *testing.T, name string) *Node {
	t.Helper()
	n, ok := Nodes[name]
	if !ok {
		t.Fatalf("no node %q", name)
	}
	return n
}

func mustProp(t *testing.T, node, name string) *Property {
	t.Helper()
	pr := mustNode(t, node).Prop(name)
	if pr == nil {
		t.Fatalf("%s has no property %q", node, name)
	}
	return pr
}

// sigTypes renders a signature as lists of accepted types, the variadic
// parameter last and marked with "...".
func sigTypes(s Signature) []string {
	var out []string
	render := func(ps Param) string {
		names := make([]string, len(ps.Types))
		for i, t := range ps.Types {
			names[i] = t.String()
		}
		return strings.Join(names, "|")
	}
	for _, ps := range s.Params {
		out = append(out, render(ps))
	}
	if s.Variadic != nil {
		out = append(out, "..."+render(*s.Variadic))
	}
	return out
}

func TestNodeCount(t *testing.T) {
	if got, want := len(Nodes), wantNodeKinds+wantInfluxQL; got != want {
		t.Errorf("len(Nodes) = %d, want %d", got, want)
	}
	if len(influxQLNames) != wantInfluxQL {
		t.Fatalf("test table has %d InfluxQL names", len(influxQLNames))
	}
	influx := 0
	for name, n := range Nodes {
		if n.Prop("usePointTimes") != nil {
			influx++
			if !isInfluxQL(name) {
				t.Errorf("%s has usePointTimes but is not an InfluxQL function", name)
			}
		}
	}
	if influx != wantInfluxQL {
		t.Errorf("%d nodes look like InfluxQL functions, want %d", influx, wantInfluxQL)
	}
	for _, name := range influxQLNames {
		mustNode(t, name)
	}
	if _, ok := Nodes["deadman"]; ok {
		t.Error("deadman must not be a node entry")
	}
}

func TestEveryChainMethodIsANode(t *testing.T) {
	for _, name := range ChainMethods {
		if _, ok := Nodes[name]; !ok {
			t.Errorf("chain method %q has no node entry", name)
		}
	}
	for _, name := range []string{"stream", "batch", "from", "query", "queryFlux", "stats"} {
		mustNode(t, name)
	}
}

func TestDescs(t *testing.T) {
	want := map[string]string{
		"stream": "stream", "batch": "batch", "from": "from", "query": "query",
		"queryFlux": "queryFlux", "window": "window", "trickle": "trickle",
		"where": "where", "eval": "eval", "groupBy": "groupby", "default": "default",
		"delete": "delete", "shift": "shift", "sample": "sample",
		"changeDetect": "changeDetect", "derivative": "derivative",
		"stateDuration": "state_duration", "stateCount": "state_count",
		"sideload": "sideload", "barrier": "barrier", "union": "union", "join": "join",
		"combine": "combine", "flatten": "flatten", "log": "log", "httpOut": "http_out",
		"httpPost": "http_post", "influxDBOut": "influxdb_out",
		"kapacitorLoopback": "kapacitor_loopback", "alert": "alert", "stats": "stats",
		"k8sAutoscale": "k8s_autoscale", "swarmAutoscale": "swarm_autoscale",
		"ec2Autoscale":       "ec2_autoscale",
		"holtWintersWithFit": "holtWinters",
	}
	for _, name := range influxQLNames {
		if _, ok := want[name]; !ok {
			want[name] = name
		}
	}
	if len(want) != len(Nodes) {
		t.Errorf("desc table has %d entries, catalogue %d", len(want), len(Nodes))
	}
	seen := map[string]string{}
	for name, n := range Nodes {
		if n.Desc == "" {
			t.Errorf("%s: empty Desc", name)
		}
		if w, ok := want[name]; ok && n.Desc != w {
			t.Errorf("%s: Desc %q, want %q", name, n.Desc, w)
		}
		if n.Name != name {
			t.Errorf("registered under %q but Name is %q", name, n.Name)
		}
		if other, dup := seen[n.Desc]; dup {
			// Kapacitor builds holtWintersWithFit with the holtWinters name.
			pair := map[string]bool{other: true, name: true}
			if !(pair["holtWinters"] && pair["holtWintersWithFit"]) {
				t.Errorf("Desc %q shared by %s and %s", n.Desc, other, name)
			}
		}
		seen[n.Desc] = name
	}
}

func TestDocsAndProps(t *testing.T) {
	for name, n := range Nodes {
		if n.Doc == "" {
			t.Errorf("%s: empty Doc", name)
		}
		q := n.Prop("quiet")
		if q == nil {
			t.Errorf("%s: no quiet property", name)
		} else if len(q.Sig.Params) != 0 || q.Sig.Variadic != nil {
			t.Errorf("%s: quiet takes arguments", name)
		}
		names := map[string]bool{}
		for _, pr := range n.Props {
			if names[pr.Name] {
				t.Errorf("%s: property %q listed twice", name, pr.Name)
			}
			names[pr.Name] = true
			if pr.Doc == "" || strings.Contains(pr.Doc, "\n") {
				t.Errorf("%s.%s: Doc must be one non-empty line", name, pr.Name)
			}
			if pr.Name == "" || strings.ToLower(pr.Name[:1]) != pr.Name[:1] {
				t.Errorf("%s: bad property name %q", name, pr.Name)
			}
			all := append([]Param{}, pr.Sig.Params...)
			if pr.Sig.Variadic != nil {
				all = append(all, *pr.Sig.Variadic)
			}
			for _, ps := range all {
				if len(ps.Types) == 0 {
					t.Errorf("%s.%s: parameter %q accepts no type", name, pr.Name, ps.Name)
				}
			}
		}
	}
}

func TestPropertyTypes(t *testing.T) {
	cases := []struct {
		node, prop string
		want       []string
	}{
		{"window", "period", []string{"duration"}},
		{"window", "every", []string{"duration"}},
		{"window", "periodCount", []string{"int"}},
		{"window", "align", nil},
		{"alert", "flapping", []string{"float", "float"}},
		{"alert", "history", []string{"int"}},
		{"alert", "crit", []string{"lambda"}},
		{"alert", "stateChangesOnly", []string{"...duration"}},
		{"alert", "inhibit", []string{"string", "...string"}},
		{"alert", "flapLow", []string{"float"}},
		{"alert", "stateChangesOnlyDuration", []string{"duration"}},
		{"from", "where", []string{"lambda"}},
		{"from", "groupBy", []string{"...string|star"}},
		{"from", "truncate", []string{"duration"}},
		{"query", "groupBy", []string{"...string|star|time dimension"}},
		{"query", "fill", []string{"any"}},
		{"join", "fill", []string{"any"}},
		{"join", "deleteAll", []string{"bool"}},
		{"join", "as", []string{"...string"}},
		{"barrier", "delete", []string{"bool"}},
		{"combine", "max", []string{"int"}},
		{"default", "field", []string{"string", "any"}},
		{"delete", "field", []string{"string"}},
		{"flatten", "dropOriginalFieldName", []string{"...bool"}},
		{"influxDBOut", "buffer", []string{"int"}},
		{"influxDBOut", "tag", []string{"string", "string"}},
		{"httpPost", "header", []string{"string", "string"}},
		{"k8sAutoscale", "replicas", []string{"lambda"}},
		{"k8sAutoscale", "min", []string{"int"}},
		{"mean", "as", []string{"string"}},
		{"top", "usePointTimes", nil},
		{"shift", "shift", []string{"duration"}},
		{"stats", "align", nil},
	}
	for _, c := range cases {
		got := sigTypes(mustProp(t, c.node, c.prop).Sig)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s.%s: %v, want %v", c.node, c.prop, got, c.want)
		}
	}
}

func TestConstructorSignatures(t *testing.T) {
	cases := []struct {
		node string
		want []string
	}{
		{"from", nil},
		{"window", nil},
		{"query", []string{"string"}},
		{"where", []string{"lambda"}},
		{"eval", []string{"...lambda"}},
		{"groupBy", []string{"...string|star"}},
		{"shift", []string{"duration"}},
		{"sample", []string{"int|duration"}},
		{"changeDetect", []string{"...string"}},
		{"stateCount", []string{"lambda"}},
		{"union", []string{"...node"}},
		{"join", []string{"...node"}},
		{"combine", []string{"...lambda"}},
		{"httpOut", []string{"string"}},
		{"httpPost", []string{"...string"}},
		{"stats", []string{"duration"}},
		{"percentile", []string{"string", "float"}},
		{"top", []string{"int", "string", "...string"}},
		{"bottom", []string{"int", "string", "...string"}},
		{"elapsed", []string{"string", "duration"}},
		{"movingAverage", []string{"string", "int"}},
		{"holtWinters", []string{"string", "int", "int", "duration"}},
		{"holtWintersWithFit", []string{"string", "int", "int", "duration"}},
		{"mean", []string{"string"}},
	}
	for _, c := range cases {
		got := sigTypes(mustNode(t, c.node).Sig)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s(): %v, want %v", c.node, got, c.want)
		}
	}
	// Kapacitor never coerces: an int is not a float and vice versa.
	pct := mustNode(t, "percentile").Sig.Params[1]
	if pct.Accepts(types.Int) || !pct.Accepts(types.Float) {
		t.Error("percentile(field, p) must take a float p only")
	}
	flap := mustProp(t, "alert", "flapping").Sig.Params[0]
	if flap.Accepts(types.Int) {
		t.Error("alert.flapping must not accept an int")
	}
	for name, n := range Nodes {
		if n.NodeArgs != (name == "join" || name == "union") {
			t.Errorf("%s: NodeArgs = %v", name, n.NodeArgs)
		}
	}
}

func TestEdges(t *testing.T) {
	cases := []struct {
		node            string
		wants, provides Edge
		parentMust      Edge
	}{
		{"stream", NoEdge, StreamEdge, NoEdge},
		{"batch", NoEdge, BatchEdge, NoEdge},
		{"from", StreamEdge, StreamEdge, NoEdge},
		{"query", BatchEdge, BatchEdge, NoEdge},
		{"queryFlux", BatchEdge, BatchEdge, NoEdge},
		{"window", StreamEdge, BatchEdge, StreamEdge},
		{"trickle", BatchEdge, StreamEdge, BatchEdge},
		{"where", AnyEdge, SameEdge, NoEdge},
		{"combine", AnyEdge, StreamEdge, NoEdge},
		{"influxDBOut", AnyEdge, NoEdge, NoEdge},
		{"kapacitorLoopback", AnyEdge, NoEdge, NoEdge},
		{"k8sAutoscale", AnyEdge, StreamEdge, NoEdge},
		{"swarmAutoscale", AnyEdge, StreamEdge, NoEdge},
		{"ec2Autoscale", AnyEdge, StreamEdge, NoEdge},
		{"alert", AnyEdge, SameEdge, NoEdge},
		{"stats", AnyEdge, StreamEdge, NoEdge},
		// InfluxQL functions (inventory §3.4)
		{"mean", AnyEdge, StreamEdge, NoEdge},
		{"count", AnyEdge, StreamEdge, NoEdge},
		{"percentile", AnyEdge, StreamEdge, NoEdge},
		{"distinct", AnyEdge, BatchEdge, NoEdge},
		{"top", AnyEdge, BatchEdge, NoEdge},
		{"bottom", AnyEdge, BatchEdge, NoEdge},
		{"holtWinters", AnyEdge, BatchEdge, NoEdge},
		{"holtWintersWithFit", AnyEdge, BatchEdge, NoEdge},
		{"elapsed", AnyEdge, SameEdge, NoEdge},
		{"difference", AnyEdge, SameEdge, NoEdge},
		{"movingAverage", AnyEdge, SameEdge, NoEdge},
		{"cumulativeSum", AnyEdge, SameEdge, NoEdge},
	}
	for _, c := range cases {
		n := mustNode(t, c.node)
		if n.Wants != c.wants || n.Provides != c.provides || n.ParentMust != c.parentMust {
			t.Errorf("%s: wants %v provides %v parentMust %v; want %v %v %v",
				c.node, n.Wants, n.Provides, n.ParentMust, c.wants, c.provides, c.parentMust)
		}
	}
	for name, n := range Nodes {
		if n.ParentMust != NoEdge && name != "window" && name != "trickle" {
			t.Errorf("%s: unexpected ParentMust %v", name, n.ParentMust)
		}
	}
}

func TestHasChain(t *testing.T) {
	cases := []struct {
		node, chain string
		want        bool
	}{
		{"stream", "from", true},
		{"stream", "window", false},
		{"stream", "stats", true},
		{"stream", "deadman", true},
		{"stream", "query", false},
		{"batch", "query", true},
		{"batch", "queryFlux", true},
		{"batch", "from", false},
		{"batch", "where", false},
		{"from", "from", true},
		{"from", "where", true},
		{"from", "groupBy", true},
		{"from", "window", true},
		{"query", "groupBy", true},
		{"query", "query", false},
		{"query", "from", false},
		{"window", "mean", true},
		{"shift", "shift", false},
		{"shift", "sample", true},
		{"combine", "max", false},
		{"combine", "min", true},
		{"k8sAutoscale", "max", false},
		{"k8sAutoscale", "min", false},
		{"swarmAutoscale", "min", false},
		{"ec2Autoscale", "max", false},
		{"ec2Autoscale", "mean", true},
		{"barrier", "delete", true},
		{"alert", "log", true},
		{"alert", "alert", true},
		{"influxDBOut", "stats", true},
		{"influxDBOut", "deadman", true},
		{"influxDBOut", "window", false},
		{"influxDBOut", "log", false},
		{"kapacitorLoopback", "alert", false},
		{"kapacitorLoopback", "stats", true},
		{"mean", "trickle", true},
		{"alert", "nonexistent", false},
	}
	for _, c := range cases {
		if got := mustNode(t, c.node).HasChain(c.chain); got != c.want {
			t.Errorf("%s.HasChain(%q) = %v, want %v", c.node, c.chain, got, c.want)
		}
	}
	if mustNode(t, "influxDBOut").Chainable || mustNode(t, "kapacitorLoopback").Chainable {
		t.Error("influxDBOut and kapacitorLoopback embed node, not chainnode")
	}
	if mustNode(t, "stream").Chainable || mustNode(t, "batch").Chainable {
		t.Error("stream and batch only offer their Extra chain methods")
	}
}

func TestHiddenAndPropChains(t *testing.T) {
	for name, n := range Nodes {
		for _, h := range n.Hidden {
			if !isCommonChain(h) {
				t.Errorf("%s: hidden %q is not a common chain method", name, h)
			}
			if n.Prop(h) == nil {
				t.Errorf("%s: hidden %q must be shadowed by a property", name, h)
			}
		}
		for _, pc := range n.PropChains {
			// alert's log is a handler (handlers.go), the others node properties.
			isHandler := n.Handlers && pc == "log"
			if n.Prop(pc) == nil && !isHandler {
				t.Errorf("%s: prop-chain %q is not a property", name, pc)
			}
			if !n.HasChain(pc) {
				t.Errorf("%s: prop-chain %q is not available as a chain method", name, pc)
			}
		}
		// Every property that shares its name with a common chain method must
		// either hide the chain method or hand it back as a prop-chain.
		for _, pr := range n.Props {
			if !n.Chainable || !isCommonChain(pr.Name) {
				continue
			}
			listed := false
			for _, x := range append(append([]string{}, n.Hidden...), n.PropChains...) {
				listed = listed || x == pr.Name
			}
			if !listed {
				t.Errorf("%s: property %q clashes with a chain method but is neither Hidden nor a PropChain", name, pr.Name)
			}
		}
	}
	want := map[string][]string{
		"from":    {"where", "groupBy"},
		"query":   {"groupBy"},
		"barrier": {"delete"},
		"alert":   {"log"},
	}
	for name, n := range Nodes {
		if !reflect.DeepEqual(n.PropChains, want[name]) {
			t.Errorf("%s: PropChains %v, want %v", name, n.PropChains, want[name])
		}
	}
}

func TestAlertNode(t *testing.T) {
	a := mustNode(t, "alert")
	if !a.Handlers {
		t.Error("alert must have Handlers")
	}
	for name, n := range Nodes {
		if n.Handlers && name != "alert" {
			t.Errorf("%s: only alert has handlers", name)
		}
	}
	for _, name := range []string{
		"id", "message", "details", "info", "warn", "crit", "infoReset", "warnReset",
		"critReset", "history", "flapping", "stateChangesOnly", "noRecoveries", "all",
		"levelTag", "levelField", "idTag", "idField", "messageField", "durationField",
		"topic", "category", "inhibit", "flapLow", "flapHigh", "stateChangesOnlyDuration",
		"quiet",
	} {
		if a.Prop(name) == nil {
			t.Errorf("alert lacks .%s()", name)
		}
	}
	// Handler methods belong to handlers.go, not to the node.
	for _, h := range []string{"slack", "post", "email", "tcp"} {
		if a.Prop(h) != nil {
			t.Errorf("alert lists handler %q as a node property", h)
		}
	}
	if a.Prop("log") != nil {
		t.Error("alert .log() is a handler, not a node property")
	}
}

func TestUndocumentedMarker(t *testing.T) {
	for _, c := range []struct{ node, prop string }{
		{"where", "lambda"}, {"shift", "shift"}, {"sample", "n"}, {"httpOut", "endpoint"},
		{"derivative", "field"}, {"query", "queryStr"}, {"mean", "field"}, {"alert", "flapLow"},
	} {
		if pr := mustProp(t, c.node, c.prop); !strings.HasPrefix(pr.Doc, undocumented) {
			t.Errorf("%s.%s should be marked undocumented", c.node, c.prop)
		}
	}
	if pr := mustProp(t, "window", "period"); strings.HasPrefix(pr.Doc, undocumented) {
		t.Error("window.period is documented")
	}
}
