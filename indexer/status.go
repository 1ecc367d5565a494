package indexer

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/herald-indexer/herald/domain"
)

// rateWindow is how far back blocks/s looks: long enough to smooth over
// batches, short enough to follow a provider slowing down.
const rateWindow = time.Minute

// Status is what one chain's indexer is doing: starting, syncing (with
// blocks/s and an ETA), following, stalled (with the reason) or stopped.
// The process that builds the chain and the chain's follower (through
// Observer) tell it what happens; Snapshot says what that amounts to now.
// It is safe for concurrent use.
type Status struct {
	chain      string
	stallAfter time.Duration
	now        func() time.Time

	mu      sync.Mutex
	created time.Time
	// running is when the chain was built and its follower started; zero
	// while it is starting.
	running time.Time
	// startErr is why the last attempt to build the chain failed.
	startErr error
	// stopped is why the follower stopped for good; nil while it runs.
	stopped error
	pos     Position
	hasPos  bool
	// lastOK is when a step last succeeded: a batch applied, a reorg
	// handled, or the head checked with nothing to do.
	lastOK time.Time
	// lastErr is the latest failed step's error, cleared by a success.
	lastErr   error
	lastErrAt time.Time
	applied   []sample
	// state and since are the latest snapshot's, so that since moves only
	// when the state changes.
	state string
	since time.Time
}

type sample struct {
	at     time.Time
	blocks int
}

// NewStatus returns the status of a chain that is starting now. A chain
// that makes no progress for stallAfter while it has work to do — or is not
// running after stallAfter — is stalled.
func NewStatus(chain string, stallAfter time.Duration, now func() time.Time) *Status {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &Status{chain: chain, stallAfter: stallAfter, now: now, created: t, state: domain.ChainStarting, since: t}
}

// Chain is the chain's name.
func (s *Status) Chain() string { return s.chain }

// StallAfter is how long a chain may go without progress before it is
// stalled.
func (s *Status) StallAfter() time.Duration { return s.stallAfter }

// StartFailed records why an attempt to build the chain failed; it is
// retried.
func (s *Status) StartFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startErr = err
}

// Running records that the chain is built and its follower starts.
func (s *Status) Running() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running, s.startErr = s.now(), nil
}

// Stopped records that the follower stopped for good, and why.
func (s *Status) Stopped(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = err
}

// Observer feeds the follower's steps into the status.
func (s *Status) Observer() Observer {
	return Observer{
		Applied: func(_ string, blocks int, _ int64, _ Head) {
			s.mu.Lock()
			defer s.mu.Unlock()
			now := s.now()
			s.applied = append(s.prune(now), sample{at: now, blocks: blocks})
		},
		Reorged: func(string, int64) { s.succeeded() },
		Failed: func(_ string, err error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.lastErr, s.lastErrAt = err, s.now()
		},
		Stepped: func(_ string, p Position, err error) {
			s.mu.Lock()
			if err != nil {
				// The chain is still caught up only if the head has not
				// moved since it was.
				p.CaughtUp = s.pos.CaughtUp && p.Head.Height == s.pos.Head.Height
			}
			s.pos, s.hasPos = p, true
			s.mu.Unlock()
			if err == nil {
				s.succeeded()
			}
		},
	}
}

func (s *Status) succeeded() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastOK, s.lastErr = s.now(), nil
}

// StatusSnapshot is a chain's state at one moment.
type StatusSnapshot struct {
	Chain string
	// State is one of domain's Chain* states; Reason says why a chain is
	// starting slowly, stalled or stopped.
	State, Reason string
	// Since is when the chain entered State.
	Since time.Time
	// Head is the latest head read (HasHead false before one was);
	// Tip the indexed tip (HasTip false before the first batch).
	Head, Tip       int64
	HasHead, HasTip bool
	// BlocksPerSecond is the rate blocks were applied over the last minute.
	BlocksPerSecond float64
	// ETA is how long catching up takes at that rate; 0 unless syncing at
	// a rate above zero.
	ETA time.Duration
}

// Snapshot returns the chain's state now.
func (s *Status) Snapshot() StatusSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	snap := StatusSnapshot{
		Chain: s.chain, Head: s.pos.Head.Height, HasHead: s.hasPos, Tip: s.pos.Tip, HasTip: s.pos.HasTip,
		BlocksPerSecond: s.rate(now),
	}
	snap.State, snap.Reason = s.judge(now)
	if snap.State == domain.ChainSyncing && snap.BlocksPerSecond > 0 && snap.HasTip {
		lag := float64(max(snap.Head-snap.Tip, 0))
		snap.ETA = time.Duration(lag / snap.BlocksPerSecond * float64(time.Second)).Round(time.Second)
	}
	if snap.State != s.state {
		s.state, s.since = snap.State, now
	}
	snap.Since = s.since
	return snap
}

// judge decides the state and its reason; s.mu is held.
func (s *Status) judge(now time.Time) (string, string) {
	switch {
	case s.stopped != nil:
		return domain.ChainStopped, s.stopped.Error()
	case s.running.IsZero() || s.lastOK.IsZero():
		// Never started: still building the chain, or never read its head.
		what, err := "not started", s.startErr
		if !s.running.IsZero() {
			what, err = "no head read", s.lastErr
		}
		reason := ""
		if waited := now.Sub(s.created); waited > s.stallAfter {
			reason = fmt.Sprintf("%s after %s", what, waited.Round(time.Second))
		}
		if err != nil {
			reason = strings.TrimPrefix(reason+": "+err.Error(), ": ")
		}
		if now.Sub(s.created) > s.stallAfter {
			return domain.ChainStalled, reason
		}
		return domain.ChainStarting, reason
	case now.Sub(s.lastOK) > s.stallAfter:
		why := fmt.Sprintf("no progress since %s", s.lastOK.UTC().Format(time.RFC3339))
		if s.lastErr != nil {
			why += ": " + s.lastErr.Error()
		}
		return domain.ChainStalled, why
	case s.pos.CaughtUp:
		return domain.ChainFollowing, ""
	default:
		return domain.ChainSyncing, ""
	}
}

// rate is the blocks applied per second over the last rateWindow (or since
// the chain started running, if that is shorter); s.mu is held.
func (s *Status) rate(now time.Time) float64 {
	s.applied = s.prune(now)
	blocks := 0
	for _, a := range s.applied {
		blocks += a.blocks
	}
	span := rateWindow
	if !s.running.IsZero() && now.Sub(s.running) < span {
		span = now.Sub(s.running)
	}
	if blocks == 0 || span <= 0 {
		return 0
	}
	return float64(blocks) / span.Seconds()
}

// prune drops the samples older than rateWindow; s.mu is held.
func (s *Status) prune(now time.Time) []sample {
	cut := now.Add(-rateWindow)
	i := 0
	for i < len(s.applied) && !s.applied[i].at.After(cut) {
		i++
	}
	return append(s.applied[:0], s.applied[i:]...)
}
