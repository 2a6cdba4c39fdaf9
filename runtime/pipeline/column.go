package pipeline

import "fmt"

// Column is one field of a batch as typed slices, for the InfluxQL
// functions. Kind is the kind of the first point that has the field, as
// Kapacitor decides; points without the field are skipped. Index[i] is the
// batch index of the point Floats[i] (or Ints[i] ...) came from. A Column is
// reused from batch to batch, so loading allocates only while it grows.
type Column struct {
	Kind    Kind
	Floats  []float64
	Ints    []int64
	Strings []string
	Bools   []bool
	Times   []int64
	Index   []int
}

// Load fills c with field from b's points. A point whose field has another
// kind than the first is an error, and the batch is dropped.
func (c *Column) Load(b *Batch, field string) error {
	c.Kind = Missing
	c.Floats, c.Ints, c.Strings, c.Bools = c.Floats[:0], c.Ints[:0], c.Strings[:0], c.Bools[:0]
	c.Times, c.Index = c.Times[:0], c.Index[:0]
	for i := range b.Points {
		v, ok := b.Points[i].Field(field)
		if !ok {
			continue
		}
		if c.Kind == Missing {
			c.Kind = v.Kind
		} else if v.Kind != c.Kind {
			return fmt.Errorf("field %q changed type within a batch: %s, then %s", field, c.Kind, v.Kind)
		}
		switch v.Kind {
		case Float:
			c.Floats = append(c.Floats, v.F)
		case Int:
			c.Ints = append(c.Ints, v.I)
		case String:
			c.Strings = append(c.Strings, v.S)
		case Bool:
			c.Bools = append(c.Bools, v.B)
		}
		c.Times = append(c.Times, b.Points[i].Time)
		c.Index = append(c.Index, i)
	}
	return nil
}

// Len is the number of points that had the field.
func (c *Column) Len() int { return len(c.Index) }

// Clone returns a copy of b that does not share its tags or points (a
// window's batches live in its scratch space).
func (b *Batch) Clone() Batch {
	c := *b
	c.Tags = append([]Tag(nil), b.Tags...)
	c.Points = make([]Point, len(b.Points))
	for i := range b.Points {
		c.Points[i] = b.Points[i].Clone()
	}
	return c
}
