// Package httppost is the runtime of the httpPost node: it POSTs each point
// or batch as a models.Result JSON body ({"series":[row]}) to a URL, which
// may be a template over the row, and reports the HTTP status code.
package httppost

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/template"
	"time"

	"github.com/tickc/tickc/runtime/httpout"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Node posts rows synchronously, as Kapacitor's httpPost node does, so the
// posts of one group arrive in order.
type Node struct {
	url     string
	tmpl    *template.Template // nil when the URL has no template action
	headers map[string]string
	timeout time.Duration
	client  *http.Client
	enc     httpout.Encoder
	body    []byte
	urlBuf  strings.Builder
	// Set by NewEndpoint from an [[httppost]] section (endpoint.go).
	user, password string
	rowTmpl        *template.Template
	rowBuf         bytes.Buffer
	OnError        func(error) // called for failed posts; Kapacitor logs them
}

// New returns a node posting to url (a text/template over the row's Name,
// Tags and Values), with extra headers and a timeout (0: none).
func New(url string, headers map[string]string, timeout time.Duration) (*Node, error) {
	n := &Node{url: url, headers: headers, timeout: timeout, client: http.DefaultClient}
	if strings.Contains(url, "{{") {
		t, err := template.New("url").Parse(url)
		if err != nil {
			return nil, fmt.Errorf("error in url templating: %w", err)
		}
		n.tmpl = t
	}
	return n, nil
}

// mappedRow is what a URL template sees, as in Kapacitor.
type mappedRow struct {
	Name   string
	Tags   map[string]string
	Values []map[string]interface{}
}

// PostPoint posts p as one row and returns the status code, 0 when the
// request failed.
func (n *Node) PostPoint(p *pipeline.Point) int {
	var err error
	n.body, err = n.enc.AppendPointResult(n.body[:0], p)
	if err != nil {
		return n.fail(err)
	}
	row := func() mappedRow {
		return mappedRow{Name: p.Name, Tags: p.TagMap(), Values: []map[string]interface{}{pointValues(p)}}
	}
	return n.post(row)
}

// PostBatch posts b as one row and returns the status code.
func (n *Node) PostBatch(b *pipeline.Batch) int {
	var err error
	n.body, err = n.enc.AppendBatchResult(n.body[:0], b)
	if err != nil {
		return n.fail(err)
	}
	row := func() mappedRow {
		tags := make(map[string]string, len(b.Tags))
		for _, t := range b.Tags {
			tags[t.Key] = t.Value
		}
		values := make([]map[string]interface{}, len(b.Points))
		for i := range b.Points {
			values[i] = pointValues(&b.Points[i])
		}
		return mappedRow{Name: b.Name, Tags: tags, Values: values}
	}
	return n.post(row)
}

func pointValues(p *pipeline.Point) map[string]interface{} {
	m := p.FieldMap()
	m["time"] = time.Unix(0, p.Time).UTC()
	return m
}

func (n *Node) post(row func() mappedRow) int {
	url := n.url
	body := append(n.body, '\n')
	if n.rowTmpl != nil {
		n.rowBuf.Reset()
		if err := n.rowTmpl.Execute(&n.rowBuf, row()); err != nil {
			return n.fail(fmt.Errorf("failed to execute row template: %w", err))
		}
		body = n.rowBuf.Bytes()
	}
	if n.tmpl != nil {
		n.urlBuf.Reset()
		if err := n.tmpl.Execute(&n.urlBuf, row()); err != nil {
			return n.fail(fmt.Errorf("failed to execute url template: %w", err))
		}
		url = n.urlBuf.String()
	}
	ctx := context.Background()
	if n.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.timeout)
		defer cancel()
	}
	// Kapacitor encodes with json.Encoder, which ends the body with a newline.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return n.fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range n.headers {
		req.Header.Set(k, v)
	}
	if n.user != "" && n.password != "" {
		req.SetBasicAuth(n.user, n.password)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return n.fail(fmt.Errorf("failed to POST data: %w", err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		n.fail(fmt.Errorf("POST returned non 2xx status code %d", resp.StatusCode))
	}
	return resp.StatusCode
}

func (n *Node) fail(err error) int {
	if n.OnError != nil {
		n.OnError(err)
	}
	return 0
}
