package bench

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// The data sets are deterministic and have the shape the benchmarks
// describe.
func TestDataset(t *testing.T) {
	d := Dataset{Points: 1000, Hosts: 100, Low: 65, Start: 1_700_000_000_000_000_000, Interval: 10, Seed: 7}
	var a, b bytes.Buffer
	if err := d.Write(&a); err != nil {
		t.Fatal(err)
	}
	d.Write(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("not deterministic")
	}
	lines := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")
	if len(lines) != d.Points {
		t.Fatalf("%d lines", len(lines))
	}
	if want := "cpu,host=host000,cpu=cpu-total usage_idle="; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.HasPrefix(lines[101], "cpu,host=host001,cpu=cpu-total ") || !strings.HasSuffix(lines[101], " 1700000010000000000") {
		t.Errorf("line 102 %q", lines[101])
	}
	crit := 0
	for _, l := range lines {
		var host int
		var idle float64
		var ts int64
		if _, err := fmt.Sscanf(l, "cpu,host=host%d,cpu=cpu-total usage_idle=%f %d", &host, &idle, &ts); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if idle < 65 || idle >= 100 {
			t.Fatalf("%q: usage_idle out of range", l)
		}
		if idle < 70 {
			crit++
		}
	}
	if crit < 100 || crit > 190 { // 14% of 1000
		t.Errorf("%d critical points", crit)
	}
	bodies, err := d.Lines(300)
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 4 || bytes.Count(bodies[3], []byte("\n")) != 100 || !bytes.Equal(bytes.Join(bodies, nil), a.Bytes()) {
		t.Errorf("bodies of %d", len(bodies))
	}
}

// The benchmarks' data sets do not change unless the generator does.
func TestDatasetStable(t *testing.T) {
	d := AllOK
	d.Points = 10_000
	var buf bytes.Buffer
	d.Write(&buf)
	const want = "4dc70ecf7cdae6425d4d24246f88901311dd55c0c7a9abf6fe7873a3cf0a79ea"
	if sum := fmt.Sprintf("%x", sha256.Sum256(buf.Bytes())); sum != want {
		t.Errorf("sha256 %s, want %s", sum, want)
	}
}
