package syncer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// guessMargin is how far behind this machine's clock (less the lag, and
// truncated to the second as the store's clock is) a guessed upper bound is
// set: GET /v2/time gives the store's clock in whole seconds, so a guess a
// second behind is confirmed when the two clocks agree and the read's round
// trip takes less than a second.
const guessMargin = time.Second

// guessBehindMax is how far behind the store's clock less the lag a guess
// may be and still be kept: a guess further behind (this machine's clock is
// behind the store's) would hold the run's newest records back for nothing.
const guessBehindMax = 3 * time.Second

// storeClock is a run's read of the store's clock (GET /v2/time). It goes
// out with the window's first requests rather than a round trip before
// them: until it answers, the window's upper bound is a guess from this
// machine's clock, held back by guessMargin. The guess is only confirmed,
// before anything is written, if the store's clock shows it was already
// lag behind the store when those requests reached it, and not much more
// (guessBehindMax); else the run starts over from the store's clock, as it
// would have without a guess.
//
// The requests sent after the read was sent reached the store no earlier
// than the store's clock at that moment, which is at least the time it
// answered less the read's round trip. So a bound at most that, less the
// lag, is as far in the store's past as one taken after the read answered.
type storeClock struct {
	lag   time.Duration
	since time.Time // the run's Since, which must not be after the store's clock
	// guess is the guessed bound, zero once given up. Only the run's own
	// goroutine reads and sets it (hi, confirm).
	guess time.Time

	done chan struct{}
	now  time.Time     // the store's clock
	rtt  time.Duration // the read's round trip
	err  error
}

// errGuessRejected ends a run whose guessed upper bound the store's clock
// did not confirm: it starts over from the store's clock.
var errGuessRejected = errors.New("syncer: the window's guessed upper bound was not behind the store's clock")

// readStoreClock sends the read of the store's clock. With guess false the
// window waits for it (hi does not guess).
func (j *Job) readStoreClock(ctx context.Context, guess bool) *storeClock {
	lag := j.Lag
	if lag == 0 {
		lag = 2 * time.Second
	}
	c := &storeClock{lag: lag, since: j.Since, done: make(chan struct{})}
	sent := time.Now()
	if guess {
		c.guess = sent.Add(-lag - guessMargin).Truncate(time.Second).UTC()
	}
	go func() {
		defer close(c.done)
		c.now, c.err = j.StoreTime(ctx)
		c.rtt = time.Since(sent)
	}()
	return c
}

// hi is the window's upper bound: the guess while it stands, else the
// store's clock less the lag (waiting for it).
func (c *storeClock) hi(ctx context.Context) (time.Time, error) {
	if !c.guess.IsZero() {
		return c.guess, nil
	}
	if err := c.wait(ctx); err != nil {
		return time.Time{}, err
	}
	return c.now.Add(-c.lag).Truncate(time.Second).UTC(), nil
}

// wait waits for the store's clock and checks the run's Since against it.
func (c *storeClock) wait(ctx context.Context) error {
	select {
	case <-c.done:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	if c.err != nil {
		return fmt.Errorf("syncer: reading the store's clock: %w", c.err)
	}
	if !c.since.IsZero() && c.since.After(c.now) {
		return fmt.Errorf("syncer: %w: %s is after the store's clock (%s)", ErrSinceInFuture,
			c.since.UTC().Format(time.RFC3339), c.now.UTC().Format(time.RFC3339))
	}
	return nil
}

// confirm waits for the store's clock before a run writes anything with
// hi as its upper bound. It returns errGuessRejected when hi is a guess the
// store's clock does not confirm; hi then stops guessing, so the run's next
// attempt confirms.
func (c *storeClock) confirm(ctx context.Context, hi time.Time) error {
	if err := c.wait(ctx); err != nil {
		return err
	}
	if !hi.Equal(c.guess) {
		return nil // not a guess: the store's clock less the lag
	}
	storeHi := c.now.Add(-c.lag).Truncate(time.Second)
	if hi.After(c.now.Add(-c.rtt-c.lag)) || storeHi.Sub(hi) > guessBehindMax {
		c.guess = time.Time{}
		return errGuessRejected
	}
	return nil
}
