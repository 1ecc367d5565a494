package store_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// page is one page of any list, by its rows' cursors.
type page struct {
	cursors              []string
	hasNext, hasPrevious bool
}

func pageOf[T any](pg store.PageOf[T], err error) (page, error) {
	return page{pg.Cursors, pg.HasNext, pg.HasPrevious}, err
}

// pagedList is a list under test: how to read a page of it, and how to add
// its row number k (k orders the rows: by height, token id or XP).
type pagedList struct {
	name   string
	orders []bool // the Desc values the list has
	read   func(context.Context, store.Page) (page, error)
	add    func(ctx context.Context, k int) error
}

// pagedLists are every keyset list of the store, over rows that tests add
// one by one through add.
func pagedLists(s *store.Store) []pagedList {
	db := s.DB()
	nft := storetest.Hash("backward-nft") + "i0"
	at := func(k int) store.Position {
		return store.Position{Chain: "paged", BlockHeight: int64(k), BlockHash: storetest.Hash("block", k), BlockTime: time.Unix(1_700_000_000+int64(k)*600, 0).UTC()}
	}
	insert := func(ctx context.Context, row any) error {
		_, err := db.NewInsert().Model(row).Exec(ctx)
		return err
	}
	both := []bool{false, true}
	return []pagedList{
		{"registrations", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Registrations(ctx, store.RegistrationFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.Registration{Position: at(k), TxID: storetest.Hash("reg", k), Collection: "demo", InscriptionID: nft,
					Creator: "c", Status: store.StatusValid})
			}},
		{"registrations of NFTs", []bool{true},
			func(ctx context.Context, p store.Page) (page, error) {
				// The NFT twice and one without registrations: each of its
				// copies is the same page.
				pgs, err := s.RegistrationsOfNFTs(ctx, []string{nft, storetest.Hash("none") + "i0", nft}, nil, p)
				if err != nil {
					return page{}, err
				}
				if len(pgs[1].Rows) != 0 || !slices.Equal(pgs[0].Cursors, pgs[2].Cursors) ||
					pgs[0].HasNext != pgs[2].HasNext || pgs[0].HasPrevious != pgs[2].HasPrevious {
					return page{}, fmt.Errorf("an NFT asked for twice has pages %v and %v; one without registrations %v", pgs[0], pgs[2], pgs[1])
				}
				return pageOf(pgs[0], nil)
			},
			nil}, // its rows are the registrations'
		{"badge claims", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.BadgeClaims(ctx, store.ClaimFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.BadgeClaim{Position: at(k), TxHash: "t", Contract: "0xbadge", Standard: store.StandardERC721,
					Player: storetest.Address(1), TokenID: strconv.Itoa(k), XPEarned: "1", Season: "1"})
			}},
		{"nullifier uses", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.NullifierUses(ctx, store.NullifierFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.NullifierUse{Position: at(k), Contract: "0xverifier", Nullifier: "0x" + storetest.Hash("nullifier", k),
					TxHash: "t", Event: store.EventXPProofVerified, Player: storetest.Address(1), ClaimedXP: "10", Verified: true})
			}},
		{"reuse attempts", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.ReuseAttempts(ctx, store.ReuseFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.ReuseAttempt{Position: at(k), TxHash: "t", Contract: "0xverifier", Nullifier: "0x" + storetest.Hash("nullifier", k),
					Player: storetest.Address(1), Kind: store.ReuseRejected})
			}},
		{"threshold updates", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.ThresholdUpdates(ctx, store.ThresholdFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.ThresholdUpdate{Position: at(k), TxHash: "t", Contract: "0xverifier", OldThreshold: "1", NewThreshold: "2"})
			}},
		{"failed calls", both,
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.FailedCalls(ctx, store.FailedCallFilter{Span: store.Span{Chain: "paged"}}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.Transaction{Position: at(k), TxHash: "0x" + storetest.Hash("tx", k), From: storetest.Address(1), To: "0xverifier",
					Called: true, EffectiveGasPrice: "1", FeeWei: "1", Status: store.TxFailed, ErrorName: "ClaimTooLarge"})
			}},
		{"badges", []bool{false},
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Holdings(ctx, store.HoldingFilter{Chain: "paged"}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.Holding{Chain: "paged", Contract: "0xbadge", TokenID: strconv.Itoa(k), Holder: storetest.Address(1), Standard: store.StandardERC721, Balance: "1"})
			}},
		{"badges of a holder", []bool{false},
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Holdings(ctx, store.HoldingFilter{Holder: storetest.Address(2)}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.Holding{Chain: "paged-2", Contract: "0xbadge1155", TokenID: strconv.Itoa(k), Holder: storetest.Address(2), Standard: store.StandardERC1155, Balance: "3"})
			}},
		{"players", []bool{true}, // XP_DESC; XP_ASC below
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Players(ctx, store.PlayerFilter{Chain: "paged"}, p))
			},
			func(ctx context.Context, k int) error {
				return insert(ctx, &store.PlayerXP{Chain: "paged", Player: storetest.Address(1000 + k), XP: strconv.Itoa(k), Uses: 1})
			}},
		{"players, least XP first", []bool{false},
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Players(ctx, store.PlayerFilter{Chain: "paged", Order: store.PlayersByXPAsc}, p))
			},
			nil},
		{"players by address", []bool{false},
			func(ctx context.Context, p store.Page) (page, error) {
				return pageOf(s.Players(ctx, store.PlayerFilter{Chain: "paged", Order: store.PlayersByAddress}, p))
			},
			nil},
	}
}

// walk pages through a list from one end to the other, k rows a page,
// forward or backward, calling between each page (if set) and then
// checking each page's flags. It returns the pages in the order read.
func walk(t *testing.T, l pagedList, desc, backward bool, k int, between func(i int)) []page {
	t.Helper()
	ctx := context.Background()
	var pages []page
	for i := 0; ; i++ {
		p := store.Page{First: k, Desc: desc, WithBeyond: true}
		if backward {
			p = store.Page{Backward: true, Last: k, Desc: desc, WithBeyond: true}
		}
		if i > 0 {
			last := pages[len(pages)-1]
			if backward {
				p.Before = last.cursors[0]
			} else {
				p.After = last.cursors[len(last.cursors)-1]
			}
		}
		pg, err := l.read(ctx, p)
		if err != nil {
			t.Fatalf("%s, desc %v, backward %v, page %d: %v", l.name, desc, backward, i, err)
		}
		if len(pg.cursors) > k {
			t.Fatalf("%s, page %d: %d rows, asked for %d", l.name, i, len(pg.cursors), k)
		}
		// Toward the walk's end: more to come until the last page. Behind
		// it: nothing on the first page, the rows seen on every other.
		ahead, behind := pg.hasNext, pg.hasPrevious
		if backward {
			ahead, behind = behind, ahead
		}
		if behind != (i > 0) {
			t.Errorf("%s, desc %v, backward %v, page %d: rows behind it %v, want %v", l.name, desc, backward, i, behind, i > 0)
		}
		if len(pg.cursors) == 0 {
			if ahead {
				t.Errorf("%s, page %d: empty, with rows ahead", l.name, i)
			}
			return pages
		}
		pages = append(pages, pg)
		if !ahead {
			return pages
		}
		if between != nil {
			between(i)
		}
		if i > 1000 {
			t.Fatalf("%s: the walk does not end", l.name)
		}
	}
}

// rowsOf concatenates pages in the list's order.
func rowsOf(pages []page, backward bool) []string {
	var out []string
	if backward {
		pages = slices.Clone(pages)
		slices.Reverse(pages)
	}
	for _, pg := range pages {
		out = append(out, pg.cursors...)
	}
	return out
}

// TestBackwardPagesMirrorForwardPages: on every list, in every order,
// walking backward from the end with last/before shows the forward walk's
// rows; from each forward page's start cursor, the page before it is the
// forward page before; a cursor of either walk works in the other.
func TestBackwardPagesMirrorForwardPages(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	lists := pagedLists(s)
	const n, k = 17, 4
	for _, l := range lists {
		for i := range n {
			if l.add != nil {
				if err := l.add(ctx, i); err != nil {
					t.Fatalf("%s: row %d: %v", l.name, i, err)
				}
			}
		}
	}
	for _, l := range lists {
		for _, desc := range l.orders {
			name := fmt.Sprintf("%s, desc %v", l.name, desc)
			forward := walk(t, l, desc, false, k, nil)
			backward := walk(t, l, desc, true, k, nil)
			fwd, bwd := rowsOf(forward, false), rowsOf(backward, true)
			if len(fwd) != n || !slices.Equal(fwd, bwd) {
				t.Fatalf("%s: forward walk %d rows, backward %d, or not the same rows", name, len(fwd), len(bwd))
			}
			if len(forward) != (n+k-1)/k || len(backward) != len(forward) {
				t.Fatalf("%s: %d pages forward, %d backward", name, len(forward), len(backward))
			}
			// The last backward page holds what is left at the start.
			if got := len(backward[len(backward)-1].cursors); got != n%k {
				t.Fatalf("%s: the backward walk's last page has %d rows, want %d", name, got, n%k)
			}
			for i := 1; i < len(forward); i++ {
				pg, err := l.read(ctx, store.Page{Backward: true, Last: k, Before: forward[i].cursors[0], Desc: desc, WithBeyond: true})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(pg.cursors, forward[i-1].cursors) || !pg.hasNext || pg.hasPrevious != (i > 1) {
					t.Fatalf("%s: last %d before forward page %d's start: %v (next %v, previous %v), want page %d %v",
						name, k, i, pg.cursors, pg.hasNext, pg.hasPrevious, i-1, forward[i-1].cursors)
				}
			}
			for i := 1; i < len(backward); i++ {
				// Forward from a backward page's end: the backward page read
				// just before it.
				pg, err := l.read(ctx, store.Page{First: k, After: backward[i].cursors[len(backward[i].cursors)-1], Desc: desc})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(pg.cursors, backward[i-1].cursors) || pg.hasNext != (i > 1) || !pg.hasPrevious {
					t.Fatalf("%s: first %d after backward page %d's end: %v, want %v", name, k, i, pg.cursors, backward[i-1].cursors)
				}
			}
			// A window: after and before bound the rows between them,
			// read from either end.
			lo, hi := fwd[2], fwd[n-3]
			inside := fwd[3 : n-3]
			for _, p := range []store.Page{
				{First: 5, After: lo, Before: hi}, {Backward: true, Last: 5, After: lo, Before: hi},
				{First: 100, After: lo, Before: hi}, {Backward: true, Last: 100, After: lo, Before: hi},
			} {
				p.Desc, p.WithBeyond = desc, true
				pg, err := l.read(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				want, more := inside, false
				if p.First == 5 {
					want, more = inside[:5], true
				} else if p.Last == 5 {
					want, more = inside[len(inside)-5:], true
				}
				// Past the window on the cursor side the page starts from:
				// the cursor's own row.
				next, previous := more, true
				if p.Backward {
					next, previous = true, more
				}
				if !slices.Equal(pg.cursors, want) || pg.hasNext != next || pg.hasPrevious != previous {
					t.Fatalf("%s: window %+v: %d rows (next %v, previous %v), want %d (%v, %v)", name, p, len(pg.cursors), pg.hasNext, pg.hasPrevious, len(want), next, previous)
				}
			}
			// Without WithBeyond, the flag past the starting cursor is
			// Relay's cheap answer: true when the cursor is given.
			pg, err := l.read(ctx, store.Page{First: 2, After: fwd[n-1], Desc: desc})
			if err != nil || len(pg.cursors) != 0 || pg.hasNext || !pg.hasPrevious {
				t.Fatalf("%s: first 2 after the last row: %v (next %v, previous %v), %v", name, pg.cursors, pg.hasNext, pg.hasPrevious, err)
			}
			pg, err = l.read(ctx, store.Page{Backward: true, Last: 2, Before: fwd[0], Desc: desc})
			if err != nil || len(pg.cursors) != 0 || !pg.hasNext || pg.hasPrevious {
				t.Fatalf("%s: last 2 before the first row: %v (next %v, previous %v), %v", name, pg.cursors, pg.hasNext, pg.hasPrevious, err)
			}
			// Exactly: nothing lies at or after a cursor past the end.
			pg, err = l.read(ctx, store.Page{Backward: true, Last: 0, Desc: desc, WithBeyond: true})
			if err != nil || len(pg.cursors) != 0 || pg.hasNext || !pg.hasPrevious {
				t.Fatalf("%s: last 0: %v (next %v, previous %v), %v", name, pg.cursors, pg.hasNext, pg.hasPrevious, err)
			}
		}
	}
}

// TestPagingUnderInserts: rows added at both ends of a list between pages
// — new blocks, and rows that sort before every other — never show twice
// and never hide a row that was there all along, in either direction:
// those behind the walk stay out, those ahead of it come in their place.
func TestPagingUnderInserts(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	lists := pagedLists(s)
	const n, k = 13, 3
	// Each walk starts from rows of its own.
	base := 0
	var add func(context.Context, int) error
	for _, l := range lists {
		if l.add != nil {
			add = l.add // else the list is over the rows of the one before
		}
		for _, desc := range l.orders {
			for _, backward := range []bool{false, true} {
				name := fmt.Sprintf("%s, desc %v, backward %v", l.name, desc, backward)
				base += 1000
				if _, err := s.DB().ExecContext(ctx, `TRUNCATE registrations, badge_claims, nullifiers, reuse_attempts, threshold_updates,
					evm_transactions, badge_holdings, player_xp`); err != nil {
					t.Fatal(err)
				}
				for i := range n {
					if err := add(ctx, base+i); err != nil {
						t.Fatal(err)
					}
				}
				all := func() []string {
					pg, err := l.read(ctx, store.Page{First: store.MaxPageSize, Desc: desc})
					if err != nil {
						t.Fatal(err)
					}
					return pg.cursors
				}
				before := all()
				added := 0
				pages := walk(t, l, desc, backward, k, func(i int) {
					// One row past every other, one before every other
					// (within this walk's rows, and the earlier walks').
					for _, key := range []int{base + 500 + i, -base - i} {
						if err := add(ctx, key); err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						added++
					}
				})
				after := all()
				seen := rowsOf(pages, backward)
				if len(after) != len(before)+added {
					t.Fatalf("%s: %d rows after, %d before and %d added", name, len(after), len(before), added)
				}
				// Seen in the list's order as it ends up, once each.
				pos := -1
				for _, c := range seen {
					i := slices.Index(after, c)
					if i <= pos {
						t.Fatalf("%s: row %s seen out of order or twice", name, c)
					}
					pos = i
				}
				for _, c := range before {
					if !slices.Contains(seen, c) {
						t.Fatalf("%s: a row there all along was not seen", name)
					}
				}
				if len(seen) == len(before) || len(seen) == len(after) {
					// The rows added ahead of the walk come in, those
					// behind it do not.
					t.Fatalf("%s: saw %d rows of %d before and %d after: the test is blind", name, len(seen), len(before), len(after))
				}
			}
		}
	}
}

// TestPageCursorErrorsNameTheirArgument: a forged cursor as after, as
// before, or either of the two, is a CursorError naming it.
func TestPageCursorErrorsNameTheirArgument(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	regs := pagedLists(s)[0]
	if err := regs.add(ctx, 1); err != nil {
		t.Fatal(err)
	}
	valid, err := regs.read(ctx, store.Page{First: 1})
	if err != nil || len(valid.cursors) != 1 {
		t.Fatal(err)
	}
	// It decodes, with a value PostgreSQL refuses: a word for a height.
	forged := forgeCursor(4, "abc")
	for _, tt := range []struct {
		p    store.Page
		want string
	}{
		{store.Page{First: 1, After: "garbage"}, "after"},
		{store.Page{First: 1, Before: "garbage"}, "before"},
		{store.Page{Backward: true, Last: 1, Before: forged}, "before"},
		{store.Page{First: 1, After: forged}, "after"},
		{store.Page{First: 1, After: forged, Before: valid.cursors[0]}, "after"},
		{store.Page{First: 1, After: valid.cursors[0], Before: forged}, "before"},
		{store.Page{Backward: true, Last: 1, After: valid.cursors[0], Before: forged, WithBeyond: true}, "before"},
	} {
		for name, read := range map[string]func(store.Page) error{
			"registrations": func(p store.Page) error { _, err := regs.read(ctx, p); return err },
			"registrations of NFTs": func(p store.Page) error {
				_, err := s.RegistrationsOfNFTs(ctx, []string{"abi0"}, nil, p)
				return err
			},
		} {
			var ce *store.CursorError
			err := read(tt.p)
			if !errors.As(err, &ce) || !errors.Is(err, store.ErrBadCursor) || ce.Argument != tt.want {
				t.Errorf("%s, %+v: %v, want a CursorError for %s", name, tt.p, err, tt.want)
			}
		}
	}
}

// forgeCursor is a cursor of n values v, as a list would encode it.
func forgeCursor(n int, v string) string {
	values := make([]string, n)
	for i := range values {
		values[i] = v
	}
	b, _ := json.Marshal(values)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestFlagsBeyondARemovedRow: the flag past a page's starting cursor is
// exact with WithBeyond when the row the cursor names is gone (a reorg
// took it), and Relay's cheap answer without.
func TestFlagsBeyondARemovedRow(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	lists := pagedLists(s)
	for k := range 5 {
		if err := lists[0].add(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	all, err := lists[0].read(ctx, store.Page{First: 10, Desc: true})
	if err != nil || len(all.cursors) != 5 {
		t.Fatalf("%v, %v", all, err)
	}
	newest, oldest := all.cursors[0], all.cursors[4]
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM registrations WHERE block_height IN (0, 4)`); err != nil {
		t.Fatal(err)
	}
	for _, l := range lists[:2] { // registrations, and of NFTs
		for _, tt := range []struct {
			p                    store.Page
			rows                 int
			hasNext, hasPrevious bool
		}{
			{store.Page{First: 2, After: newest, WithBeyond: true}, 2, true, false},
			{store.Page{First: 2, After: newest}, 2, true, true},
			{store.Page{Backward: true, Last: 2, Before: oldest, WithBeyond: true}, 2, false, true},
			{store.Page{Backward: true, Last: 2, Before: oldest}, 2, true, true},
			{store.Page{Backward: true, Last: 5, Before: oldest, WithBeyond: true}, 3, false, false},
		} {
			tt.p.Desc = true
			pg, err := l.read(ctx, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.cursors) != tt.rows || pg.hasNext != tt.hasNext || pg.hasPrevious != tt.hasPrevious {
				t.Errorf("%s, %+v: %d rows, next %v, previous %v; want %d, %v, %v", l.name, tt.p, len(pg.cursors), pg.hasNext, pg.hasPrevious,
					tt.rows, tt.hasNext, tt.hasPrevious)
			}
		}
	}
}
