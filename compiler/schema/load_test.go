package schema_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tickc/tickc/compiler/schema"
	"github.com/tickc/tickc/compiler/types"
)

func TestLoadFile(t *testing.T) {
	tests := []struct {
		file string
		want *schema.Schema
	}{
		{
			// The example from the package documentation.
			file: "testdata/example.json",
			want: &schema.Schema{Measurements: map[string]*schema.Measurement{
				"cpu": {
					Fields: map[string]types.Type{"usage_idle": types.Float, "usage_user": types.Float},
					Tags:   []string{"host", "cpu"},
				},
				"mem": {
					Fields: map[string]types.Type{"used": types.Int, "used_percent": types.Float},
					Tags:   []string{"host"},
				},
				"syslog": {
					Fields: map[string]types.Type{"message": types.String, "severity_code": types.Int, "ok": types.Bool},
				},
			}},
		},
		{
			file: "testdata/names.json",
			want: &schema.Schema{Measurements: map[string]*schema.Measurement{
				"disk io": {Fields: map[string]types.Type{"read bytes": types.Int, "healthy": types.Bool}},
				"empty":   {Fields: map[string]types.Type{}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := schema.LoadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LoadFile(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string // one line per error
	}{
		{"testdata/empty.json", []string{
			"testdata/empty.json:1:1: invalid JSON: unexpected end of JSON input",
		}},
		{"testdata/syntax.json", []string{
			"testdata/syntax.json:3:38: invalid JSON: invalid character '}' looking for beginning of object key string",
		}},
		{"testdata/toplevel.json", []string{
			"testdata/toplevel.json: $: want an object mapping measurement names to measurements, got an array",
		}},
		{"testdata/types.json", []string{
			"testdata/types.json: $.cpu.fields: empty field name",
			`testdata/types.json: $.cpu.fields["usage idle"]: unknown field type "double"; want float, int, string or bool`,
			`testdata/types.json: $.cpu.fields.usage_system: unknown field type "Float"; want float, int, string or bool`,
			"testdata/types.json: $.cpu.fields.usage_user: want a field type name (a string), got a number",
		}},
		{"testdata/shape.json", []string{
			"testdata/shape.json: $: empty measurement name",
			`testdata/shape.json: $.cpu: want an object with "fields" and "tags", got an array`,
			"testdata/shape.json: $.disk.fields: want an object mapping field names to types, got null",
			`testdata/shape.json: $.disk.tags[1]: duplicate tag key "path"`,
			"testdata/shape.json: $.disk.tags[2]: empty tag key",
			"testdata/shape.json: $.disk.tags[3]: want a tag key (a string), got a number",
			`testdata/shape.json: $.mem.field: unknown key "field"; a measurement has only "fields" and "tags"`,
			"testdata/shape.json: $.mem.tags: want an array of tag keys, got a string",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := schema.LoadFile(tt.file)
			if err == nil {
				t.Fatalf("LoadFile(%s) = %v, want an error", tt.file, s)
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("LoadFile(%s) error mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := schema.LoadFile("testdata/no-such-file.json")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadFile of a missing file: got error %v, want one matching fs.ErrNotExist", err)
	}
}
