package server

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Link is a resource link of Kapacitor's API.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// DBRP is a database and retention policy in Kapacitor's API.
type DBRP struct {
	DB string `json:"db"`
	RP string `json:"rp"`
}

// String formats d as Kapacitor does: "db"."rp".
func (d DBRP) String() string { return strconv.Quote(d.DB) + "." + strconv.Quote(d.RP) }

// TaskInfo is Kapacitor's task resource (client/v1 Task), as
// GET /kapacitor/v1/tasks/ID returns it.
type TaskInfo struct {
	Link           Link           `json:"link"`
	ID             string         `json:"id"`
	TemplateID     string         `json:"template-id"`
	Type           string         `json:"type"`
	DBRPs          []DBRP         `json:"dbrps"`
	Script         string         `json:"script"`
	Vars           map[string]Var `json:"vars"`
	Dot            string         `json:"dot"`
	Status         string         `json:"status"`
	Executing      bool           `json:"executing"`
	Error          string         `json:"error"`
	ExecutionStats ExecutionStats `json:"stats"`
	Created        time.Time      `json:"created"`
	Modified       time.Time      `json:"modified"`
	LastEnabled    time.Time      `json:"last-enabled"`
}

// TaskLink is the API path of task id.
func TaskLink(id string) Link {
	return Link{Rel: "self", Href: path.Join(BasePath, "tasks", id)}
}

// Info returns the task resource; labels selects the DOT view.
func (t *Task) Info(labels bool) TaskInfo {
	p := t.Program
	dbrps := make([]DBRP, len(p.DBRPs))
	for i, d := range p.DBRPs {
		dbrps[i] = DBRP{d.DB, d.RP}
	}
	return TaskInfo{
		Link:           TaskLink(p.ID),
		ID:             p.ID,
		TemplateID:     p.TemplateID,
		Type:           p.Type,
		DBRPs:          dbrps,
		Script:         p.Script,
		Vars:           TaskVars(p.Vars),
		Dot:            string(t.Dot(labels)),
		Status:         "enabled",
		Executing:      true,
		ExecutionStats: t.ExecutionStats(),
		Created:        t.Started,
		Modified:       t.Started,
		LastEnabled:    t.Started,
	}
}

// dotView reads the dot-view parameter: false for "attributes" (the
// default), true for "labels".
func dotView(w http.ResponseWriter, r *http.Request) (labels, ok bool) {
	q := r.URL.Query()
	switch v := q.Get("dot-view"); v {
	case "", "attributes":
	case "labels":
		labels = true
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid dot-view parameter %q", v))
		return false, false
	}
	// The script is shown as compiled, whichever format is asked for.
	switch v := q.Get("script-format"); v {
	case "", "formatted", "raw":
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid script-format parameter %q", v))
		return false, false
	}
	return labels, true
}

// serveTask handles GET /kapacitor/v1/tasks/<rest>: the task itself, or one
// of its httpOut endpoints.
func (s *Server) serveTask(w http.ResponseWriter, r *http.Request, rest string) {
	if rest == "" {
		writeError(w, http.StatusBadRequest, "must specify task id on path")
		return
	}
	if id, endpoint, ok := strings.Cut(rest, "/"); ok {
		if t := s.taskByID(id); t != nil && slices.Contains(t.Program.HTTPOuts, endpoint) {
			serveHTTPOut(w, t, endpoint)
			return
		}
	} else if t := s.taskByID(rest); t != nil {
		labels, ok := dotView(w, r)
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, t.Info(labels))
		return
	}
	writeError(w, http.StatusNotFound, "no task exists")
}

// serveHTTPOut answers an httpOut endpoint with the node's current result.
func serveHTTPOut(w http.ResponseWriter, t *Task, endpoint string) {
	var b bytes.Buffer
	if !t.HTTPOut(endpoint, &b) {
		writeError(w, http.StatusNotFound, "no task exists")
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// taskFields are the fields GET /kapacitor/v1/tasks returns by default.
var taskFields = []string{"link", "id", "type", "dbrps", "script", "dot", "status",
	"executing", "error", "stats", "created", "modified", "last-enabled"}

// serveTasks handles GET /kapacitor/v1/tasks: the list of tasks (this one)
// with Kapacitor's pattern, fields, offset and limit parameters.
func (s *Server) serveTasks(w http.ResponseWriter, r *http.Request) {
	labels, ok := dotView(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	fields := q["fields"]
	if len(fields) == 0 {
		fields = taskFields
	} else {
		fields = append(fields, "id", "link")
	}
	offset, limit := 0, 100
	for name, n := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid %s parameter %q must be an integer: %s", name, v, err))
				return
			}
			*n = i
		}
	}

	tasks := []map[string]any{}
	pattern := q.Get("pattern")
	matched := 0 // tasks matching pattern so far, for offset
	for _, t := range s.tasks {
		if pattern != "" {
			if ok, _ := path.Match(pattern, t.Program.ID); !ok {
				continue
			}
		}
		matched++
		if matched <= offset || len(tasks) >= limit {
			continue
		}
		info := t.Info(labels)
		all := map[string]any{
			"link": info.Link, "id": info.ID, "type": info.Type, "dbrps": info.DBRPs,
			"script": info.Script, "dot": info.Dot, "status": info.Status,
			"executing": info.Executing, "error": info.Error, "stats": info.ExecutionStats,
			"created": info.Created, "modified": info.Modified, "last-enabled": info.LastEnabled,
		}
		task := make(map[string]any, len(fields))
		for _, f := range fields {
			v, ok := all[f]
			if !ok {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("unsupported field %q", f))
				return
			}
			task[f] = v
		}
		tasks = append(tasks, task)
	}
	writeJSON(w, http.StatusOK, struct {
		Tasks []map[string]any `json:"tasks"`
	}{tasks})
}
