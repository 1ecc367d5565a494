package paging_test

import (
	"testing"

	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/store"
)

func TestPage(t *testing.T) {
	n := func(v int) *int { return &v }
	s := func(v string) *string { return &v }
	for _, tt := range []struct {
		name string
		a    paging.Args
		want store.Page
		arg  string // of the error
	}{
		{"first null: the gateway's default", paging.Args{}, store.Page{First: 30, Desc: true}, ""},
		{"first", paging.Args{First: n(5), FirstGiven: true, After: s("c")}, store.Page{First: 5, After: "c", Desc: true}, ""},
		{"last, first's default aside", paging.Args{First: n(100), Last: n(5), Before: s("c")}, store.Page{Backward: true, Last: 5, Before: "c", Desc: true}, ""},
		{"a window", paging.Args{Last: n(0), After: s("a"), Before: s("b")}, store.Page{Backward: true, After: "a", Before: "b", Desc: true}, ""},
		{"first and last", paging.Args{First: n(5), FirstGiven: true, Last: n(5)}, store.Page{}, "last"},
		{"first over the maximum", paging.Args{First: n(51), FirstGiven: true}, store.Page{}, "first"},
		{"first's default over the maximum", paging.Args{First: n(100)}, store.Page{}, "first"},
		{"negative last", paging.Args{Last: n(-1)}, store.Page{}, "last"},
		{"last at the maximum", paging.Args{Last: n(50)}, store.Page{Backward: true, Last: 50, Desc: true}, ""},
	} {
		p, err := paging.Page(tt.a, 30, 50, true)
		switch {
		case tt.arg != "" && (err == nil || err.Argument != tt.arg):
			t.Errorf("%s: %+v, %v; want an error for %s", tt.name, p, err, tt.arg)
		case tt.arg == "" && (err != nil || p != tt.want):
			t.Errorf("%s: %+v, %v; want %+v", tt.name, p, err, tt.want)
		}
	}
}

func TestItems(t *testing.T) {
	n := func(v int) *int { return &v }
	if got := paging.Items(n(100), n(7), 30); got != 7 {
		t.Errorf("first's default and last 7: %d items", got)
	}
	if got := paging.Items(n(9), nil, 30); got != 9 {
		t.Errorf("first 9: %d items", got)
	}
	if got := paging.Items(nil, nil, 30); got != 30 {
		t.Errorf("neither: %d items", got)
	}
}
