package httpout

import (
	"io"
	"sync"

	"github.com/tickc/tickc/runtime/pipeline"
)

// Cache is the state of one httpOut node: the latest point or batch of
// each group, as Kapacitor's HTTPOutNode keeps it, ready to be served as
// models.Result JSON.
//
// Rows are encoded when they arrive, so a GET only copies bytes. SetPoint,
// SetBatch and DeleteGroup must be called from one goroutine (the task's);
// AppendJSON, WriteJSON and Len may be called from any goroutine at any
// time. The zero value is an empty cache.
type Cache struct {
	mu      sync.RWMutex
	series  []*entry // in order of group creation at this node
	byIndex []int32  // Group.Index -> position in series + 1; 0 if none
	nilPos  int      // position + 1 of the entry of points without a group
	made    bool     // a group was ever added: no longer {"series":null}

	enc     Encoder // used by the writer goroutine only
	scratch []byte  // the buffer the next row is encoded into
}

// entry is one group's series: its encoded row, or the error encoding it
// gave.
type entry struct {
	group *pipeline.Group
	row   []byte
	err   error
}

// SetPoint makes p the series of its group; a group seen for the first time
// is added after the others. The cache does not keep p.
func (c *Cache) SetPoint(p *pipeline.Point) {
	row, err := c.enc.AppendPointRow(c.scratch[:0], p)
	c.set(p.Group, row, err)
}

// SetBatch makes b the series of its group; a group seen for the first time
// is added after the others. The cache does not keep b.
func (c *Cache) SetBatch(b *pipeline.Batch) {
	row, err := c.enc.AppendBatchRow(c.scratch[:0], b)
	c.set(b.Group, row, err)
}

func (c *Cache) set(g *pipeline.Group, row []byte, err error) {
	c.mu.Lock()
	e := c.entry(g)
	// Swap buffers: the old row becomes the scratch of the next one.
	e.row, c.scratch = row, e.row
	e.err = err
	c.mu.Unlock()
}

// entry returns the entry of g, adding it if needed. c.mu must be held.
func (c *Cache) entry(g *pipeline.Group) *entry {
	if pos := c.pos(g); pos >= 0 {
		return c.series[pos]
	}
	e := &entry{group: g}
	c.series = append(c.series, e)
	c.made = true
	c.setPos(g, len(c.series)-1)
	return e
}

// pos returns the position of g's entry in c.series, or -1.
func (c *Cache) pos(g *pipeline.Group) int {
	if g == nil {
		return c.nilPos - 1
	}
	if g.Index < len(c.byIndex) {
		return int(c.byIndex[g.Index]) - 1
	}
	return -1
}

func (c *Cache) setPos(g *pipeline.Group, pos int) {
	if g == nil {
		c.nilPos = pos + 1
		return
	}
	if g.Index >= len(c.byIndex) {
		c.byIndex = append(c.byIndex, make([]int32, g.Index+1-len(c.byIndex))...)
	}
	c.byIndex[g.Index] = int32(pos + 1)
}

// DeleteGroup removes the series of g, if any; the groups after it move up,
// as in Kapacitor. A cache whose groups are all deleted serves
// {"series":[]}, not {"series":null}.
func (c *Cache) DeleteGroup(g *pipeline.Group) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pos := c.pos(g)
	if pos < 0 {
		return
	}
	c.setPos(g, -1)
	c.series = append(c.series[:pos], c.series[pos+1:]...)
	for i := pos; i < len(c.series); i++ {
		c.setPos(c.series[i].group, i)
	}
}

// Len is the number of groups with a series: the node's working
// cardinality.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.series)
}

// AppendJSON appends the models.Result JSON of the cache, byte for byte as
// Kapacitor's GET of the endpoint answers it: {"series":[row,...]} with the
// groups in order of creation, or {"series":null} before the first point.
// If a series could not be encoded (a NaN or infinite field value), it
// returns dst unchanged and encoding/json's error, with which Kapacitor
// answers 500.
func (c *Cache) AppendJSON(dst []byte) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := len(dst)
	if !c.made {
		return append(dst, `{"series":null}`...), nil
	}
	dst = append(dst, `{"series":[`...)
	for i, e := range c.series {
		if e.err != nil {
			return dst[:n], e.err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e.row...)
	}
	return append(dst, "]}"...), nil
}

// WriteJSON writes the JSON of AppendJSON to w; on an encoding error it
// writes nothing and returns the error.
func (c *Cache) WriteJSON(w io.Writer) error {
	b, err := c.AppendJSON(nil)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
