package server

import (
	"reflect"
	"testing"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Converter.Point sets the fields of the point it reuses one by one, so it
// must know them all.
func TestConverterSetsEveryField(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[pipeline.Point]().Fields() {
		names = append(names, f.Name)
	}
	want := []string{"DB", "RP", "Name", "Time", "Tags", "Fields", "Group"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("pipeline.Point has fields %v; Converter.Point sets %v", names, want)
	}
}
