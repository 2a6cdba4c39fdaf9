// Package batch runs the queries of a batch task, as Kapacitor's query
// nodes do: it builds each query's InfluxQL for a time range, schedules it
// (every, align, period, offset, cron), runs it against InfluxDB and turns
// the result series into batches. It also reads Kapacitor's batch
// recordings (.brpl) for replay.
package batch

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/influxdata/influxql"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Query is one query node's InfluxQL statement, ready to be given a time
// range. It is not safe for concurrent use.
type Query struct {
	spec    pipeline.Query
	stmt    *influxql.SelectStatement
	start   *influxql.TimeLiteral
	stop    *influxql.TimeLiteral
	groupBy *influxql.DurationLiteral // the time() dimension's length, nil if none
	offset  *influxql.DurationLiteral // the time() dimension's offset
}

// NewQuery parses the query node's statement and adds what Kapacitor adds
// to it: the condition `time >= start AND time < stop` (ANDed after an
// existing WHERE), the GROUP BY dimensions and the fill option.
func NewQuery(spec pipeline.Query) (*Query, error) {
	parsed, err := influxql.ParseQuery(spec.Text)
	if err != nil {
		return nil, fmt.Errorf("failed to parse InfluxQL query: %w", err)
	}
	if n := len(parsed.Statements); n != 1 {
		return nil, fmt.Errorf("query must be a single select statement, got %d statements", n)
	}
	stmt, ok := parsed.Statements[0].(*influxql.SelectStatement)
	if !ok {
		return nil, fmt.Errorf("query is not a select statement %q", spec.Text)
	}
	q := &Query{spec: spec, stmt: stmt, start: &influxql.TimeLiteral{}, stop: &influxql.TimeLiteral{}}
	timeRange := &influxql.BinaryExpr{
		Op:  influxql.AND,
		LHS: &influxql.BinaryExpr{Op: influxql.GTE, LHS: &influxql.VarRef{Val: "time"}, RHS: q.start},
		RHS: &influxql.BinaryExpr{Op: influxql.LT, LHS: &influxql.VarRef{Val: "time"}, RHS: q.stop},
	}
	if stmt.Condition == nil {
		stmt.Condition = timeRange
	} else {
		stmt.Condition = &influxql.BinaryExpr{Op: influxql.AND, LHS: stmt.Condition, RHS: timeRange}
	}

	// .groupBy() replaces the statement's own GROUP BY, as in Kapacitor.
	stmt.Dimensions = stmt.Dimensions[:0]
	q.offset = &influxql.DurationLiteral{}
	for _, d := range spec.GroupBy {
		if d == "" {
			if spec.GroupByTime == nil || q.groupBy != nil {
				return nil, errors.New("groupBy: a time dimension is missing or given twice")
			}
			q.groupBy = &influxql.DurationLiteral{Val: spec.GroupByTime.Length}
			q.offset.Val = spec.GroupByTime.Offset
			stmt.Dimensions = append(stmt.Dimensions, &influxql.Dimension{
				Expr: &influxql.Call{Name: "time", Args: []influxql.Expr{q.groupBy, q.offset}},
			})
			continue
		}
		if d == "*" {
			stmt.Dimensions = append(stmt.Dimensions, &influxql.Dimension{Expr: &influxql.Wildcard{}})
			continue
		}
		stmt.Dimensions = append(stmt.Dimensions, &influxql.Dimension{Expr: &influxql.VarRef{Val: d}})
	}

	switch spec.Fill {
	case "":
	case "null":
		stmt.Fill, stmt.FillValue = influxql.NullFill, nil
	case "none":
		stmt.Fill, stmt.FillValue = influxql.NoFill, nil
	case "previous":
		stmt.Fill, stmt.FillValue = influxql.PreviousFill, nil
	case "linear":
		stmt.Fill, stmt.FillValue = influxql.LinearFill, nil
	default:
		if i, err := strconv.ParseInt(spec.Fill, 10, 64); err == nil {
			stmt.Fill, stmt.FillValue = influxql.NumberFill, i
		} else if f, err := strconv.ParseFloat(spec.Fill, 64); err == nil {
			stmt.Fill, stmt.FillValue = influxql.NumberFill, f
		} else {
			return nil, fmt.Errorf("unexpected fill option %s", spec.Fill)
		}
	}
	if spec.Every != 0 && spec.Cron != "" {
		return nil, errors.New("must not set both 'every' and 'cron' properties")
	}
	if spec.Every < 0 {
		return nil, errors.New("'every' duration must be non-negative")
	}
	if spec.Every == 0 && spec.Cron == "" {
		return nil, errors.New("must define one of 'every' or 'cron'")
	}
	return q, nil
}

// SetRange sets the query's time range to [start, stop). With
// .alignGroup(), the time() offset aligns the buckets with start.
func (q *Query) SetRange(start, stop time.Time) {
	q.start.Val, q.stop.Val = start, stop
	if q.spec.AlignGroup && q.groupBy != nil && q.groupBy.Val > 0 {
		q.offset.Val = start.Sub(time.Unix(0, 0)) % q.groupBy.Val
	}
}

// ForTick sets the range of the query run at tick time now: it ends at
// now - offset and covers period.
func (q *Query) ForTick(now time.Time) (start, stop time.Time) {
	stop = now.Add(-q.spec.Offset)
	start = stop.Add(-q.spec.Period)
	q.SetRange(start, stop)
	return start, stop
}

// GroupedByTime reports whether the query has a time() dimension.
func (q *Query) GroupedByTime() bool { return q.groupBy != nil }

// String is the InfluxQL text, as Kapacitor sends it.
func (q *Query) String() string { return q.stmt.String() }

// DB is the database of the query's first source, for the HTTP query API.
func (q *Query) DB() string {
	for _, s := range q.stmt.Sources {
		if m, ok := s.(*influxql.Measurement); ok && m.Database != "" {
			return m.Database
		}
	}
	return ""
}
