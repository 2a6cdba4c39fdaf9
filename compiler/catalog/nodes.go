package catalog

// Pipeline nodes: one entry per chain method that creates a node, plus the
// two predefined sources `stream` and `batch`.
//
// Source: Kapacitor v1.8.3 pipeline/*.go (the node structs, their
// constructors and the chainnode methods in pipeline/node.go and
// pipeline/influxql.go). Desc is the string each constructor passes as the
// node's desc; Kapacitor names a node Desc + ID ("stream0", "from1",
// "http_out4") in DOT output, stats and logs.
//
// How Kapacitor finds a node property (tick/eval.go, reflection):
//   - a method named in a `tick:"Name"` struct tag is a property method and
//     takes the method's exact argument list;
//   - an exported field without a tick tag is set directly with exactly one
//     argument of the field's exact Go type (int64, float64, string, bool,
//     time.Duration, *ast.LambdaNode, interface{}); there is no coercion.
//     Some of these fields are marked "tick:ignore" in Kapacitor's comments,
//     which only hides them from its generated docs: TICKscript still sets
//     them. Their Doc starts with "Undocumented:". Fields of slice, map,
//     struct or pipeline.Node type are left out: no TICKscript value can be
//     assigned to them.
//
// Shadowing: a field with the same name as a chain method (ShiftNode.Shift,
// CombineNode.Max, the autoscale nodes' Min/Max) removes the promoted chain
// method from the node's method set; Kapacitor then finds the method only
// through the unexported embedded chainnode and the call fails. Those names
// are listed in Hidden. A property method with the name of a chain method
// (FromNode.Where/GroupBy, QueryNode.GroupBy, AlertNodeData.Log) also hides
// it, but those nodes hand the chain method back explicitly (ChainMethods()),
// as BarrierNode does for its Delete field: those names are in PropChains.

import "github.com/tickc/tickc/compiler/types"

func init() {
	for _, n := range nodeTable() {
		register(n)
	}
	for _, n := range influxQLTable() {
		register(n)
	}
}

// undocumented is the Doc prefix of properties Kapacitor accepts but does
// not document (exported fields its docs generator skips).
const undocumented = "Undocumented: "

// nodePropKit groups the helpers of the two node tables; the method set
// keeps them out of the package namespace shared with the other data files.
type nodePropKit struct{}

var nodeKit nodePropKit

// set is a one-argument setter of an exported field.
func (nodePropKit) set(name string, t types.Type, doc string) Property {
	return prop(name, sig(p("value", t)), doc)
}

// raw is a setter of an exported field that Kapacitor's docs leave out.
func (nodePropKit) raw(name string, t types.Type, doc string) Property {
	return prop(name, sig(p("value", t)), undocumented+doc)
}

// flag is a property method without arguments.
func (nodePropKit) flag(name, doc string) Property {
	return prop(name, sig(), doc)
}

// list is a property method taking any number of strings.
func (nodePropKit) list(name, arg, doc string) Property {
	return prop(name, variadic(p(arg, types.String)), doc)
}

// with appends the `.quiet()` property every node has (pipeline/node.go).
func (nodePropKit) with(ps ...Property) []Property {
	return append(ps, prop("quiet", sig(), "Suppress the error log lines this node would write."))
}

func nodeTable() []*Node {
	var (
		str    = types.String
		num    = types.Int
		flt    = types.Float
		dur    = types.Duration
		lam    = types.Lambda
		anyVal = types.Any
		boolT  = types.Bool
	)
	set, raw, flag, list, with := nodeKit.set, nodeKit.raw, nodeKit.flag, nodeKit.list, nodeKit.with

	// Properties shared by the three autoscale nodes.
	autoscale := func(extra ...Property) []Property {
		common := []Property{
			set("cluster", str, "Name of the configured cluster to talk to."),
			set("currentField", str, "Field that receives the current replica count (int); empty sets none."),
			set("max", num, "Upper bound for the replica count; 0 means unbounded."),
			set("min", num, "Lower bound for the replica count (default 1, must be at least 1)."),
			set("replicas", lam, "Expression giving the desired replica count (required)."),
			set("increaseCooldown", dur, "Minimum time between two scale-up events of one resource."),
			set("decreaseCooldown", dur, "Minimum time between two scale-down events of one resource."),
		}
		return with(append(common, extra...)...)
	}

	return []*Node{
		// ---- sources ----
		{
			Name:     "stream",
			Desc:     "stream",
			Doc:      "The predefined source of a stream task: every point written to Kapacitor.",
			Wants:    NoEdge,
			Provides: StreamEdge,
			Props:    with(),
			Extra:    []string{"from"},
		},
		{
			Name:     "batch",
			Desc:     "batch",
			Doc:      "The predefined source of a batch task; each query under it is scheduled on its own.",
			Wants:    NoEdge,
			Provides: BatchEdge,
			Props:    with(),
			Extra:    []string{"query", "queryFlux"},
		},
		{
			Name:      "from",
			Desc:      "from",
			Doc:       "Selects the points of the stream by database, retention policy, measurement and filter.",
			Sig:       sig(),
			Wants:     StreamEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Extra:     []string{"from"},
			Props: with(
				set("database", str, "Only take points of this database; empty matches any."),
				set("retentionPolicy", str, "Only take points of this retention policy; empty matches any."),
				set("measurement", str, "Only take points of this measurement; empty matches any."),
				prop("where", sig(p("lambda", lam)), "Keep only points for which the expression is true; repeated calls are AND-ed."),
				prop("groupBy", variadic(p("tag", str, types.Star)), "Group the selected points by these tags, or by all tags with *."),
				flag("groupByMeasurement", "Make the measurement name part of the group key."),
				set("truncate", dur, "Truncate point timestamps to a multiple of this duration."),
				set("round", dur, "Round point timestamps to the nearest multiple of this duration."),
			),
			PropChains: []string{"where", "groupBy"},
		},
		{
			Name:      "query",
			Desc:      "query",
			Doc:       "Runs an InfluxQL query on a schedule and emits each result as a batch.",
			Sig:       sig(p("q", str)),
			Wants:     BatchEdge,
			Provides:  BatchEdge,
			Chainable: true,
			Props: with(
				set("period", dur, "Length of the time range each query covers."),
				set("every", dur, "How often the query runs (exclusive with cron)."),
				flag("align", "Align the query range to multiples of every."),
				set("cron", str, "Cron schedule for the query (exclusive with every)."),
				set("offset", dur, "Shift the queried range this far into the past."),
				flag("alignGroup", "Align GROUP BY time buckets to the start of the query range."),
				prop("groupBy", variadic(p("d", str, types.Star, types.TimeDim)), "GROUP BY clause: tags, * or at most one time(...) dimension."),
				flag("groupByMeasurement", "Make the measurement name part of the group key."),
				set("fill", anyVal, "InfluxQL fill option: a number, 'null', 'previous', 'none' or 'linear'."),
				set("cluster", str, "Name of the configured InfluxDB cluster to query."),
				raw("queryStr", str, "replaces the query text given to query()."),
			),
			PropChains: []string{"groupBy"},
		},
		{
			Name:      "queryFlux",
			Desc:      "queryFlux",
			Doc:       "Runs a Flux query on a schedule and emits each result as a batch.",
			Sig:       sig(p("queryStr", str)),
			Wants:     BatchEdge,
			Provides:  BatchEdge,
			Chainable: true,
			Props: with(
				set("period", dur, "Length of the time range each query covers."),
				set("every", dur, "How often the query runs (exclusive with cron)."),
				flag("align", "Align the query range to multiples of every."),
				set("cron", str, "Cron schedule for the query (exclusive with every)."),
				set("offset", dur, "Shift the queried range this far into the past."),
				set("cluster", str, "Name of the configured InfluxDB cluster to query."),
				set("org", str, "InfluxDB 2.x organization name."),
				set("orgID", str, "InfluxDB 2.x organization ID."),
				raw("queryStr", str, "replaces the query text given to queryFlux()."),
			),
		},

		// ---- edge conversion ----
		{
			Name:       "window",
			Desc:       "window",
			Doc:        "Collects stream points into batches covering a time or count range.",
			Sig:        sig(),
			Wants:      StreamEdge,
			Provides:   BatchEdge,
			ParentMust: StreamEdge,
			Chainable:  true,
			Props: with(
				set("period", dur, "Time span covered by each emitted window."),
				set("every", dur, "How often a window is emitted; 0 emits on every point."),
				flag("align", "Align window boundaries to multiples of every."),
				flag("fillPeriod", "Hold back the first window until a full period has passed."),
				set("periodCount", num, "Number of points in each window (instead of period)."),
				set("everyCount", num, "Emit a window after this many points."),
			),
		},
		{
			Name:       "trickle",
			Desc:       "trickle",
			Doc:        "Turns batches back into a stream of single points.",
			Sig:        sig(),
			Wants:      BatchEdge,
			Provides:   StreamEdge,
			ParentMust: BatchEdge,
			Chainable:  true,
			Props:      with(),
		},

		// ---- transformations ----
		{
			Name:      "where",
			Desc:      "where",
			Doc:       "Drops the points for which the expression is not true.",
			Sig:       sig(p("expression", lam)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				raw("lambda", lam, "replaces the filter expression."),
			),
		},
		{
			Name:      "eval",
			Desc:      "eval",
			Doc:       "Computes new fields from expressions, in order, each seeing the earlier results.",
			Sig:       variadic(p("expressions", lam)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				list("as", "names", "Names of the results, one per expression (required)."),
				list("tags", "names", "Results (named in as) to store as tags instead of fields; they must be strings."),
				list("keep", "fields", "Keep existing fields too: all of them, or only those listed."),
			),
		},
		{
			Name:      "groupBy",
			Desc:      "groupby",
			Doc:       "Regroups the data by the given tags, or by all tags with *.",
			Sig:       variadic(p("tag", str, types.Star)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				flag("byMeasurement", "Make the measurement name part of the group key."),
				list("exclude", "dims", "Tags to leave out when grouping by *."),
			),
		},
		{
			Name:      "default",
			Desc:      "default",
			Doc:       "Fills in missing fields and tags with fixed values.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				prop("field", sig(p("name", str), p("value", anyVal)), "Value for the field when it is absent (float, int, string or bool)."),
				prop("tag", sig(p("name", str), p("value", str)), "Value for the tag when it is absent or empty."),
			),
		},
		{
			Name:      "delete",
			Desc:      "delete",
			Doc:       "Removes fields and tags from the data.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				prop("field", sig(p("name", str)), "Field to remove; may be called several times."),
				prop("tag", sig(p("name", str)), "Tag to remove; may be called several times."),
			),
		},
		{
			Name:      "shift",
			Desc:      "shift",
			Doc:       "Moves point and batch times by a fixed duration, which may be negative.",
			Sig:       sig(p("shift", dur)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				raw("shift", dur, "replaces the shift duration."),
			),
			Hidden: []string{"shift"},
		},
		{
			Name:      "sample",
			Desc:      "sample",
			Doc:       "Keeps every Nth point or batch (int) or those on a time boundary (duration).",
			Sig:       sig(p("rate", num, dur)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				raw("n", num, "replaces the count rate."),
				raw("duration", dur, "replaces the time rate."),
			),
		},
		{
			Name:      "changeDetect",
			Desc:      "changeDetect",
			Doc:       "Passes a point on only when one of the fields differs from the last point passed.",
			Sig:       variadic(p("fields", str)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props:     with(),
		},
		{
			Name:      "derivative",
			Desc:      "derivative",
			Doc:       "Rate of change of a field between consecutive points.",
			Sig:       sig(p("field", str)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("as", str, "Name of the result field (default: the input field's name)."),
				set("unit", dur, "Time unit of the rate (default 1s)."),
				flag("nonNegative", "Drop negative results."),
				raw("field", str, "replaces the input field."),
			),
		},
		{
			Name:      "stateDuration",
			Desc:      "state_duration",
			Doc:       "Adds how long the expression has been true in a row (-1 while it is false).",
			Sig:       sig(p("expression", lam)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("as", str, "Name of the result field (default state_duration)."),
				set("unit", dur, "Time unit of the result (default 1s)."),
				raw("lambda", lam, "replaces the state expression."),
			),
		},
		{
			Name:      "stateCount",
			Desc:      "state_count",
			Doc:       "Adds how many consecutive points made the expression true (-1 while it is false).",
			Sig:       sig(p("expression", lam)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("as", str, "Name of the result field (default state_count)."),
				raw("lambda", lam, "replaces the state expression."),
			),
		},
		{
			Name:      "sideload",
			Desc:      "sideload",
			Doc:       "Adds fields and tags looked up in external hierarchical files by the point's tags.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("source", str, "Where the data lives: a file:// directory, a URL or an httppost endpoint name."),
				list("order", "order", "Path templates searched in order; the first that has the key wins."),
				prop("field", sig(p("name", str), p("value", anyVal)), "Field to load, with the default used when it is not found."),
				prop("tag", sig(p("name", str), p("value", str)), "Tag to load, with the default used when it is not found."),
			),
		},
		{
			Name:      "barrier",
			Desc:      "barrier",
			Doc:       "Emits barriers on the wall clock so downstream windows close without new data.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("idle", dur, "Emit a barrier after this much time without data (exclusive with period)."),
				set("period", dur, "Emit a barrier at this fixed interval (exclusive with idle)."),
				set("delete", boolT, "Forget each group after its barrier."),
			),
			PropChains: []string{"delete"},
		},
		{
			Name:      "union",
			Desc:      "union",
			Doc:       "Merges the data of this node and the given nodes unchanged.",
			Sig:       variadic(p("node", types.Node)),
			NodeArgs:  true,
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("rename", str, "New measurement name for the merged data."),
			),
		},
		{
			Name:      "join",
			Desc:      "join",
			Doc:       "Joins this node with the given nodes on time, prefixing each side's fields.",
			Sig:       variadic(p("others", types.Node)),
			NodeArgs:  true,
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				list("as", "names", "Prefix for each parent, this node first (required)."),
				list("on", "dims", "Join on this subset of the group tags."),
				set("delimiter", str, "Separator between prefix and field name (default '.')."),
				set("streamName", str, "Measurement name of the joined data (default: the first parent's)."),
				set("tolerance", dur, "Points this close in time are joined; times are rounded to it."),
				set("fill", anyVal, "'none' (inner join, default), 'null' or a number (outer join)."),
				set("deleteAll", boolT, "A delete on one side deletes the group on all sides."),
			),
		},
		{
			Name:      "combine",
			Desc:      "combine",
			Doc:       "Pairs up points of equal time with each other, one matching point per expression.",
			Sig:       variadic(p("expressions", lam)),
			Wants:     AnyEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Props: with(
				list("as", "names", "Prefix for each expression's point (required, one per expression)."),
				set("delimiter", str, "Separator between prefix and field or tag name (default '.')."),
				set("tolerance", dur, "Points this close in time count as simultaneous."),
				set("max", num, "Limit on the number of combinations (default 1e6)."),
			),
			Hidden: []string{"max"},
		},
		{
			Name:      "flatten",
			Desc:      "flatten",
			Doc:       "Merges points of equal time into one point whose field names carry the tag values.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				list("on", "dims", "Tags whose values go into the field names, in order."),
				set("delimiter", str, "Separator between the name parts (default '.')."),
				set("tolerance", dur, "Points this close in time count as simultaneous."),
				prop("dropOriginalFieldName", variadic(p("drop", boolT)), "Leave the original field name out of the new names."),
			),
		},
		{
			Name:      "log",
			Desc:      "log",
			Doc:       "Writes every point or batch to Kapacitor's log and passes it on.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				set("level", str, "Log level: DEBUG, INFO (default), WARN or ERROR."),
				set("prefix", str, "Text put in front of each log line."),
			),
		},

		// ---- outputs ----
		{
			Name:      "httpOut",
			Desc:      "http_out",
			Doc:       "Serves the latest data of each group at a task HTTP endpoint.",
			Sig:       sig(p("endpoint", str)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				raw("endpoint", str, "replaces the endpoint path."),
			),
		},
		{
			Name:      "httpPost",
			Desc:      "http_post",
			Doc:       "POSTs each point or batch as JSON to a URL (at most one) or a configured endpoint.",
			Sig:       variadic(p("url", str)),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Props: with(
				prop("endpoint", sig(p("endpoint", str)), "Name of a configured [[httppost]] endpoint to use instead of a URL."),
				prop("header", sig(p("k", str), p("v", str)), "Add an HTTP header to every request."),
				flag("captureResponse", "Log the body of non-2xx responses."),
				set("codeField", str, "Field that receives the HTTP status code (0 on transport errors)."),
				set("timeout", dur, "Timeout of each request."),
			),
		},
		{
			Name:     "influxDBOut",
			Desc:     "influxdb_out",
			Doc:      "Writes the data to InfluxDB.",
			Sig:      sig(),
			Wants:    AnyEdge,
			Provides: NoEdge,
			Props: with(
				set("cluster", str, "Name of the configured InfluxDB to write to."),
				set("database", str, "Target database."),
				set("retentionPolicy", str, "Target retention policy."),
				set("measurement", str, "Measurement name to write (default: the data's own)."),
				set("writeConsistency", str, "Write consistency level."),
				set("precision", str, "Timestamp precision of the writes."),
				set("buffer", num, "Points buffered before a write (default 1000)."),
				set("flushInterval", dur, "Write at least this often even if the buffer is not full (default 10s)."),
				flag("create", "Create the database and retention policy when the task starts."),
				prop("tag", sig(p("key", str), p("value", str)), "Add a fixed tag to every point written."),
			),
		},
		{
			Name:     "kapacitorLoopback",
			Desc:     "kapacitor_loopback",
			Doc:      "Writes the data back into Kapacitor's own stream.",
			Sig:      sig(),
			Wants:    AnyEdge,
			Provides: NoEdge,
			Props: with(
				set("database", str, "Database the points are written to (required)."),
				set("retentionPolicy", str, "Retention policy the points are written to (required)."),
				set("measurement", str, "Measurement name to write (default: the data's own)."),
				prop("tag", sig(p("key", str), p("value", str)), "Add a fixed tag to every point written."),
			),
		},

		// ---- alerting ----
		{
			Name:      "alert",
			Desc:      "alert",
			Doc:       "Evaluates alert levels, sends events to handlers and passes on triggering data.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  SameEdge,
			Chainable: true,
			Handlers:  true,
			Props: with(
				set("id", str, "Template for the alert ID (default '{{ .Name }}:{{ .Group }}')."),
				set("message", str, "Template for the alert message (default '{{ .ID }} is {{ .Level }}')."),
				set("details", str, "HTML template for the alert details (default '{{ json . }}')."),
				set("info", lam, "Condition for the INFO level."),
				set("warn", lam, "Condition for the WARNING level."),
				set("crit", lam, "Condition for the CRITICAL level."),
				set("infoReset", lam, "Condition that must hold before leaving INFO downwards."),
				set("warnReset", lam, "Condition that must hold before leaving WARNING downwards."),
				set("critReset", lam, "Condition that must hold before leaving CRITICAL downwards."),
				set("history", num, "Number of past states kept for flapping and state changes (default 21)."),
				prop("flapping", sig(p("low", flt), p("high", flt)), "Enable flap detection with these state-change ratios."),
				raw("flapLow", flt, "lower flapping threshold, as set by flapping()."),
				raw("flapHigh", flt, "upper flapping threshold, as set by flapping()."),
				prop("stateChangesOnly", variadic(p("maxInterval", dur)), "Send events only on level changes, or after at most this interval."),
				raw("stateChangesOnlyDuration", dur, "maximum quiet interval, as set by stateChangesOnly()."),
				flag("noRecoveries", "Do not send OK (recovery) events."),
				flag("all", "Batch data: the level is the one all points reach, not any point."),
				set("levelTag", str, "Tag that receives the level on forwarded data."),
				set("levelField", str, "Field that receives the level on forwarded data."),
				set("idTag", str, "Tag that receives the alert ID on forwarded data."),
				set("idField", str, "Field that receives the alert ID on forwarded data."),
				set("messageField", str, "Field that receives the message on forwarded data."),
				set("durationField", str, "Field that receives the alert duration (int nanoseconds)."),
				set("topic", str, "Also publish events to this alert topic."),
				set("category", str, "Category other alerts can inhibit."),
				prop("inhibit", variadic(p("equalTags", str), p("category", str)), "While not OK, suppress alerts of this category whose listed tags match."),
			),
			PropChains: []string{"log"},
		},

		// ---- internal statistics ----
		{
			Name:      "stats",
			Desc:      "stats",
			Doc:       "A new source that emits the watched node's emitted count on the wall clock.",
			Sig:       sig(p("interval", dur)),
			Wants:     AnyEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Props: with(
				flag("align", "Round the emitted times to the interval."),
				raw("interval", dur, "replaces the emit interval."),
			),
		},

		// ---- autoscaling ----
		{
			Name:      "k8sAutoscale",
			Desc:      "k8s_autoscale",
			Doc:       "Scales a Kubernetes resource and emits a point for each scaling event.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Props: autoscale(
				set("namespace", str, "Namespace of the resource (default: the default namespace)."),
				set("kind", str, "Resource kind: deployments (default), replicasets or replicationcontrollers."),
				set("resourceName", str, "Name of the resource (exclusive with resourceNameTag)."),
				set("resourceNameTag", str, "Tag holding the resource name (exclusive with resourceName)."),
				set("namespaceTag", str, "Tag that receives the namespace on emitted points (default namespace)."),
				set("kindTag", str, "Tag that receives the kind on emitted points (default kind)."),
				set("resourceTag", str, "Tag that receives the resource name on emitted points (default resource)."),
			),
			Hidden: []string{"max", "min"},
		},
		{
			Name:      "swarmAutoscale",
			Desc:      "swarm_autoscale",
			Doc:       "Scales a Docker Swarm service and emits a point for each scaling event.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Props: autoscale(
				set("serviceName", str, "Name of the service (exclusive with serviceNameTag)."),
				set("serviceNameTag", str, "Tag holding the service name (exclusive with serviceName)."),
				set("outputServiceNameTag", str, "Tag that receives the service name on emitted points."),
			),
			Hidden: []string{"max", "min"},
		},
		{
			Name:      "ec2Autoscale",
			Desc:      "ec2_autoscale",
			Doc:       "Scales an AWS EC2 autoscaling group and emits a point for each scaling event.",
			Sig:       sig(),
			Wants:     AnyEdge,
			Provides:  StreamEdge,
			Chainable: true,
			Props: autoscale(
				set("groupName", str, "Name of the autoscaling group (exclusive with groupNameTag)."),
				set("groupNameTag", str, "Tag holding the group name (exclusive with groupName)."),
				set("outputGroupNameTag", str, "Tag that receives the group name on emitted points."),
			),
			Hidden: []string{"max", "min"},
		},
	}
}

// influxQLTable describes the 21 InfluxQL function chain methods. All create
// an InfluxQLNode whose desc is the function name, except holtWintersWithFit,
// which Kapacitor builds with the same name as holtWinters.
func influxQLTable() []*Node {
	var (
		str = types.String
		num = types.Int
		flt = types.Float
		dur = types.Duration
	)
	set, raw, flag, with := nodeKit.set, nodeKit.raw, nodeKit.flag, nodeKit.with
	field := sig(p("field", str))
	topBottom := variadic(p("fieldsAndTags", str), p("num", num), p("field", str))
	holt := sig(p("field", str), p("h", num), p("m", num), p("interval", dur))

	fns := []struct {
		name, desc, doc string
		sig             Signature
		provides        Edge
	}{
		{"count", "count", "Number of values of the field.", field, StreamEdge},
		{"distinct", "distinct", "A batch of the field's distinct values.", field, BatchEdge},
		{"mean", "mean", "Arithmetic mean of the field.", field, StreamEdge},
		{"median", "median", "Median of the field (interpolated, not a selector).", field, StreamEdge},
		{"mode", "mode", "Most frequent value of the field.", field, StreamEdge},
		{"spread", "spread", "Difference between the largest and smallest value.", field, StreamEdge},
		{"sum", "sum", "Sum of the field.", field, StreamEdge},
		{"first", "first", "The earliest value (selector).", field, StreamEdge},
		{"last", "last", "The latest value (selector).", field, StreamEdge},
		{"min", "min", "The smallest value (selector).", field, StreamEdge},
		{"max", "max", "The largest value (selector).", field, StreamEdge},
		{"percentile", "percentile", "The value at a percentile, by nearest rank (selector).", sig(p("field", str), p("percentile", flt)), StreamEdge},
		{"top", "top", "A batch of the num largest values, keeping the listed extra fields and tags.", topBottom, BatchEdge},
		{"bottom", "bottom", "A batch of the num smallest values, keeping the listed extra fields and tags.", topBottom, BatchEdge},
		{"stddev", "stddev", "Standard deviation of the field.", field, StreamEdge},
		{"elapsed", "elapsed", "Time between consecutive points, in multiples of unit.", sig(p("field", str), p("unit", dur)), SameEdge},
		{"difference", "difference", "Difference between consecutive values.", field, SameEdge},
		{"movingAverage", "movingAverage", "Mean of the last window values, once window values have arrived.", sig(p("field", str), p("window", num)), SameEdge},
		{"cumulativeSum", "cumulativeSum", "Running total of the field, one output per input.", field, SameEdge},
		{"holtWinters", "holtWinters", "Holt-Winters forecast of h points spaced by interval, season m.", holt, BatchEdge},
		{"holtWintersWithFit", "holtWinters", "Holt-Winters forecast plus the fitted values of the input.", holt, BatchEdge},
	}

	out := make([]*Node, 0, len(fns))
	for _, f := range fns {
		out = append(out, &Node{
			Name:      f.name,
			Desc:      f.desc,
			Doc:       f.doc,
			Sig:       f.sig,
			Wants:     AnyEdge,
			Provides:  f.provides,
			Chainable: true,
			Props: with(
				set("as", str, "Name of the result field (default: the Desc, e.g. 'mean')."),
				flag("usePointTimes", "Selectors: give the result the selected point's time instead of the batch time."),
				raw("field", str, "replaces the input field."),
				raw("method", str, "replaces the recorded function name."),
			),
		})
	}
	return out
}
