package taskcli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	"github.com/tickc/tickc/runtime/server"
	"github.com/urfave/cli/v2"
)

func (r *runner) showCommand() *cli.Command {
	return &cli.Command{
		Name:  "show",
		Usage: "print the task's details, graph and statistics, as `kapacitor show` does",
		Description: `Asks the running task (started with "serve") at --url for its state and
prints it as "kapacitor show" does: ID, status, dates, databases, the
TICKscript, and the DOT graph with the number of points along each edge
and each node's statistics.

When nothing listens there, prints the task as compiled: the same
details, with status disabled and the graph without statistics.

The URL is --url, else $KAPACITOR_URL, else the [http] bind-address of the
--config file, else http://localhost:9092.`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:    "url",
				Usage:   "the `URL` of the running task's HTTP API",
				EnvVars: []string{"KAPACITOR_URL"},
			},
			configFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() && c.Args().First() != r.p.ID || c.NArg() > 1 {
				return usageError{fmt.Errorf("this binary runs task %q only; show takes no task ID", r.p.ID)}
			}
			base := c.String("url")
			if base == "" {
				base = "http://localhost:9092"
				if c.IsSet("config") {
					cfg, err := LoadConfig(c.String("config"))
					if err != nil {
						return err
					}
					base = bindURL(cfg.HTTP.BindAddress)
				}
			}
			info, err := fetchTask(base, r.p.ID)
			if errors.Is(err, syscall.ECONNREFUSED) {
				info = staticInfo(r.p)
			} else if err != nil {
				return err
			}
			printShow(r.stdout, info)
			return nil
		},
	}
}

// bindURL is the URL of a server listening on addr; a wildcard host is
// reached as localhost.
func bindURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// fetchTask gets the task from the HTTP API at base.
func fetchTask(base, id string) (*server.TaskInfo, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return nil, usageError{fmt.Errorf("invalid URL %q: it must start with http:// or https://", base)}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + server.BasePath + "/tasks/" + id
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(u.String())
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("%s: %s", u, e.Error)
		}
		return nil, fmt.Errorf("%s: %s", u, res.Status)
	}
	info := new(server.TaskInfo)
	if err := json.Unmarshal(body, info); err != nil {
		return nil, fmt.Errorf("%s: invalid task JSON: %w", u, err)
	}
	return info, nil
}

// staticInfo describes the task as compiled, not running: Kapacitor's view
// of a defined, disabled task. Created and Modified are the time the
// binary was built (its modification time).
func staticInfo(p *pipeline.Program) *server.TaskInfo {
	var built time.Time
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			built = fi.ModTime()
		}
	}
	return &server.TaskInfo{
		ID:         p.ID,
		TemplateID: p.TemplateID,
		Type:       p.Type,
		DBRPs:      dbrps(p),
		Script:     p.Script,
		Vars:       server.TaskVars(p.Vars),
		Dot:        string(server.StaticDot(p)),
		Status:     "disabled",
		Created:    built,
		Modified:   built,
	}
}

func dbrps(p *pipeline.Program) []server.DBRP {
	out := make([]server.DBRP, len(p.DBRPs))
	for i, d := range p.DBRPs {
		out[i] = server.DBRP{DB: d.DB, RP: d.RP}
	}
	return out
}

// printShow prints t in the layout of `kapacitor show`.
func printShow(w io.Writer, t *server.TaskInfo) {
	fmt.Fprintln(w, "ID:", t.ID)
	fmt.Fprintln(w, "Error:", t.Error)
	fmt.Fprintln(w, "Template:", t.TemplateID)
	fmt.Fprintln(w, "Type:", t.Type)
	fmt.Fprintln(w, "Status:", t.Status)
	fmt.Fprintln(w, "Executing:", t.Executing)
	fmt.Fprintln(w, "Created:", t.Created.Format(time.RFC822))
	fmt.Fprintln(w, "Modified:", t.Modified.Format(time.RFC822))
	fmt.Fprintln(w, "LastEnabled:", t.LastEnabled.Format(time.RFC822))
	fmt.Fprintln(w, "Databases Retention Policies:", t.DBRPs)
	fmt.Fprintf(w, "TICKscript:\n%s\n", t.Script)
	if len(t.Vars) > 0 {
		fmt.Fprintln(w, "Vars:")
		const row = "%-30s%-10v%-40v\n"
		fmt.Fprintf(w, row, "Name", "Type", "Value")
		names := make([]string, 0, len(t.Vars))
		for name := range t.Vars {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v := t.Vars[name]
			fmt.Fprintf(w, row, name, v.Type, varText(v))
		}
	}
	fmt.Fprintf(w, "DOT:\n%s\n", t.Dot)
}

// varText is a var's value as "kapacitor show" prints it: Go's formatting
// of the value its client decodes (a duration as time.Duration), a list as
// [a, b, *].
func varText(v server.Var) string {
	// The value as the JSON of the API decodes, whether it came from there
	// or from the program.
	var x any
	if b, err := json.Marshal(v.Value); err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		dec.Decode(&x)
	}
	switch v.Type {
	case "duration":
		if n, ok := x.(json.Number); ok {
			if ns, err := n.Int64(); err == nil {
				return time.Duration(ns).String()
			}
		}
	case "float":
		if n, ok := x.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				return fmt.Sprint(f)
			}
		}
	case "list":
		items, _ := x.([]any)
		texts := make([]string, len(items))
		for i, item := range items {
			m, _ := item.(map[string]any)
			if m["type"] == "star" {
				texts[i] = "*"
			} else {
				texts[i] = fmt.Sprint(m["value"])
			}
		}
		return "[" + strings.Join(texts, ", ") + "]"
	}
	return fmt.Sprint(x)
}
