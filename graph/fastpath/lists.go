package fastpath

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// listPage is a registrations(...) root field, its arguments read as the
// resolver reads them: a marketplace's or an explorer's list of the newest
// registrations, 50 rows a page, 6 fields a row. Executed by gqlgen a page
// cost about a millisecond of CPU, a goroutine and a dozen field
// resolutions per row, more than the database's share.
type listPage struct {
	filter store.RegistrationFilter
	page   store.Page
}

// planRegistrations reads a registrations field's arguments; false for
// any the resolver would report as an error, which gqlgen then does.
func (s *NFTs) planRegistrations(op *graphql.OperationContext, f graphql.CollectedField) (*listPage, bool) {
	args := f.ArgumentMap(op.Variables)
	l := &listPage{page: store.Page{First: s.lim.DefaultPageSize, Desc: true}}
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil || n < 0 || n > s.lim.MaxPageSize {
			return nil, false
		}
		l.page.First = n
	}
	if v := args["after"]; v != nil {
		after, ok := v.(string)
		if !ok {
			return nil, false
		}
		l.page.After = after
	}
	switch v := args["orderBy"]; v {
	case nil, "BLOCK_DESC":
	case "BLOCK_ASC":
		l.page.Desc = false
	default:
		return nil, false
	}
	for _, c := range graphql.CollectFields(op, f.Selections, []string{"RegistrationConnection"}) {
		l.page.WithTotal = l.page.WithTotal || c.Name == "totalCount"
	}
	if v := args["block"]; v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		n, err := graphql.UnmarshalInt64(m["number"])
		if err != nil {
			return nil, false
		}
		l.filter.AsOf = &n
	}
	if v := args["where"]; v != nil {
		where, ok := v.(map[string]any)
		if !ok || !l.where(where) {
			return nil, false
		}
	}
	return l, true
}

// where reads a RegistrationFilter as gqlgen unmarshals it.
func (l *listPage) where(w map[string]any) bool {
	str := func(v any, into *string) bool {
		if v == nil {
			return true
		}
		s, ok := v.(string)
		*into = s
		return ok
	}
	for k, v := range w {
		ok := true
		switch k {
		case "chain":
			ok = str(v, &l.filter.Chain)
		case "collection":
			ok = str(v, &l.filter.Collection)
		case "creator":
			ok = str(v, &l.filter.Creator)
		case "inscriptionId":
			if v != nil {
				id, err := scalar.UnmarshalInscriptionID(v)
				ok, l.filter.InscriptionID = err == nil, id
			}
		case "txid":
			if v != nil {
				tx, err := scalar.UnmarshalTxID(v)
				ok, l.filter.TxID = err == nil, tx
			}
		case "status":
			if v != nil {
				l.filter.Status = []string{} // as statusStrings makes it
				for _, x := range graphql.CoerceList(v) {
					st, isString := x.(string)
					if _, known := statusNames[store.RegistrationStatus(st)]; !isString || !known {
						return false
					}
					l.filter.Status = append(l.filter.Status, st)
				}
			}
		case "height":
			ok = l.heights(v)
		case "time":
			ok = l.times(v)
		default:
			return false
		}
		if !ok {
			return false
		}
	}
	return true
}

func (l *listPage) heights(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, x := range m {
		if x == nil {
			continue
		}
		n, err := graphql.UnmarshalInt(x)
		if err != nil {
			return false
		}
		h := int64(n)
		switch k {
		case "gte":
			l.filter.MinHeight = &h
		case "lte":
			l.filter.MaxHeight = &h
		default:
			return false
		}
	}
	return true
}

func (l *listPage) times(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, x := range m {
		if x == nil {
			continue
		}
		t, err := graphql.UnmarshalTime(x)
		if err != nil {
			return false
		}
		switch k {
		case "from":
			l.filter.From = &t
		case "to":
			l.filter.To = &t
		default:
			return false
		}
	}
	return true
}

// load reads the page.
func (l *listPage) load(ctx context.Context, st *store.Store) (store.PageOf[store.Registration], error) {
	return st.Registrations(ctx, l.filter, l.page)
}
