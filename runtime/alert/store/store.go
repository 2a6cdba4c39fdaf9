// Package store persists a task's alert state across restarts: for each
// alert node's topic, the event state of each alert ID (level, time,
// duration, message, details), so that a restarted task restores its
// groups' levels and sends the right recoveries (Kapacitor issue #744).
//
// The store is one bbolt file (go.etcd.io/bbolt, etcd's maintained fork of
// BoltDB) with a bucket per topic and a key per alert ID. bbolt was chosen
// over an append-only log because its copy-on-write B+tree with double
// meta pages gives atomic, crash-safe transactions with no recovery or
// compaction code of our own, a file lock against two processes using one
// data directory, and it is pure Go (task builds are CGO_ENABLED=0).
//
// Writes are group commits: the task never waits for the disk. Sources
// (alert topics) only mark the IDs whose state changed; a background loop
// drains the changes of every source every CommitInterval and writes them
// in one transaction (one fsync), however many events there were, and
// Close does a last commit. A crash (kill -9, power loss) therefore loses
// at most the state changes of the last CommitInterval plus the commit in
// progress; a graceful stop loses nothing. What is lost is only the newest
// states: the store always holds a consistent earlier snapshot.
package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tickc/tickc/runtime/pipeline"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DefaultCommitInterval is how often changes are committed by default.
const DefaultCommitInterval = time.Second

// Options configure a Store.
type Options struct {
	// CommitInterval is the group commit period; 0 means
	// DefaultCommitInterval and a negative value commits only on Flush and
	// Close.
	CommitInterval time.Duration
	// Log receives commit errors; nil discards them.
	Log *slog.Logger
}

// Store is an open state file. It implements pipeline.StateStore and is
// safe for concurrent use.
type Store struct {
	db  *bolt.DB
	log *slog.Logger

	mu      sync.Mutex // serialises commits and guards sources
	sources []source
	commits int
	err     error // the first commit error

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type source struct {
	bucket string
	src    pipeline.StateSource
}

// Open opens or creates the state file path (its directory is created).
// It fails after a second if another process holds the file.
func Open(path string, opts Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("state file %s is in use by another process", path)
		}
		return nil, fmt.Errorf("opening state file %s: %w", path, err)
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{db: db, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	interval := opts.CommitInterval
	if interval == 0 {
		interval = DefaultCommitInterval
	}
	if interval > 0 {
		go s.loop(interval)
	} else {
		close(s.done)
	}
	return s, nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.db.Path() }

func (s *Store) loop(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.Flush(); err != nil {
				s.log.Error("committing alert state", "file", s.db.Path(), "error", err)
			}
		}
	}
}

// Load returns the entries stored in bucket (none if it does not exist).
func (s *Store) Load(bucket string) (map[string][]byte, error) {
	out := make(map[string][]byte)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// Track registers src: its changes are written to bucket at each commit.
func (s *Store) Track(bucket string, src pipeline.StateSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources = append(s.sources, source{bucket, src})
}

type entry struct {
	bucket, key string
	value       []byte // nil: delete
}

// Flush commits the sources' pending changes now, in one transaction.
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var entries []entry
	for _, src := range s.sources {
		src.src.DrainChanges(func(key string, value []byte) {
			entries = append(entries, entry{src.bucket, key, value})
		})
	}
	if len(entries) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, e := range entries {
			b, err := tx.CreateBucketIfNotExists([]byte(e.bucket))
			if err != nil {
				return err
			}
			if e.value == nil {
				err = b.Delete([]byte(e.key))
			} else {
				err = b.Put([]byte(e.key), e.value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The changes are lost from the sources' dirty sets; the next
		// change of each ID writes it again.
		if s.err == nil {
			s.err = err
		}
		return err
	}
	s.commits++
	return nil
}

// Commits returns the number of transactions committed so far.
func (s *Store) Commits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commits
}

// Close stops the commit loop, commits what is pending and closes the
// file. It returns the first commit error, if any.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		ferr := s.Flush()
		cerr := s.db.Close()
		s.mu.Lock()
		err = errors.Join(s.err, ferr, cerr)
		s.mu.Unlock()
	})
	return err
}

// abandon closes the file without committing what is pending, as a crash
// would leave it (tests).
func (s *Store) abandon() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		err = s.db.Close()
	})
	return err
}

var _ pipeline.StateStore = (*Store)(nil)
