// Package limits bounds what one GraphQL operation may cost, and is where
// that cost is computed: every field is priced (cost.go), and every
// operation measured — cost, depth, aliases — in one walk that visits each
// fragment once (analysis.go), after validation and before any resolver
// runs, so a rejected one costs the database nothing.
package limits

import "time"

// Limits bound what one operation may cost. Every operation is checked
// against them before any resolver runs, so a rejected one costs the
// database nothing.
type Limits struct {
	// MaxComplexity bounds an operation's cost: each field costs 1, and a
	// list multiplies its children by `first` or by the number of ids.
	MaxComplexity int `yaml:"max_complexity"`
	// MaxDepth bounds selection-set nesting.
	MaxDepth int `yaml:"max_depth"`
	// MaxAliases bounds aliased fields per operation (alias bombs).
	MaxAliases int `yaml:"max_aliases"`
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// StatementTimeout bounds each SQL statement a request runs.
	StatementTimeout time.Duration `yaml:"statement_timeout"`
	// DefaultPageSize is a list's page without `first` (NFT.registrations
	// has its own default, 20, in the schema); MaxPageSize bounds `first`
	// and `last`.
	DefaultPageSize int `yaml:"default_page_size"`
	MaxPageSize     int `yaml:"max_page_size"`
	// MaxNFTIDs and MaxNullifierHashes bound the batch lookups.
	MaxNFTIDs          int `yaml:"max_nft_ids"`
	MaxNullifierHashes int `yaml:"max_nullifier_hashes"`
	// RatePerSecond and RateBurst shape each client's token bucket (by API
	// key when one is sent, else by address); 0 disables rate limiting.
	RatePerSecond float64 `yaml:"rate_per_second"`
	RateBurst     int     `yaml:"rate_burst"`
	// MaxSubscriptionsPerConnection bounds the subscriptions one websocket
	// carries, MaxSubscriptionsPerClient those of one client over all its
	// websockets and Server-Sent Event streams; MaxConnectionsPerClient the
	// websockets one client holds.
	MaxSubscriptionsPerConnection int `yaml:"max_subscriptions_per_connection"`
	MaxSubscriptionsPerClient     int `yaml:"max_subscriptions_per_client"`
	MaxConnectionsPerClient       int `yaml:"max_connections_per_client"`
	// MaxHTTPConnectionsPerAddress bounds the TCP connections one address
	// holds open (trusted proxies aside).
	MaxHTTPConnectionsPerAddress int `yaml:"max_http_connections_per_address"`
	// HeaderTimeout, BodyTimeout and RequestTimeout bound the phases of an
	// HTTP request: its headers, its whole body, and its handling (a
	// subscription's stream aside); IdleTimeout a kept-alive connection
	// waiting for its next request.
	HeaderTimeout time.Duration `yaml:"header_timeout"`
	// WebsocketInitTimeout is how long a websocket may take to send its
	// connection_init (closed with 4408 after it).
	WebsocketInitTimeout time.Duration `yaml:"websocket_init_timeout"`
	BodyTimeout          time.Duration `yaml:"body_timeout"`
	RequestTimeout       time.Duration `yaml:"request_timeout"`
	IdleTimeout          time.Duration `yaml:"idle_timeout"`
	// SubscriptionBacklog is how many recent events each gateway keeps in
	// memory for its subscribers; one that falls further behind is cut off
	// as too slow (and resumes from the log).
	SubscriptionBacklog int `yaml:"subscription_backlog"`
	// SubscriberBuffer is how many responses may wait for one subscriber's
	// connection; a subscriber further behind is cut off as too slow.
	SubscriberBuffer int `yaml:"subscriber_buffer"`
}

// Defaults are generous for a frontend page and tight for abuse.
func Defaults() Limits {
	return Limits{
		MaxComplexity:      50_000,
		MaxDepth:           10,
		MaxAliases:         30,
		MaxBodyBytes:       256 << 10,
		StatementTimeout:   5 * time.Second,
		DefaultPageSize:    100,
		MaxPageSize:        1000,
		MaxNFTIDs:          500,
		MaxNullifierHashes: 1000,
		RatePerSecond:      200,
		RateBurst:          400,

		MaxSubscriptionsPerConnection: 20,
		MaxSubscriptionsPerClient:     200,
		MaxConnectionsPerClient:       50,
		MaxHTTPConnectionsPerAddress:  256,
		HeaderTimeout:                 10 * time.Second,
		WebsocketInitTimeout:          10 * time.Second,
		BodyTimeout:                   10 * time.Second,
		RequestTimeout:                30 * time.Second,
		IdleTimeout:                   2 * time.Minute,
		SubscriptionBacklog:           10_000,
		SubscriberBuffer:              1000,
	}
}
