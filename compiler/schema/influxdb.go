package schema

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"slices"
	"strings"
	"time"

	"github.com/influxdata/influxdb1-client/models"
	client "github.com/influxdata/influxdb1-client/v2"

	"github.com/tickc/tickc/compiler/types"
)

type influxType struct {
	name string
	typ  types.Type
}

// influxTypes lists InfluxDB's field types in the order InfluxDB prefers
// them when a field has different types in different shards: a query reads
// the field as the first of its types in this list (influxql.DataType order).
var influxTypes = []influxType{
	{"float", types.Float},
	{"integer", types.Int},
	{"string", types.String},
	{"boolean", types.Bool},
	// TICKscript has no unsigned type; Kapacitor handles them as ints.
	{"unsigned", types.Int},
}

// FromInfluxDB reads the schema of database db from the InfluxDB 1.x server
// at url (e.g. "http://localhost:8086") with SHOW FIELD KEYS and SHOW TAG
// KEYS. rp selects a retention policy; "" means the database's default one.
// username and password are sent only if username is not "".
//
// When a field has different types in different shards, the schema gives it
// the type InfluxDB reads it as: the first of float, integer, string,
// boolean, unsigned.
//
// Only measurements with at least one field in the retention policy are
// included. InfluxDB does not filter tag keys by retention policy, so a
// measurement's tags may include keys used only in another one.
func FromInfluxDB(ctx context.Context, url, db, rp, username, password string) (*Schema, error) {
	s, err := fromInfluxDB(ctx, url, db, rp, username, password)
	if err != nil {
		return nil, fmt.Errorf("reading schema of database %q from InfluxDB at %s: %w", db, url, err)
	}
	return s, nil
}

func fromInfluxDB(ctx context.Context, url, db, rp, username, password string) (*Schema, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conf := client.HTTPConfig{Addr: url, Username: username, Password: password}
	// The client has no context support: bound its requests by the
	// deadline so an abandoned request (see query) does not run forever.
	if deadline, ok := ctx.Deadline(); ok {
		conf.Timeout = time.Until(deadline)
	}
	c, err := client.NewHTTPClient(conf)
	if err != nil {
		return nil, err
	}
	defer c.Close()

	from := ""
	if rp != "" {
		from = " FROM " + quoteIdent(db) + "." + quoteIdent(rp) + "./.*/"
	}
	on := " ON " + quoteIdent(db)
	// Separate requests: given several statements, InfluxDB 1.6 reports a
	// failing one only as "not executed". Fields go first because only SHOW
	// FIELD KEYS checks that rp exists.
	fieldRows, err := query(ctx, c, client.NewQuery("SHOW FIELD KEYS"+on+from, db, ""))
	if err != nil {
		return nil, err
	}
	tagRows, err := query(ctx, c, client.NewQuery("SHOW TAG KEYS"+on+from, db, ""))
	if err != nil {
		return nil, err
	}

	s := &Schema{Measurements: map[string]*Measurement{}}
	for _, row := range fieldRows {
		m := &Measurement{Fields: map[string]types.Type{}}
		rank := map[string]int{} // index in influxTypes of each field's type
		for _, v := range row.Values {
			cells, ok := stringCells(v, 2)
			if !ok {
				return nil, fmt.Errorf("SHOW FIELD KEYS, measurement %q: unexpected row %v", row.Name, v)
			}
			key, typeName := cells[0], cells[1]
			i := slices.IndexFunc(influxTypes, func(t influxType) bool { return t.name == typeName })
			if i < 0 {
				return nil, fmt.Errorf("measurement %q, field %q: unsupported InfluxDB field type %q", row.Name, key, typeName)
			}
			if r, seen := rank[key]; !seen || i < r {
				rank[key] = i
				m.Fields[key] = influxTypes[i].typ
			}
		}
		s.Measurements[row.Name] = m
	}
	for _, row := range tagRows {
		m := s.Measurements[row.Name]
		if m == nil {
			continue // no fields in this retention policy
		}
		for _, v := range row.Values {
			cells, ok := stringCells(v, 1)
			if !ok {
				return nil, fmt.Errorf("SHOW TAG KEYS, measurement %q: unexpected row %v", row.Name, v)
			}
			m.Tags = append(m.Tags, cells[0])
		}
	}
	return s, nil
}

// query runs q, a single statement, and returns its rows. It returns as
// soon as ctx is done; the request itself then finishes in the background.
func query(ctx context.Context, c client.Client, q client.Query) ([]models.Row, error) {
	type answer struct {
		resp *client.Response
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := c.Query(q)
		done <- answer{resp, err}
	}()
	var a answer
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case a = <-done:
	}
	var uerr *neturl.Error
	if errors.As(a.err, &uerr) {
		// Drop the request URL, which repeats the server address and the query.
		what := "request failed"
		var oerr *net.OpError
		if errors.As(uerr.Err, &oerr) && oerr.Op == "dial" {
			what = "server unreachable"
		}
		return nil, fmt.Errorf("%s: %w", what, uerr.Err)
	}
	if a.err != nil {
		return nil, a.err
	}
	if err := a.resp.Error(); err != nil {
		return nil, err
	}
	if len(a.resp.Results) != 1 {
		return nil, fmt.Errorf("%s: got %d results, want 1", q.Command, len(a.resp.Results))
	}
	return a.resp.Results[0].Series, nil
}

// stringCells returns the cells of a result row, which must be n strings.
func stringCells(row []any, n int) ([]string, bool) {
	if len(row) != n {
		return nil, false
	}
	out := make([]string, n)
	for i, c := range row {
		s, ok := c.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// quoteIdent quotes name as an InfluxQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(name) + `"`
}
