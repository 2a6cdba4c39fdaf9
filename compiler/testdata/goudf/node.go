package goudf

import (
	"errors"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Scale multiplies a float field by By: @scale().field('value').by(2.0).
type Scale struct {
	Field string
	By    float64
	// Unit is an option of another type; Scale does not use it.
	Unit time.Duration
	// notAnOption is unexported.
	notAnOption int64
}

// Point scales the field, or fails when the point has no float field.
func (s *Scale) Point(p *pipeline.Point, emit func(*pipeline.Point)) error {
	v, ok := p.Field(s.Field)
	if !ok || v.Kind != pipeline.Float {
		return errors.New("scale: no float field " + s.Field)
	}
	p.SetField(s.Field, pipeline.FloatValue(v.F*s.By))
	emit(p)
	return nil
}

// First keeps the first N points of each batch: @first().n(2).
type First struct {
	N int64
}

// Batch truncates the batch.
func (f *First) Batch(b *pipeline.Batch, emit func(*pipeline.Batch)) error {
	if int64(len(b.Points)) > f.N {
		b.Points = b.Points[:f.N]
	}
	emit(b)
	return nil
}

// Other has a Point method of another signature: it is not a node.
type Other struct{}

func (Other) Point(p *pipeline.Point) {}
