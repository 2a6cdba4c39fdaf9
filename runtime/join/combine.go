package join

import (
	"errors"
	"fmt"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
)

// CombineConfig is a combine node's properties.
type CombineConfig struct {
	// Names are .as(): the prefix of each expression's point.
	Names     []string
	Delimiter string // .delimiter(), "." by default
	Tolerance time.Duration
	// Max is .max(): the most combinations of one time that are made
	// (Kapacitor's default is 1e6).
	Max int64
}

// DefaultMaxCombinations is combine's .max() when it is not set.
const DefaultMaxCombinations = 1e6

// CombineGroup is combine's buffer for one group. The generated per-group
// state holds it next to the state of the combine expressions.
type CombineGroup struct {
	// first is 1 + the shape number of the group's first point, whose
	// name the combined points take; 0 before the group has started.
	first int32
	n     int32 // the points buffered
	time  int64
	group *pipeline.Group
	// words are the buffered points, encoded (see encode); their string
	// values, if any, are in the node's strs.
	words []uint64
}

// Combine is the runtime of one combine node (Kapacitor's combine.go). G is the generated per-group state, which the expressions
// get. A group's points of one time (rounded to the tolerance) are
// buffered; when a point of another time arrives, each expression is
// evaluated on each buffered point, in arrival order, and for every set of
// len(Names) distinct points (taken in index order: {0,1}, {0,2}, {1,2}
// ...) whose points can be given one expression each, the first unused
// point matching each expression in turn, one point is emitted: the fields
// and the tags that are not group dimensions of the point of expression i
// prefixed with Names[i], the dimension tags as they are. A group's last
// time stays buffered.
type Combine[G any] struct {
	cfg     CombineConfig
	match   func(p *pipeline.Point, g *G, slot int) (bool, error)
	emit    func(*pipeline.Point)
	onError func(error)
	prefix  []prefixer
	shapes  cshapes
	// strs are the string values of the buffered points of the groups
	// whose points have any.
	strs   map[*CombineGroup][]string
	points []pipeline.Point // the decoded points of the group combined

	matches []bool // matches[slot*len(points)+i]: point i matches slot
	idx     []int  // the current combination
	rest    []int  // its points not given to a slot yet
	set     []int  // the point of each slot
	out     pipeline.Point
}

// NewCombine returns a combine node. match evaluates expression slot on a
// point of group state g; emit receives the combined points; onError gets
// the expressions' errors (the point then does not match) and refused
// combinations.
func NewCombine[G any](cfg CombineConfig, match func(p *pipeline.Point, g *G, slot int) (bool, error), emit func(*pipeline.Point), onError func(error)) (*Combine[G], error) {
	k := len(cfg.Names)
	if k == 0 {
		return nil, errors.New("a call to combine.as() is required to specify the output stream prefixes")
	}
	return &Combine[G]{
		cfg: cfg, match: match, emit: emit, onError: onError,
		prefix: newPrefixers(cfg.Names, cfg.Delimiter),
		idx:    make([]int, k), rest: make([]int, 0, k), set: make([]int, k),
	}, nil
}

// Push adds p to its group's buffer b (g holds b), first combining the
// buffered points when p is of another time.
func (c *Combine[G]) Push(b *CombineGroup, g *G, p *pipeline.Point) {
	t := pipeline.Round(p.Time, c.cfg.Tolerance)
	id := c.shapes.of(p, p.Group)
	if b.first == 0 {
		// Kapacitor starts a group at its first point's time, unrounded
		// (it fails when that differs from the rounded time; this starts
		// the group at the rounded time then).
		b.first, b.time, b.group = id+1, p.Time, p.Group
	}
	if t != b.time {
		c.combine(b, g)
		c.reset(b)
		b.time = t
	}
	if c.shapes.list[id].Strs > 0 {
		if c.strs == nil {
			c.strs = map[*CombineGroup][]string{}
		}
		b.words, c.strs[b] = encode(b.words, c.strs[b], id, p)
	} else {
		b.words, _ = encode(b.words, nil, id, p)
	}
	b.n++
}

// reset empties b's buffer.
func (c *Combine[G]) reset(b *CombineGroup) {
	b.words = b.words[:0]
	b.n = 0
	delete(c.strs, b)
}

// decode decodes b's buffered points into c.points.
func (c *Combine[G]) decode(b *CombineGroup) {
	n := int(b.n)
	if cap(c.points) < n {
		c.points = append(c.points[:cap(c.points)], make([]pipeline.Point, n-cap(c.points))...)
	}
	c.points = c.points[:n]
	strs := c.strs[b]
	w, s := 0, 0
	for i := range c.points {
		nw, ns := c.shapes.decode(&c.points[i], b.words[w:], strs[s:], b.group, b.time)
		w += nw
		s += ns
	}
}

// FlushBatch combines the points of a batch pushed into b and empties b:
// on a batch edge, as in Kapacitor, a batch's last time is combined at the
// end of the batch rather than kept for the next one.
func (c *Combine[G]) FlushBatch(b *CombineGroup, g *G) {
	c.combine(b, g)
	c.reset(b)
	b.first = 0
}

// combine emits the combinations of the buffered points.
func (c *Combine[G]) combine(b *CombineGroup, g *G) {
	n, k := int(b.n), len(c.cfg.Names)
	if n == 0 || k == 0 {
		return
	}
	c.decode(b)
	if cap(c.matches) < n*k {
		c.matches = make([]bool, n*k)
	}
	c.matches = c.matches[:n*k]
	for i := range c.points {
		for s := 0; s < k; s++ {
			ok, err := c.match(&c.points[i], g, s)
			if err != nil {
				c.onError(err)
				ok = false
			}
			c.matches[s*n+i] = ok
		}
	}
	if count := combinations(int64(n), int64(k)); count > c.cfg.Max {
		c.onError(fmt.Errorf("refusing to perform combination as total combinations %d exceeds max combinations %d", count, c.cfg.Max))
		return
	} else if count == -1 {
		return
	}
	for i := range c.idx {
		c.idx[i] = i
	}
	for {
		c.try(b)
		i := k - 1
		for i >= 0 && c.idx[i] == i+n-k {
			i--
		}
		if i < 0 {
			return
		}
		c.idx[i]++
		for j := i + 1; j < k; j++ {
			c.idx[j] = c.idx[j-1] + 1
		}
	}
}

// combinations is n choose k, or -1 when n < k, computed as Kapacitor does.
func combinations(n, k int64) int64 {
	if n < k {
		return -1
	}
	count := int64(1)
	for i := int64(0); i < k; i++ {
		count = (count * (n - i)) / (i + 1)
	}
	return count
}

// try gives each slot the first point of the current combination not
// given yet that matches it, and emits the merged point if every slot
// gets one.
func (c *Combine[G]) try(b *CombineGroup) {
	n := len(c.points)
	c.rest = append(c.rest[:0], c.idx...)
	for s := range c.set {
		found := false
		for i, pi := range c.rest {
			if c.matches[s*n+pi] {
				c.set[s] = pi
				c.rest = append(c.rest[:i], c.rest[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			return
		}
	}
	out := &c.out
	out.Fields = out.Fields[:0]
	out.Tags = out.Tags[:0]
	for s, pi := range c.set {
		p := &c.points[pi]
		for _, f := range p.Fields {
			out.Fields = append(out.Fields, pipeline.Field{Key: c.prefix[s].name(f.Key), Value: f.Value})
		}
		for _, t := range p.Tags {
			key := t.Key
			if !isDimension(b.group, key) {
				key = c.prefix[s].name(key)
			}
			out.Tags = append(out.Tags, pipeline.Tag{Key: key, Value: t.Value})
		}
	}
	out.Fields = sortFields(out.Fields)
	out.Tags = sortTags(out.Tags)
	out.Name = c.shapes.list[b.first-1].name
	out.DB, out.RP = "", ""
	out.Time = pipeline.Round(c.points[c.set[0]].Time, c.cfg.Tolerance)
	out.Group = b.group
	c.emit(out)
}
