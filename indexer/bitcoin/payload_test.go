package bitcoin

import (
	"strings"
	"testing"

	"github.com/herald-indexer/herald/domain"
)

const (
	txidLower = "6fb976ab49dcec017f1e201e84395983204ae1a7c2abf7ced0a85d692e442799"
	txidUpper = "6FB976AB49DCEC017F1E201E84395983204AE1A7C2ABF7CED0A85D692E442799"
)

func TestParsePayload(t *testing.T) {
	id := txidLower + "i0"
	valid := func(idx uint32, expiry int64) Payload {
		return Payload{InscriptionID: domain.InscriptionID{TxID: txidLower, Index: idx}, ExpiryHeight: expiry}
	}
	// A payload of exactly MaxPayloadLen bytes: the expiry padded with
	// leading zeros.
	longest := id + "|" + strings.Repeat("0", MaxPayloadLen-len(id)-2) + "7"

	tests := []struct {
		name string
		in   string
		want Payload
		ok   bool
	}{
		{"valid", id + "|900000", valid(0, 900000), true},
		{"upper-case id", txidUpper + "i3|900000", valid(3, 900000), true},
		{"expiry 0", id + "|0", valid(0, 0), true},
		{"expiry max", id + "|2147483647", valid(0, 2147483647), true},
		{"expiry leading zeros", id + "|007", valid(0, 7), true},
		{"exactly 256 bytes", longest, valid(0, 7), true},
		{"257 bytes", "0" + longest, Payload{}, false},
		{"expiry past 2^31-1", id + "|2147483648", Payload{}, false},
		{"expiry huge", id + "|99999999999999999999999", Payload{}, false},
		{"expiry plus", id + "|+5", Payload{}, false},
		{"expiry minus", id + "|-5", Payload{}, false},
		{"expiry space before", id + "| 5", Payload{}, false},
		{"expiry space after", id + "|5 ", Payload{}, false},
		{"expiry newline", id + "|5\n", Payload{}, false},
		{"expiry hex", id + "|0x10", Payload{}, false},
		{"expiry underscore", id + "|1_000", Payload{}, false},
		{"empty expiry", id + "|", Payload{}, false},
		{"empty id", "|5", Payload{}, false},
		{"no separator", id + "5", Payload{}, false},
		{"two separators", id + "|5|6", Payload{}, false},
		{"bad id", txidLower[:60] + "i0|5", Payload{}, false},
		{"id leading zero index", txidLower + "i01|5", Payload{}, false},
		{"non-ascii", id + "|5\xff", Payload{}, false},
		{"utf-8 in id", "é" + id[2:] + "|5", Payload{}, false},
		{"empty", "", Payload{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePayload([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("ParsePayload(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParsePayload(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParsePayload(f *testing.F) {
	for _, seed := range []string{
		txidLower + "i0|900000",
		txidUpper + "i7|0",
		txidLower + "i01|5",
		txidLower + "i0|2147483648",
		txidLower + "i0|+5",
		"|",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePayload(b)
		if err != nil {
			return
		}
		if len(b) > MaxPayloadLen {
			t.Fatalf("accepted %d bytes", len(b))
		}
		if p.ExpiryHeight < 0 || p.ExpiryHeight > MaxExpiryHeight {
			t.Fatalf("expiry %d out of range", p.ExpiryHeight)
		}
		// The canonical form parses back to the same payload.
		id := p.InscriptionID.String()
		if id != strings.ToLower(id) {
			t.Fatalf("id %q not lower-case", id)
		}
		again, err := domain.ParseInscriptionID(id)
		if err != nil || again != p.InscriptionID {
			t.Fatalf("canonical id %q: %+v, %v", id, again, err)
		}
	})
}

// What PayloadScript writes, the indexer reads back: the same NFT and
// expiry; what the grammar refuses, it refuses to write.
func TestPayloadScriptRoundTrip(t *testing.T) {
	id := domain.InscriptionID{TxID: txidLower, Index: 3}
	script, err := PayloadScript(id, 900_000)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := OpReturnPayload(script)
	if !ok {
		t.Fatalf("script %x carries no payload", script)
	}
	p, err := ParsePayload(data)
	if err != nil || p.InscriptionID != id || p.ExpiryHeight != 900_000 {
		t.Fatalf("read back %+v, %v", p, err)
	}
	if _, err := PayloadScript(id, -1); err == nil {
		t.Error("a negative expiry was written")
	}
	if _, err := PayloadScript(id, MaxExpiryHeight+1); err == nil {
		t.Error("an expiry past 2^31-1 was written")
	}
}
