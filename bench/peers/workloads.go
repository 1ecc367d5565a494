package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A workload asks each peer for the same data in its own API: herald's
// schema, PostGraphile's generated one over the same tables, and for the
// ceiling the SQL herald itself runs, through pgbench.
type workload struct {
	name, what   string
	herald       step
	postgraphile step
	pgbench      []string // pgbench scripts: herald's SQL for this workload
	pgbenchVars  []string // their -D variables
}

func body(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err)
	}
	return b
}

func send(query string, vars func(c *client) map[string]any) step {
	return func(c *client) error {
		_, err := c.post(body(query, vars(c)))
		return err
	}
}

// paged sends the first page and then the next one, with the cursor the
// first page ended at (read from the response at path).
func paged(query string, vars func(c *client) map[string]any, path ...string) step {
	return func(c *client) error {
		v := vars(c)
		out, err := c.post(body(query, v))
		if err != nil {
			return err
		}
		var resp map[string]any
		if err := json.Unmarshal(out, &resp); err != nil {
			return err
		}
		var at any = resp["data"]
		for _, p := range path {
			m, _ := at.(map[string]any)
			at = m[p]
		}
		info, _ := at.(map[string]any)
		cursor, _ := info["endCursor"].(string)
		if next, _ := info["hasNextPage"].(bool); !next || cursor == "" {
			return nil
		}
		v["after"] = cursor
		_, err = c.post(body(query, v))
		return err
	}
}

const heraldNFT = `id isRegistered registrationCount confirmations
	lastRegistration { txid paidSats block { height } }
	registrations(first: 20) { totalCount nodes { txid status paidSats block { height } } }
	lastUpdated { height }`

// postgraphileNFT is the same answer from PostGraphile's tables: the last
// valid registration and their count, the oldest valid one (for
// isRegistered, with the collections' minimum and the chain's tip), the
// first page of all of them.
func postgraphileNFT(alias, id string) string {
	return fmt.Sprintf(`%[1]svalid: allRegistrations(condition: {inscriptionId: %[2]s, status: "VALID"}, orderBy: [BLOCK_HEIGHT_DESC, TX_INDEX_DESC, TXID_DESC], first: 1) { totalCount nodes { txid paidSats blockHeight collection } }
	%[1]soldest: allRegistrations(condition: {inscriptionId: %[2]s, status: "VALID"}, orderBy: [BLOCK_HEIGHT_ASC], first: 1) { nodes { blockHeight collection } }
	%[1]sall: allRegistrations(condition: {inscriptionId: %[2]s}, orderBy: [BLOCK_HEIGHT_DESC, TX_INDEX_DESC, TXID_DESC], first: 20) { totalCount nodes { txid status paidSats blockHeight } }`, alias, id)
}

const postgraphileTips = `allChains { nodes { chain height } } allCollections { nodes { name minConfirmations } }`

func nftStatus(name, what string, pick func(c *client) string) workload {
	return workload{
		name: name, what: what,
		herald: send(`query($id: InscriptionID!) { nft(id: $id) { `+heraldNFT+` } }`,
			func(c *client) map[string]any { return map[string]any{"id": pick(c)} }),
		postgraphile: send(`query($id: String!) { `+postgraphileNFT("", "$id")+` `+postgraphileTips+` }`,
			func(c *client) map[string]any { return map[string]any{"id": pick(c)} }),
	}
}

func nftPage(c *client) []string {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = hotID(c.next(hotNFTs))
	}
	return ids
}

func nfts100() workload {
	return nftsOf("`nfts(ids)`, 100 ids", "100 random NFTs of the 2,000 with 200 registrations, a new set every request (the status cache warm, the response cache missed)", nftPage)
}

// coldNFTs100 asks for NFTs of the long tail: 100 of 200,000 at random, so
// that most were never asked for before — read from the database.
func coldNFTs100() workload {
	return nftsOf("`nfts(ids)`, 100 cold ids", "100 random NFTs of the 200,000 with 1–3 registrations: mostly never asked before", func(c *client) []string {
		ids := make([]string, 100)
		for i := range ids {
			ids[i] = tailID(c.next(tailNFTs))
		}
		return ids
	})
}

func nftsOf(name, what string, page func(*client) []string) workload {
	var pg strings.Builder
	pg.WriteString("query(")
	for i := range 100 {
		fmt.Fprintf(&pg, "$i%d: String!, ", i)
	}
	pg.WriteString(") { ")
	for i := range 100 {
		pg.WriteString(postgraphileNFT(fmt.Sprintf("n%d_", i), fmt.Sprintf("$i%d", i)))
		pg.WriteString("\n")
	}
	pg.WriteString(postgraphileTips + " }")
	return workload{
		name: name, what: what,
		herald: send(`query($ids: [InscriptionID!]!) { nfts(ids: $ids) { `+heraldNFT+` } }`,
			func(c *client) map[string]any { return map[string]any{"ids": page(c)} }),
		postgraphile: send(pg.String(), func(c *client) map[string]any {
			v := map[string]any{}
			for i, id := range page(c) {
				v[fmt.Sprintf("i%d", i)] = id
			}
			return v
		}),
	}
}

// nullifierSQL is store.NullifiersByHash's statement (nullifiersByHashSQL)
// with the columns herald's workload reads (player, claimed XP: 96) and
// the hashes as pgbench gives them.
func nullifierSQL(hashes string) string {
	return `SELECT chain, block_height,
	CASE WHEN 96 & 1 <> 0 THEN block_hash ELSE '' END,
	CASE WHEN 96 & 2 <> 0 THEN block_time END,
	CASE WHEN 96 & 4 <> 0 THEN contract ELSE '' END,
	nullifier, log_index,
	CASE WHEN 96 & 8 <> 0 THEN tx_hash ELSE '' END,
	CASE WHEN 96 & 16 <> 0 THEN event ELSE '' END,
	CASE WHEN 96 & 32 <> 0 THEN player ELSE '' END,
	CASE WHEN 96 & 64 <> 0 THEN claimed_xp::text ELSE '' END,
	CASE WHEN 96 & 128 <> 0 THEN coalesce(threshold::text, '') ELSE '' END,
	verified,
	CASE WHEN 96 & 256 <> 0 THEN coalesce(event_timestamp::text, '') ELSE '' END
	FROM nullifiers WHERE nullifier = ANY(` + hashes + `);
`
}

// nullifierHash picks a stored nullifier nine times in ten, else an
// unused one, like a verifier's batch.
func nullifierHash(c *client, stored int) string { return nullifier(1 + c.next(stored+stored/10)) }

const heraldUse = `hash used uses { player claimedXP verified block { height } }`
const postgraphileUse = `nodes { nullifier player claimedXp verified blockHeight }`

func oneNullifier(stored int) workload {
	return workload{
		name: "one nullifier", what: fmt.Sprintf("`nullifier(hash)` over %s stored", count(stored)),
		herald: send(`query($h: Bytes32!) { nullifier(hash: $h) { `+heraldUse+` } }`,
			func(c *client) map[string]any { return map[string]any{"h": nullifierHash(c, stored)} }),
		postgraphile: send(`query($h: String!) { allNullifiers(condition: {nullifier: $h}) { `+postgraphileUse+` } }`,
			func(c *client) map[string]any { return map[string]any{"h": nullifierHash(c, stored)} }),
		pgbench: []string{fmt.Sprintf("\\set n random(1, %d)\n", stored+stored/10) +
			nullifierSQL(`ARRAY['0x' || lpad(to_hex(:n::bigint), 64, '0')]`)},
	}
}

func hundredNullifiers(stored int) workload {
	hashes := func(c *client) []string {
		h := make([]string, 100)
		for i := range h {
			h[i] = nullifierHash(c, stored)
		}
		return h
	}
	// herald's statement as herald runs it, prepared, the 100 hashes a
	// text[] parameter: 16 sets, one script each (pgbench's variables are
	// numbers or the strings given with -D).
	var scripts, vars []string
	c := &client{rnd: 42}
	for i := range 16 {
		scripts = append(scripts, nullifierSQL(fmt.Sprintf(":h%d::text[]", i)))
		vars = append(vars, fmt.Sprintf("h%d={%s}", i, strings.Join(hashes(c), ",")))
	}
	return workload{
		name: "100 nullifiers", what: fmt.Sprintf("`nullifiers(hashes)` with 100 hashes over %s stored", count(stored)),
		herald: send(`query($h: [Bytes32!]!) { nullifiers(hashes: $h) { `+heraldUse+` } }`,
			func(c *client) map[string]any { return map[string]any{"h": hashes(c)} }),
		postgraphile: send(`query($h: [String!]!) { allNullifiers(filter: {nullifier: {in: $h}}) { `+postgraphileUse+` } }`,
			func(c *client) map[string]any { return map[string]any{"h": hashes(c)} }),
		pgbench: scripts, pgbenchVars: vars,
	}
}

// lists are the list workloads: a filter, an order, the first page and
// the next one.
func lists() []workload {
	coll := func(c *client) map[string]any { return map[string]any{"c": collection(c.next(collections))} }
	who := func(c *client) map[string]any { return map[string]any{"p": player(c.next(players))} }
	user := func(c *client) map[string]any { return map[string]any{"p": player(c.next(5000))} }
	none := func(*client) map[string]any { return map[string]any{} }
	return []workload{{
		name: "latest registrations", what: "no filter, BLOCK_DESC, first 50, then the next page",
		herald: paged(`query($after: String) { registrations(orderBy: BLOCK_DESC, first: 50, after: $after) {
			nodes { txid inscriptionId status paidSats block { height } } pageInfo { endCursor hasNextPage } } }`, none, "registrations", "pageInfo"),
		postgraphile: paged(`query($after: Cursor) { allRegistrations(orderBy: [BLOCK_HEIGHT_DESC, TX_INDEX_DESC, TXID_DESC], first: 50, after: $after) {
			nodes { txid inscriptionId status paidSats blockHeight } pageInfo { endCursor hasNextPage } } }`, none, "allRegistrations", "pageInfo"),
	}, {
		name: "registrations of a collection", what: "BLOCK_DESC, first 50, then the next page",
		herald: paged(`query($c: String!, $after: String) { registrations(where: {collection: $c}, orderBy: BLOCK_DESC, first: 50, after: $after) {
			nodes { txid inscriptionId status paidSats block { height } } pageInfo { endCursor hasNextPage } } }`, coll, "registrations", "pageInfo"),
		postgraphile: paged(`query($c: String!, $after: Cursor) { allRegistrations(condition: {collection: $c}, orderBy: [BLOCK_HEIGHT_DESC, TX_INDEX_DESC, TXID_DESC], first: 50, after: $after) {
			nodes { txid inscriptionId status paidSats blockHeight } pageInfo { endCursor hasNextPage } } }`, coll, "allRegistrations", "pageInfo"),
	}, {
		name: "badges of a holder", what: "first 5, then the next page (10 each)",
		herald: paged(`query($p: Address!, $after: String) { badges(where: {holder: $p}, first: 5, after: $after) {
			nodes { contract tokenId balance } pageInfo { endCursor hasNextPage } } }`, who, "badges", "pageInfo"),
		postgraphile: paged(`query($p: String!, $after: Cursor) { allBadgeHoldings(condition: {holder: $p}, orderBy: PRIMARY_KEY_ASC, first: 5, after: $after) {
			nodes { contract tokenId balance } pageInfo { endCursor hasNextPage } } }`, who, "allBadgeHoldings", "pageInfo"),
	}, {
		name: "claims of a player", what: "BLOCK_DESC, first 5, then the next page (10 each)",
		herald: paged(`query($p: Address!, $after: String) { badgeClaims(where: {player: $p}, orderBy: BLOCK_DESC, first: 5, after: $after) {
			nodes { tokenId xpEarned tier txHash block { height } } pageInfo { endCursor hasNextPage } } }`, who, "badgeClaims", "pageInfo"),
		postgraphile: paged(`query($p: String!, $after: Cursor) { allBadgeClaims(condition: {player: $p}, orderBy: [BLOCK_HEIGHT_DESC, LOG_INDEX_DESC], first: 5, after: $after) {
			nodes { tokenId xpEarned tier txHash blockHeight } pageInfo { endCursor hasNextPage } } }`, who, "allBadgeClaims", "pageInfo"),
	}, {
		name: "nullifier uses of a player", what: "BLOCK_DESC, first 50, then the next page (200 each)",
		herald: paged(`query($p: Address!, $after: String) { usedNullifiers(where: {player: $p}, orderBy: BLOCK_DESC, first: 50, after: $after) {
			nodes { nullifier claimedXP verified block { height } } pageInfo { endCursor hasNextPage } } }`, user, "usedNullifiers", "pageInfo"),
		postgraphile: paged(`query($p: String!, $after: Cursor) { allNullifiers(condition: {player: $p}, orderBy: [BLOCK_HEIGHT_DESC], first: 50, after: $after) {
			nodes { nullifier claimedXp verified blockHeight } pageInfo { endCursor hasNextPage } } }`, user, "allNullifiers", "pageInfo"),
	}, {
		name: "reuse attempts of a player", what: "BLOCK_DESC, first 2, then the next page (5 each)",
		herald: paged(`query($p: Address!, $after: String) { reuseAttempts(where: {player: $p}, orderBy: BLOCK_DESC, first: 2, after: $after) {
			nodes { nullifier kind txHash block { height } } pageInfo { endCursor hasNextPage } } }`, who, "reuseAttempts", "pageInfo"),
		postgraphile: paged(`query($p: String!, $after: Cursor) { allReuseAttempts(condition: {player: $p}, orderBy: [BLOCK_HEIGHT_DESC, LOG_INDEX_DESC], first: 2, after: $after) {
			nodes { nullifier kind txHash blockHeight } pageInfo { endCursor hasNextPage } } }`, who, "allReuseAttempts", "pageInfo"),
	}, {
		name: "player with badges", what: "XP and the first 10 badges with their claims",
		herald: send(`query($p: Address!) { player(address: $p) { xp verifiedUses badges(first: 10) { nodes { tokenId balance claim { xpEarned tier } } } } }`, who),
		postgraphile: send(`query($p: String!) { allPlayerXps(condition: {player: $p}) { nodes { xp uses } }
			allBadgeHoldings(condition: {holder: $p}, first: 10) { nodes { tokenId balance } }
			allBadgeClaims(condition: {player: $p}, first: 10) { nodes { tokenId xpEarned tier } } }`, who),
	}}
}

// count writes n the way the docs do: 1M, 5M, 200,000.
func count(n int) string {
	if n >= 1_000_000 && n%1_000_000 == 0 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
