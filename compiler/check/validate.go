package check

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

// validateAll applies each node's rules (Kapacitor's validate() methods and
// the checks it only makes when a task starts).
func (c *checker) validateAll() {
	for _, n := range c.task.Nodes {
		if c.broken[n.ID] {
			continue
		}
		c.checkPredicates(n)
		if rule := nodeRules[n.Kind]; rule != nil {
			rule(c, n)
		}
		if aggregates[n.Kind] {
			c.validateInfluxQL(n)
		}
	}
}

var nodeRules map[string]func(*checker, *ir.Node)

func init() {
	nodeRules = map[string]func(*checker, *ir.Node){
		"window":            (*checker).validateWindow,
		"eval":              (*checker).validateEval,
		"groupBy":           (*checker).validateGroupBy,
		"from":              (*checker).validateGroupBy,
		"join":              (*checker).validateJoin,
		"combine":           (*checker).validateCombine,
		"barrier":           (*checker).validateBarrier,
		"alert":             (*checker).validateAlert,
		"httpPost":          (*checker).validateHTTPPost,
		"kapacitorLoopback": (*checker).validateLoopback,
		"stats":             (*checker).validateStats,
		"query":             (*checker).validateQuery,
		"k8sAutoscale":      (*checker).validateAutoscale,
		"swarmAutoscale":    (*checker).validateAutoscale,
		"ec2Autoscale":      (*checker).validateAutoscale,
		"sample":            (*checker).validateSample,
		"shift":             (*checker).validateShift,
		"movingAverage":     (*checker).validateMovingAverage,
		"elapsed":           (*checker).validateElapsed,
		"default":           (*checker).validateDefault,
	}
}

// predicateProps are the lambdas that decide something and so must be bool.
var predicateProps = map[string]bool{
	"where": true, "info": true, "warn": true, "crit": true,
	"infoReset": true, "warnReset": true, "critReset": true,
}

func (c *checker) checkPredicates(n *ir.Node) {
	check := func(v ir.Value, what string) {
		if v.Lambda == nil || v.Lambda.Type == types.Invalid || v.Lambda.Type == types.Unknown || v.Lambda.Type == types.Bool {
			return
		}
		c.errorf(v.Pos, []string{"compare the value, e.g. lambda: \"usage_idle\" < 70.0"}, "%s must return a bool, but this lambda returns %s", what, v.Lambda.Type)
	}
	for _, p := range n.Props {
		if predicateProps[p.Name] {
			for _, a := range p.Args {
				check(a, "."+p.Name+"()")
			}
		}
	}
	switch n.Kind {
	case "where", "stateCount", "stateDuration", "combine":
		for _, a := range n.Args {
			check(a, n.Kind+"()")
		}
	}
}

func (c *checker) firstArg(n *ir.Node, prop string) (ir.Value, bool) {
	p := n.Lookup(prop)
	if p == nil || len(p.Args) == 0 {
		return ir.Value{}, p != nil
	}
	return p.Args[0], true
}

// validateDefault applies Kapacitor's rule that field defaults are field
// values: float, int, string or bool.
func (c *checker) validateDefault(n *ir.Node) {
	for _, p := range n.All("field") {
		if len(p.Args) == 2 && !p.Args[1].Type.IsFieldType() {
			c.errorf(p.Args[1].Pos, nil, "default().field(%q) must be a float, int, string or bool, found %s", p.Args[0].Str, p.Args[1].Type)
		}
	}
}

func (c *checker) validateWindow(n *ir.Node) {
	period, hasPeriod := c.firstArg(n, "period")
	every, hasEvery := c.firstArg(n, "every")
	_, hasPC := c.firstArg(n, "periodCount")
	ec, hasEC := c.firstArg(n, "everyCount")
	switch {
	case hasPeriod && hasPC:
		c.errorf(n.Pos, nil, "window() cannot have both .period() and .periodCount()")
	case n.Lookup("align") != nil && (hasPC || hasEC):
		c.errorf(n.Lookup("align").Pos, nil, "window() cannot .align() count-based windows")
	case hasPC && (!hasEC || ec.Int <= 0):
		c.errorf(n.Pos, []string{"add .everyCount(n) with n > 0"}, "window().periodCount() needs .everyCount() greater than 0")
	case !hasPeriod && !hasPC:
		// Kapacitor accepts this and fails on the first point.
		c.errorf(n.Pos, []string{"add .period(1m).every(1m), or .periodCount(n).everyCount(n)"}, "window() needs a .period() or a .periodCount()")
	case hasPeriod && period.Dur < 0, hasEvery && every.Dur < 0:
		c.errorf(n.Pos, nil, "window() period and every must not be negative")
	case hasPeriod && !hasEvery:
		// Valid: every defaults to 0, which emits a window on every point.
		c.warnf(n.Pos, []string{"add .every(d) to emit once per d; write .every(0s) to keep this behaviour"}, "window() has a .period() but no .every(): it emits a window for every point")
	}
}

func (c *checker) validateEval(n *ir.Node) {
	as := n.Lookup("as")
	got := 0
	if as != nil {
		got = len(as.Args)
	}
	// eval() without lambdas needs no .as(): Kapacitor only asks for one
	// name per lambda (such an eval only filters fields with .keep()).
	if got != len(n.Args) {
		c.errorf(n.Pos, []string{"name each result: .as('name1', ...) with one name per lambda"}, "eval() has %d lambda%s but %d name%s in .as()", len(n.Args), plural(len(n.Args)), got, plural(got))
		return
	}
	names := map[string]types.Type{}
	for i := range got {
		a := as.Args[i]
		names[a.Str] = types.Unknown
		if e := n.Args[i].Lambda; e != nil {
			names[a.Str] = e.Type
		}
	}
	asTag := map[string]bool{}
	if tags := n.Lookup("tags"); tags != nil { // a later .tags() replaces an earlier one
		for _, a := range tags.Args {
			asTag[a.Str] = true
			switch t, ok := names[a.Str]; {
			case !ok:
				c.errorf(a.Pos, nil, "eval().tags(%q) names no result of .as()", a.Str)
			case t != types.String && t != types.Unknown:
				// Kapacitor drops every point, each with an error.
				c.errorf(a.Pos, []string{"convert the result with string(...)"}, "eval().tags(%q): the result is a %s, but a tag must be a string", a.Str, t)
			}
		}
	}
	// A duration result that becomes a field: Kapacitor stores the
	// time.Duration itself, which tickc's field values (bool, int, float,
	// string) cannot hold yet.
	kept := map[string]bool{}
	keep := n.Lookup("keep")
	if keep != nil {
		for _, a := range keep.Args {
			kept[a.Str] = true
		}
	}
	for i := range got {
		name := as.Args[i].Str
		if names[name] != types.Duration || asTag[name] || keep != nil && len(keep.Args) > 0 && !kept[name] {
			continue
		}
		c.errorf(n.Args[i].Pos, []string{"store it as a string: lambda: string(...), or keep it out of the point with .keep() listing the other fields"},
			"eval() result %q is a duration: a field holding a duration is not supported by this version of tickc", name)
	}
}

// validateGroupBy applies Kapacitor's validateDimensions to groupBy() and
// to from().groupBy().
func (c *checker) validateGroupBy(n *ir.Node) {
	dims := n.Args
	if n.Kind == "from" {
		p := n.Lookup("groupBy")
		if p == nil {
			return
		}
		dims = p.Args
	}
	star := false
	for _, d := range dims {
		switch {
		case d.Type == types.Star:
			star = true
		case d.Str == "":
			c.errorf(d.Pos, nil, "a group-by dimension cannot be empty")
		}
	}
	if star && len(dims) > 1 {
		c.errorf(n.Pos, []string{"group by * alone, and use .exclude() to leave tags out"}, "cannot group by * and named dimensions together")
	}
	if ex := n.Lookup("exclude"); ex != nil && !star {
		c.errorf(ex.Pos, []string{"write groupBy(*).exclude(...)"}, ".exclude() needs groupBy(*)")
	}
}

// validateNames checks the .as() names of join and combine.
func (c *checker) validateNames(n *ir.Node, want int, what string) {
	as := n.Lookup("as")
	if as == nil {
		c.errorf(n.Pos, []string{fmt.Sprintf("add .as() with %d names, one per %s", want, what)}, "%s() needs .as()", n.Kind)
		return
	}
	if len(as.Args) != want {
		c.errorf(as.Pos, nil, "%s() has %d %ss but %d names in .as()", n.Kind, want, what, len(as.Args))
		return
	}
	delim := "."
	if d, ok := c.firstArg(n, "delimiter"); ok {
		delim = d.Str
		if delim == "" && n.Kind == "combine" {
			// Kapacitor's check strings.Contains(name, "") rejects every name.
			c.errorf(d.Pos, nil, "combine().delimiter() cannot be empty")
			return
		}
	}
	seen := map[string]bool{}
	for _, a := range as.Args {
		switch {
		case a.Str == "":
			c.errorf(a.Pos, nil, "%s().as() names cannot be empty", n.Kind)
		case seen[a.Str]:
			c.errorf(a.Pos, nil, "%s().as() name %q is used twice", n.Kind, a.Str)
		case delim != "" && strings.Contains(a.Str, delim):
			c.errorf(a.Pos, []string{"choose another .delimiter() or another name"}, "%s().as() name %q contains the delimiter %q", n.Kind, a.Str, delim)
		}
		seen[a.Str] = true
	}
}

func (c *checker) validateJoin(n *ir.Node) { c.validateNames(n, len(n.Parents), "joined node") }

func (c *checker) validateCombine(n *ir.Node) { c.validateNames(n, len(n.Args), "lambda") }

func (c *checker) validateBarrier(n *ir.Node) {
	idle, hasIdle := c.firstArg(n, "idle")
	period, hasPeriod := c.firstArg(n, "period")
	switch {
	case hasIdle == hasPeriod:
		c.errorf(n.Pos, nil, "barrier() needs exactly one of .idle() and .period()")
	case hasIdle && idle.Dur <= 0, hasPeriod && period.Dur <= 0:
		c.errorf(n.Pos, nil, "barrier() idle or period must be greater than 0")
	}
}

func (c *checker) validateHTTPPost(n *ir.Node) {
	eps := n.All("endpoint")
	switch {
	case len(n.Args) > 1:
		c.errorf(n.Pos, nil, "httpPost() takes at most one URL")
	case len(eps) > 1:
		c.errorf(eps[1].Pos, nil, "httpPost() takes at most one .endpoint()")
	case len(n.Args) == 0 && len(eps) == 0:
		c.errorf(n.Pos, []string{"pass a URL, httpPost('http://...'), or name a configured endpoint with .endpoint()"}, "httpPost() needs a URL or an .endpoint()")
	case len(n.Args) == 1 && len(eps) == 1:
		c.errorf(eps[0].Pos, nil, "httpPost() takes a URL or an .endpoint(), not both")
	}
	for _, h := range n.All("header") {
		if len(h.Args) > 0 && strings.EqualFold(h.Args[0].Str, "Authenticate") {
			c.errorf(h.Pos, nil, "the Authenticate header cannot be set on httpPost()")
		}
	}
	if len(n.Args) == 1 {
		c.parseTemplate(n.Args[0], "URL", false)
	}
}

func (c *checker) validateLoopback(n *ir.Node) {
	for _, prop := range []string{"database", "retentionPolicy"} {
		if v, ok := c.firstArg(n, prop); !ok || v.Str == "" {
			c.errorf(n.Pos, nil, "kapacitorLoopback() needs .%s()", prop)
		}
	}
}

func (c *checker) validateStats(n *ir.Node) {
	if len(n.Args) == 1 && n.Args[0].Dur <= 0 {
		c.errorf(n.Args[0].Pos, nil, "stats() interval must be greater than 0")
	}
}

func (c *checker) validateSample(n *ir.Node) {
	if len(n.Args) == 1 && ((n.Args[0].Type == types.Int && n.Args[0].Int <= 0) || (n.Args[0].Type == types.Duration && n.Args[0].Dur <= 0)) {
		c.errorf(n.Args[0].Pos, nil, "sample() needs a count or duration greater than 0")
	}
}

// validateShift rejects shift(0s), which Kapacitor refuses when the task starts.
func (c *checker) validateShift(n *ir.Node) {
	if len(n.Args) == 1 && n.Args[0].Dur == 0 {
		c.errorf(n.Args[0].Pos, nil, "shift() needs a non-zero duration")
	}
}

// validateMovingAverage rejects a window below 1, on which Kapacitor
// crashes at the first point.
func (c *checker) validateMovingAverage(n *ir.Node) {
	if len(n.Args) == 2 && n.Args[1].Int < 1 {
		c.errorf(n.Args[1].Pos, nil, "movingAverage() needs a window of at least 1 point")
	}
}

// validateElapsed rejects a zero unit, on which Kapacitor divides by zero.
func (c *checker) validateElapsed(n *ir.Node) {
	if len(n.Args) == 2 && n.Args[1].Dur <= 0 {
		c.errorf(n.Args[1].Pos, nil, "elapsed() needs a unit greater than 0")
	}
}

func (c *checker) validateQuery(n *ir.Node) {
	_, every := c.firstArg(n, "every")
	cron, hasCron := c.firstArg(n, "cron")
	if every && hasCron {
		c.errorf(n.Lookup("cron").Pos, nil, "query() cannot have both .every() and .cron()")
	}
	if hasCron && len(strings.Fields(cron.Str)) < 5 {
		c.errorf(cron.Pos, []string{"a cron expression has 5 to 7 fields, e.g. '0 */5 * * * *'"}, "invalid cron expression %q", cron.Str)
	}
	if f, ok := c.firstArg(n, "fill"); ok && f.Type == types.String {
		switch f.Str {
		case "null", "none", "previous", "linear":
		default:
			c.errorf(f.Pos, []string{"fill takes a number or one of 'null', 'none', 'previous', 'linear'"}, "unknown fill option %q", f.Str)
		}
	}
	timeDims := 0
	for _, p := range n.All("groupBy") {
		for _, a := range p.Args {
			if a.Type == types.TimeDim {
				timeDims++
			}
		}
	}
	if timeDims > 1 {
		c.errorf(n.Pos, nil, "query().groupBy() takes at most one time() dimension")
	}
}

func (c *checker) validateAutoscale(n *ir.Node) {
	name, tag := "resourceName", "resourceNameTag"
	switch n.Kind {
	case "swarmAutoscale":
		name, tag = "serviceName", "serviceNameTag"
	case "ec2Autoscale":
		name, tag = "groupName", "groupNameTag"
	}
	_, hasName := c.firstArg(n, name)
	_, hasTag := c.firstArg(n, tag)
	if hasName == hasTag {
		c.errorf(n.Pos, nil, "%s() needs exactly one of .%s() and .%s()", n.Kind, name, tag)
	}
	if m, ok := c.firstArg(n, "min"); ok && m.Int < 1 {
		c.errorf(m.Pos, nil, "%s().min() must be at least 1", n.Kind)
	}
	if _, ok := c.firstArg(n, "replicas"); !ok {
		c.errorf(n.Pos, []string{"add .replicas(lambda: ...) computing the wanted replica count"}, "%s() needs .replicas()", n.Kind)
	}
	if k, ok := c.firstArg(n, "kind"); ok && n.Kind == "k8sAutoscale" {
		switch k.Str {
		case "deployments", "replicasets", "replicationcontrollers":
		default:
			c.errorf(k.Pos, nil, "k8sAutoscale().kind() must be deployments, replicasets or replicationcontrollers")
		}
	}
}

func (c *checker) validateInfluxQL(n *ir.Node) {
	if n.Kind == "percentile" && len(n.Args) == 2 && (n.Args[1].Float < 0 || n.Args[1].Float > 100) {
		c.errorf(n.Args[1].Pos, nil, "percentile must be between 0.0 and 100.0")
	}
	if (n.Kind == "top" || n.Kind == "bottom") && len(n.Args) > 0 && n.Args[0].Int <= 0 {
		c.errorf(n.Args[0].Pos, nil, "%s() needs a count greater than 0", n.Kind)
	}
	if n.Lookup("usePointTimes") != nil && !selectors[n.Kind] {
		c.warnf(n.Lookup("usePointTimes").Pos, []string{"it applies to selectors only (first, last, min, max, percentile, top, bottom); aggregates always use the batch time"}, ".usePointTimes() has no effect on %s()", n.Kind)
	}
}

// validateAlert parses the alert's templates as Kapacitor does when the
// task starts, and checks the flapping thresholds and handler rules.
func (c *checker) validateAlert(n *ir.Node) {
	for _, prop := range []string{"id", "message"} {
		if v, ok := c.firstArg(n, prop); ok {
			c.parseTemplate(v, prop, false)
		}
	}
	if v, ok := c.firstArg(n, "details"); ok {
		c.parseTemplate(v, "details", true)
	}
	if f := n.Lookup("flapping"); f != nil && len(f.Args) == 2 {
		low, high := f.Args[0].Float, f.Args[1].Float
		switch {
		case low > 1 || high > 1: // Kapacitor refuses to start the task
			c.errorf(f.Pos, []string{"flapping thresholds are fractions: .flapping(0.25, 0.5)"}, "flapping thresholds must be between 0.0 and 1.0")
		case low < 0 || high < 0:
			c.warnf(f.Pos, []string{"flapping thresholds are fractions: .flapping(0.25, 0.5)"}, "a negative flapping threshold is never crossed")
		case low > high:
			c.warnf(f.Pos, []string{"write the low threshold first: .flapping(low, high)"}, "the low flapping threshold %g is above the high one %g", low, high)
		}
	}
	if h, ok := c.firstArg(n, "history"); ok && h.Int < 2 {
		c.warnf(h.Pos, nil, "alert().history(%d) is raised to 2, the minimum", h.Int)
	}
	for _, h := range n.Handlers {
		c.validateHandler(h)
	}
}

func (c *checker) validateHandler(h ir.Handler) {
	switch h.Kind {
	case "post":
		for _, p := range h.Props {
			if p.Name == "header" && len(p.Args) > 0 && strings.EqualFold(p.Args[0].Str, "Authenticate") {
				c.errorf(p.Pos, nil, "the Authenticate header cannot be set on .post()")
			}
		}
	case "snmpTrap":
		if len(h.Args) == 0 || h.Args[0].Str == "" {
			c.errorf(h.Pos, nil, ".snmpTrap() needs a trap OID")
		}
		for _, p := range h.Props {
			if p.Name == "data" && len(p.Args) == 3 && !validSNMPType(p.Args[1].Str) {
				c.errorf(p.Args[1].Pos, []string{"SNMP data types are c (counter), i (integer), n (null), s (string), t (timeticks)"}, "unknown SNMP data type %q", p.Args[1].Str)
			}
		}
	case "mqtt":
		for _, p := range h.Props {
			if p.Name == "qos" && len(p.Args) == 1 && (p.Args[0].Int < 0 || p.Args[0].Int > 2) {
				c.errorf(p.Pos, nil, "MQTT qos must be 0, 1 or 2")
			}
		}
	case "kafka":
		for _, p := range h.Props {
			if p.Name == "partitionHashAlgorithm" && len(p.Args) == 1 {
				switch p.Args[0].Str {
				case "crc32", "murmur2", "fnv-1a":
				default:
					c.errorf(p.Args[0].Pos, nil, "unknown partition hash algorithm %q; want crc32, murmur2 or fnv-1a", p.Args[0].Str)
				}
			}
		}
	}
}

func validSNMPType(t string) bool { return len(t) == 1 && strings.Contains("cinst", t) }

// templateFuncs are the functions Kapacitor adds to the details template.
var templateFuncs = htmltemplate.FuncMap{
	"json":        func(v any) (htmltemplate.JS, error) { b, err := json.Marshal(v); return htmltemplate.JS(b), err },
	"jsonCompact": func(v any) (htmltemplate.JS, error) { b, err := json.Marshal(v); return htmltemplate.JS(b), err },
}

// parseTemplate reports a template that Kapacitor would fail to parse.
func (c *checker) parseTemplate(v ir.Value, what string, html bool) {
	var err error
	if html {
		_, err = htmltemplate.New(what).Funcs(templateFuncs).Parse(v.Str)
	} else {
		_, err = texttemplate.New(what).Parse(v.Str)
	}
	if err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		c.errorf(v.Pos, templateHint(v.Str, err), "invalid %s template: %s", what, msg)
	}
}

func templateHint(s string, err error) []string {
	switch {
	case strings.Count(s, "{{") != strings.Count(s, "}}"):
		return []string{"every {{ needs a matching }}"}
	case strings.Contains(err.Error(), "function"):
		return []string{"templates have Go's text/template functions (index, printf, eq, ...); details also has json"}
	}
	return []string{`template fields start with a dot: {{ .ID }}, {{ index .Tags "host" }}`}
}
