// Package schema describes the measurements a task reads: each measurement's
// fields with their types and its tag keys. With a schema the checker can
// reject references to fields that do not exist and type lambdas exactly.
//
// A schema comes from a JSON file (LoadFile) or from a live InfluxDB 1.x
// database (FromInfluxDB).
//
// # File format
//
// A schema file is a JSON object mapping each measurement name to an object
// with two optional keys: "fields", mapping each field key to its type, and
// "tags", listing the tag keys. Field types are "float", "int" (or
// "integer"), "string" and "bool" (or "boolean"). For example:
//
//	{
//	  "cpu": {
//	    "fields": {"usage_idle": "float", "usage_user": "float"},
//	    "tags": ["host", "cpu"]
//	  },
//	  "mem": {
//	    "fields": {"used": "int", "used_percent": "float"},
//	    "tags": ["host"]
//	  },
//	  "syslog": {
//	    "fields": {"message": "string", "severity_code": "integer", "ok": "bool"}
//	  }
//	}
//
// A measurement listed without fields has none, so every field reference
// to it is rejected. Any other key, or a value of the wrong kind, is an
// error reported with its JSON path (e.g. $.cpu.fields.usage_idle).
package schema

import (
	"sort"

	"github.com/tickc/tickc/compiler/types"
)

// Schema maps a measurement name to what it holds.
type Schema struct {
	Measurements map[string]*Measurement `json:"measurements"`
}

// Measurement lists the fields (with types) and tag keys of one measurement.
type Measurement struct {
	Fields map[string]types.Type `json:"fields"`
	Tags   []string              `json:"tags"`
}

// HasTag reports whether key is a tag key of m.
func (m *Measurement) HasTag(key string) bool {
	for _, t := range m.Tags {
		if t == key {
			return true
		}
	}
	return false
}

// Names returns the sorted measurement names.
func (s *Schema) Names() []string {
	out := make([]string, 0, len(s.Measurements))
	for n := range s.Measurements {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
