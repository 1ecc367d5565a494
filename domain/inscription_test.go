package domain

import (
	"strings"
	"testing"
)

const (
	txidLower = "6fb976ab49dcec017f1e201e84395983204ae1a7c2abf7ced0a85d692e442799"
	txidUpper = "6FB976AB49DCEC017F1E201E84395983204AE1A7C2ABF7CED0A85D692E442799"
)

func TestParseInscriptionID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want InscriptionID
		ok   bool
	}{
		{"index 0", txidLower + "i0", InscriptionID{txidLower, 0}, true},
		{"index 42", txidLower + "i42", InscriptionID{txidLower, 42}, true},
		{"upper-case hex", txidUpper + "i1", InscriptionID{txidLower, 1}, true},
		{"mixed-case hex", txidUpper[:32] + txidLower[32:] + "i1", InscriptionID{txidLower, 1}, true},
		{"max index", txidLower + "i4294967295", InscriptionID{txidLower, 4294967295}, true},
		{"index past uint32", txidLower + "i4294967296", InscriptionID{}, false},
		{"leading zero", txidLower + "i01", InscriptionID{}, false},
		{"double zero", txidLower + "i00", InscriptionID{}, false},
		{"plus sign", txidLower + "i+1", InscriptionID{}, false},
		{"minus sign", txidLower + "i-1", InscriptionID{}, false},
		{"space", txidLower + "i 1", InscriptionID{}, false},
		{"trailing space", txidLower + "i1 ", InscriptionID{}, false},
		{"empty index", txidLower + "i", InscriptionID{}, false},
		{"capital I", txidLower + "I0", InscriptionID{}, false},
		{"short txid", txidLower[:63] + "i0", InscriptionID{}, false},
		{"long txid", txidLower + "0i0", InscriptionID{}, false},
		{"non-hex", "g" + txidLower[1:] + "i0", InscriptionID{}, false},
		{"no index", txidLower, InscriptionID{}, false},
		{"empty", "", InscriptionID{}, false},
		{"non-ascii digit", txidLower + "i١", InscriptionID{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInscriptionID(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseInscriptionID(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParseInscriptionID(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if tt.ok && got.String() != strings.ToLower(tt.in) {
				t.Errorf("String() = %q, want %q", got.String(), strings.ToLower(tt.in))
			}
		})
	}
}
