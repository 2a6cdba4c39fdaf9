// Package sideload is the runtime of the sideload node: it adds fields and
// tags to points from hierarchical YAML or JSON files, as Kapacitor's
// SideloadNode and services/sideload do.
//
// A source is a directory (file:///abs/dir), an http(s) URL answering a JSON
// (or application/yaml) object of objects keyed by relative path, or the
// name of a configured [[httppost]] endpoint whose url is one of those. Every
// file under a directory is loaded when the task starts, keyed by its path
// relative to the directory ("host/h1.yml"); .yml, .yaml and .json files are
// parsed, others count as empty. The node renders its .order() templates
// over the point's tags and takes each key from the first of those files
// that holds it, else the default. ReloadAll, which the task server calls on
// POST /kapacitor/v1/sideload/reload, reads every open source again.
package sideload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tickc/tickc/runtime/httppost"
	"github.com/tickc/tickc/runtime/pipeline"
)

// Source holds the values of every file of a sideload source, by relative
// path. It is safe for concurrent use.
type Source struct {
	loc      string // the directory, or the URL
	user     string
	password string
	headers  map[string]string

	mu    sync.RWMutex
	cache map[string]map[string]any
}

var (
	registryMu sync.Mutex
	registry   = map[*Source]bool{}
)

// OpenSource opens and loads a source: a file:// or http(s) URL, or else the
// name of an [[httppost]] endpoint of cfg (nil: none) giving the URL and,
// for http(s), the basic-auth and headers.
func OpenSource(src string, cfg pipeline.Config) (*Source, error) {
	s := &Source{}
	raw := src
	if !strings.Contains(src, "://") {
		ep, err := httppost.LookupEndpoint(cfg, src)
		if err != nil {
			return nil, err
		}
		raw = ep.URL
		s.user, s.password, s.headers = ep.Username, ep.Password, ep.Headers
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("sideload source %q: %w", src, err)
	}
	switch u.Scheme {
	case "file":
		if !filepath.IsAbs(u.Path) {
			return nil, fmt.Errorf("sideload source path must be absolute %q", u.Path)
		}
		s.loc = filepath.Clean(u.Path)
	case "http", "https":
		s.loc = raw
	default:
		return nil, fmt.Errorf("unsupported source scheme %q, must be 'file', 'http', or 'https'", u.Scheme)
	}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	registryMu.Lock()
	registry[s] = true
	registryMu.Unlock()
	return s, nil
}

// Close stops ReloadAll from reloading the source.
func (s *Source) Close() {
	registryMu.Lock()
	delete(registry, s)
	registryMu.Unlock()
}

// ReloadAll reloads every open source; on failure a source keeps its
// previous values and the first error is returned.
func ReloadAll() error {
	registryMu.Lock()
	defer registryMu.Unlock()
	var first error
	for s := range registry {
		if err := s.Reload(); err != nil && first == nil {
			first = fmt.Errorf("failed to update source %q: %w", s.loc, err)
		}
	}
	return first
}

// Reload reads the source again, replacing its values when it succeeds.
func (s *Source) Reload() error {
	var cache map[string]map[string]any
	var err error
	if strings.HasPrefix(s.loc, "http://") || strings.HasPrefix(s.loc, "https://") {
		cache, err = s.fetch()
	} else {
		cache, err = readDir(s.loc)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cache = cache
	s.mu.Unlock()
	return nil
}

func readDir(dir string) (map[string]map[string]any, error) {
	cache := map[string]map[string]any{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("failed to read values file %q: %w", path, err)
		}
		values := map[string]any{}
		switch filepath.Ext(path) {
		case ".yml", ".yaml":
			values, err = decodeYAML(data)
		case ".json":
			values, err = decodeJSON(data)
		}
		if err != nil {
			return fmt.Errorf("failed to unmarshal values %q: %w", path, err)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		cache[filepath.ToSlash(rel)] = values
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to update sideload cache for source file %q: %w", dir, err)
	}
	return cache, nil
}

// fetch GETs an http(s) source: an object of objects keyed by path.
func (s *Source) fetch() (map[string]map[string]any, error) {
	req, err := http.NewRequest(http.MethodGet, s.loc, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	if s.user != "" && s.password != "" {
		req.SetBasicAuth(s.user, s.password)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("error fetching sideload data from %s: %w", s.loc, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("error fetching sideload data from %s: %s", s.loc, resp.Status)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var top map[string]any
	if mt == "application/yaml" {
		top, err = decodeYAML(data)
	} else {
		top, err = decodeJSON(data)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to unmarshal values in response body: %w", err)
	}
	cache := make(map[string]map[string]any, len(top))
	for k, v := range top {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("sideload data from %s: %q is not an object", s.loc, k)
		}
		cache[k] = m
	}
	return cache, nil
}

// decodeJSON reads an object; numbers become int64 when they are written
// as integers, else float64.
func decodeJSON(data []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return normalize(m).(map[string]any), nil
}

func decodeYAML(data []byte) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return normalize(m).(map[string]any), nil
}

// normalize maps decoded numbers to int64 and float64.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case int:
		return int64(v)
	case uint64:
		return float64(v)
	}
	return v
}

// Lookup returns the value of key in the first file of order that has it,
// or nil.
func (s *Source) Lookup(order []string, key string) any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, o := range order {
		if v, ok := s.cache[o][key]; ok {
			return v
		}
	}
	return nil
}

// Field is a .field(name, default) or .tag(name, default) property.
type Field struct {
	Name    string
	Default pipeline.Value
}

// Node is a sideload node.
type Node struct {
	src    *Source
	order  []*template.Template
	raw    []string
	paths  []string
	fields []Field
	tags   []Field
	buf    bytes.Buffer
	// OnError receives the errors Kapacitor logs: an order template that
	// fails, a value that does not convert to its default's type.
	OnError func(error)
}

// New opens source and returns a node looking up fields and tags in the
// files of order, templates over the point's tags.
func New(source string, order []string, fields, tags []Field, cfg pipeline.Config) (*Node, error) {
	n := &Node{fields: fields, tags: tags, raw: order, paths: make([]string, len(order))}
	for _, o := range order {
		t, err := template.New("order").Parse(o)
		if err != nil {
			return nil, fmt.Errorf("sideload order %q: %w", o, err)
		}
		n.order = append(n.order, t)
	}
	src, err := OpenSource(source, cfg)
	if err != nil {
		return nil, err
	}
	n.src = src
	return n, nil
}

// Close releases the node's source.
func (n *Node) Close() error {
	n.src.Close()
	return nil
}

// Apply sets the node's fields and tags on p.
func (n *Node) Apply(p *pipeline.Point) {
	tags := p.TagMap()
	for i, t := range n.order {
		n.buf.Reset()
		if err := t.Execute(&n.buf, tags); err != nil {
			n.fail(fmt.Errorf("failed to evaluate order template %q: %w", n.raw[i], err))
			return
		}
		n.paths[i] = n.buf.String()
	}
	for _, f := range n.fields {
		p.SetField(f.Name, n.value(f))
	}
	for _, f := range n.tags {
		v := n.value(f)
		p.SetTag(f.Name, v.S)
	}
}

func (n *Node) value(f Field) pipeline.Value {
	raw := n.src.Lookup(n.paths, f.Name)
	if raw == nil {
		return f.Default
	}
	v, err := Convert(raw, f.Default.Kind)
	if err != nil {
		n.fail(fmt.Errorf("failed to load key %q: %w", f.Name, err))
		return f.Default
	}
	return v
}

func (n *Node) fail(err error) {
	if n.OnError != nil {
		n.OnError(err)
	}
}

// Convert converts a value read from a file to the kind of a default, as
// Kapacitor does: numbers between int and float when exact, strings parsed,
// anything scalar formatted as a string.
func Convert(src any, kind pipeline.Kind) (pipeline.Value, error) {
	switch kind {
	case pipeline.Int:
		switch s := src.(type) {
		case int64:
			return pipeline.IntValue(s), nil
		case float64:
			if i := int64(s); float64(i) == s {
				return pipeline.IntValue(i), nil
			}
		case string:
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return pipeline.Value{}, fmt.Errorf("cannot convert string to int64: %w", err)
			}
			return pipeline.IntValue(i), nil
		}
	case pipeline.Float:
		switch s := src.(type) {
		case int64:
			return pipeline.FloatValue(float64(s)), nil
		case float64:
			return pipeline.FloatValue(s), nil
		case string:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return pipeline.Value{}, fmt.Errorf("cannot convert string to float64: %w", err)
			}
			return pipeline.FloatValue(f), nil
		}
	case pipeline.Bool:
		switch s := src.(type) {
		case bool:
			return pipeline.BoolValue(s), nil
		case string:
			b, err := strconv.ParseBool(s)
			if err != nil {
				return pipeline.Value{}, fmt.Errorf("cannot convert string to bool: %w", err)
			}
			return pipeline.BoolValue(b), nil
		}
	case pipeline.String:
		switch s := src.(type) {
		case int64:
			return pipeline.StringValue(strconv.FormatInt(s, 10)), nil
		case float64:
			return pipeline.StringValue(strconv.FormatFloat(s, 'f', -1, 64)), nil
		case bool:
			return pipeline.StringValue(strconv.FormatBool(s)), nil
		case string:
			return pipeline.StringValue(s), nil
		}
	}
	return pipeline.Value{}, fmt.Errorf("cannot convert value of type %T to %s", src, kind)
}
