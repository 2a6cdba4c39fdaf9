// Package server hosts a compiled task: it feeds points to the task's
// pipeline instance and serves the part of Kapacitor's HTTP API that a task
// needs.
//
// A Task wraps a running pipeline.Instance. It serialises delivery (the
// pipeline is single-threaded), filters points by the task's databases and
// retention policies, and keeps the counters behind the task's statistics
// and its DOT graph. A Router hosts several tasks, each on a goroutine of
// its own (multi.go); what one of its tasks loops back (kapacitorLoopback)
// goes to its other tasks that read it (loopback.go). A Server is the HTTP API over a Task or a Router:
//
//	POST /write, POST /kapacitor/v1/write   line protocol (db, rp, precision; gzip bodies)
//	GET|HEAD /kapacitor/v1/ping             204
//	GET /kapacitor/v1/tasks                 {"tasks": [...]}
//	GET /kapacitor/v1/tasks/ID              the task, with its DOT graph and statistics
//	GET /kapacitor/v1/tasks/ID/ENDPOINT     an httpOut node's result
//	GET /kapacitor/v1/debug/vars            Kapacitor's expvars: globals, memstats, node and edge statistics
//	GET /metrics                            the same statistics and Go's, in Prometheus' text format
//
// Responses follow Kapacitor 1.8: JSON indented by four spaces, errors as
// {"error": "..."}, 404 for unknown routes. One difference is deliberate: a
// write with bad lines still delivers its good lines (InfluxDB's partial
// write) and answers 400 with {"error": "...", "line": N} naming the first
// bad line, where Kapacitor drops the whole request.
//
// Ingest does not allocate in steady state: request bodies are read into
// pooled buffers, parsed by a reused lineprotocol.Parser, and converted into
// one reused pipeline.Point whose strings are interned (a Router copies the
// points into reused slabs, one per write, that its tasks share).
package server
