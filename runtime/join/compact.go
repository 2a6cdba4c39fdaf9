package join

import (
	"encoding/binary"
	"strings"

	"github.com/tickc/tickc/runtime/pipeline"
)

// cshape is what buffered points of one series share: their database,
// retention policy, name, tags and field keys and kinds. A tag that is a
// dimension of the point's group with the group's value is marked dim and
// takes its value from the group, so that the series of a group with other
// tags alike (such as the cpus of a host) share one shape.
type cshape struct {
	db, rp, name string
	tags         []pipeline.Tag
	dim          []bool
	pipeline.Schema
}

// cshapes interns a node's shapes, numbered in the order made. Shapes are
// never forgotten: there are at most as many as series.
type cshapes struct {
	byKey map[string]int32
	list  []*cshape
	key   []byte
}

// of returns the number of p's shape, its dimensions taken from g.
func (ss *cshapes) of(p *pipeline.Point, g *pipeline.Group) int32 {
	k := ss.key[:0]
	k = pipeline.AppendKeyString(k, p.DB)
	k = pipeline.AppendKeyString(k, p.RP)
	k = pipeline.AppendKeyString(k, p.Name)
	k = binary.AppendUvarint(k, uint64(len(p.Tags)))
	for _, t := range p.Tags {
		k = pipeline.AppendKeyString(k, t.Key)
		if v, ok := g.Dim(t.Key); ok && v == t.Value {
			k = append(k, 1)
		} else {
			k = append(k, 0)
			k = pipeline.AppendKeyString(k, t.Value)
		}
	}
	k = pipeline.AppendSchemaKey(k, p.Fields)
	ss.key = k
	if id, ok := ss.byKey[string(k)]; ok {
		return id
	}
	s := &cshape{
		db: strings.Clone(p.DB), rp: strings.Clone(p.RP), name: strings.Clone(p.Name),
		tags: make([]pipeline.Tag, len(p.Tags)), dim: make([]bool, len(p.Tags)),
		Schema: pipeline.SchemaOf(p.Fields),
	}
	for i, t := range p.Tags {
		s.tags[i].Key = strings.Clone(t.Key)
		if v, ok := g.Dim(t.Key); ok && v == t.Value {
			s.dim[i] = true
		} else {
			s.tags[i].Value = strings.Clone(t.Value)
		}
	}
	if ss.byKey == nil {
		ss.byKey = map[string]int32{}
	}
	id := int32(len(ss.list))
	ss.list = append(ss.list, s)
	ss.byKey[string(k)] = id
	return id
}

// encode appends p's shape number and numeric values to words and its
// string values to strs.
func encode(words []uint64, strs []string, id int32, p *pipeline.Point) ([]uint64, []string) {
	words = append(words, uint64(id))
	for k := range p.Fields {
		v := &p.Fields[k].Value
		switch v.Kind {
		case pipeline.Missing: // takes no room
		case pipeline.String:
			strs = append(strs, v.S)
		default:
			words = append(words, v.Word())
		}
	}
	return words, strs
}

// decode makes dst the point encoded at words[0] (and strs[0] on), of group
// g at time t, reusing dst's slices, and returns how many words and strings
// it took.
func (ss *cshapes) decode(dst *pipeline.Point, words []uint64, strs []string, g *pipeline.Group, t int64) (nw, ns int) {
	s := ss.list[words[0]]
	dst.DB, dst.RP, dst.Name, dst.Time, dst.Group = s.db, s.rp, s.name, t, g
	dst.Tags = append(dst.Tags[:0], s.tags...)
	for i := range dst.Tags {
		if s.dim[i] {
			dst.Tags[i].Value, _ = g.Dim(dst.Tags[i].Key)
		}
	}
	dst.Fields = dst.Fields[:0]
	nw = 1
	for k, key := range s.Keys {
		dst.Fields = append(dst.Fields, pipeline.Field{Key: key, Value: pipeline.Value{Kind: s.Kinds[k]}})
		switch v := &dst.Fields[len(dst.Fields)-1].Value; v.Kind {
		case pipeline.Missing:
		case pipeline.String:
			v.S = strs[ns]
			ns++
		default:
			v.SetWord(words[nw])
			nw++
		}
	}
	return nw, ns
}
