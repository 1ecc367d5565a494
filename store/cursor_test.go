package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// A cursor that decodes but that no list handed out — the right number of
// values, of the wrong kinds — is ErrBadCursor on every list, as after or
// as before, never a database error: a client cannot tell one from its own
// mistake, and the gateway would answer it as its own failure.
func TestForgedCursorsAreBadCursors(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	lists := map[string]func(store.Page) error{
		"registrations": func(p store.Page) error { _, err := st.Registrations(ctx, store.RegistrationFilter{}, p); return err },
		"registrations of NFTs": func(p store.Page) error {
			_, err := st.RegistrationsOfNFTs(ctx, []string{"abi0"}, nil, p)
			return err
		},
		"badge claims":      func(p store.Page) error { _, err := st.BadgeClaims(ctx, store.ClaimFilter{}, p); return err },
		"nullifier uses":    func(p store.Page) error { _, err := st.NullifierUses(ctx, store.NullifierFilter{}, p); return err },
		"reuse attempts":    func(p store.Page) error { _, err := st.ReuseAttempts(ctx, store.ReuseFilter{}, p); return err },
		"holdings":          func(p store.Page) error { _, err := st.Holdings(ctx, store.HoldingFilter{}, p); return err },
		"players":           func(p store.Page) error { _, err := st.Players(ctx, store.PlayerFilter{}, p); return err },
		"failed calls":      func(p store.Page) error { _, err := st.FailedCalls(ctx, store.FailedCallFilter{}, p); return err },
		"threshold updates": func(p store.Page) error { _, err := st.ThresholdUpdates(ctx, store.ThresholdFilter{}, p); return err },
	}
	for name, list := range lists {
		for n := 1; n <= 6; n++ {
			for _, v := range []string{"abc", "99999999999999999999999999", "1\x00", "2026-13-45", ""} {
				c := forgeCursor(n, v)
				// As after and as before, paging either way, beyond the
				// cursor asked for too.
				for _, p := range []store.Page{
					{First: 5, After: c}, {First: 5, Before: c}, {Backward: true, Last: 5, Before: c, WithBeyond: true},
					{Backward: true, Last: 5, After: c}, {First: 5, After: c, WithBeyond: true},
				} {
					err := list(p)
					var ce *store.CursorError
					if err != nil && (!errors.Is(err, store.ErrBadCursor) || !errors.As(err, &ce)) {
						t.Errorf("%s, %+v, a cursor of %d × %q: %v, want ErrBadCursor or a page", name, p, n, v, err)
					}
				}
			}
		}
	}
}
