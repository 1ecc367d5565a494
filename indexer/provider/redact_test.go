package provider

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "https://blockstream.info/api", "https://blockstream.info/api"},
		{"host and port", "http://127.0.0.1:18443", "http://127.0.0.1:18443"},
		{"password", "http://rpcuser:hunter22@127.0.0.1:8332/", "http://127.0.0.1:8332/"},
		{"user only", "https://0123456789abcdef@btc.example.com/", "https://btc.example.com/"},
		{"alchemy key", "https://eth-mainnet.g.alchemy.com/v2/abcdEFGH1234ijklMNOP5678qrstUVWX", "https://eth-mainnet.g.alchemy.com/v2/***"},
		{"infura key", "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://mainnet.infura.io/v3/***"},
		{"key mid-path", "https://go.getblock.io/0123456789abcdef0123456789abcdef/mainnet/", "https://go.getblock.io/***/mainnet/"},
		{"short segments kept", "https://esplora.example.com/testnet/api/blocks", "https://esplora.example.com/testnet/api/blocks"},
		{"query values", "https://rpc.example.com/?apikey=XYZ&chain=1", "https://rpc.example.com/?apikey=***&chain=***"},
		{"bare query token", "https://rpc.example.com/rpc?abcdef0123", "https://rpc.example.com/rpc?***"},
		{"fragment dropped", "https://rpc.example.com/#secret", "https://rpc.example.com/"},
		{"no scheme", "user:pass@host:8332", "<redacted url>"},
		{"unparsable", "http://user:pa ss@[::1", "<redacted url>"},
		{"empty", "", "<redacted url>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	_, secrets := redact("https://me:hunter22@rpc.example.com/v3/0123456789abcdef0123456789abcdef?key=abc")
	msg := `Post "https://me:hunter22@rpc.example.com/v3/0123456789abcdef0123456789abcdef?key=abc": refused`
	// "me" and "abc" are too short to mask without garbling the text.
	want := `Post "https://me:***@rpc.example.com/v3/***?key=abc": refused`
	if got := scrub(msg, secrets); got != want {
		t.Errorf("scrub = %q; want %q", got, want)
	}
}
