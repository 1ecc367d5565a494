package domain

import "testing"

func TestConfirmationRules(t *testing.T) {
	tests := []struct {
		name                 string
		tip, height, minConf int64
		confirmations        int64
		registers, confirmed bool
	}{
		{"the tip itself", 100, 100, 1, 1, true, true},
		{"six deep", 105, 100, 6, 6, true, true},
		{"one short", 104, 100, 6, 5, false, false},
		{"above the tip", 99, 100, 0, 0, false, true},
		{"no minimum still needs a block", 99, 100, 0, 0, false, true},
		{"zero minimum at the tip", 100, 100, 0, 1, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Confirmations(tt.tip, tt.height); got != tt.confirmations {
				t.Errorf("Confirmations(%d, %d) = %d, want %d", tt.tip, tt.height, got, tt.confirmations)
			}
			if got := Registers(tt.tip, tt.height, tt.minConf); got != tt.registers {
				t.Errorf("Registers(%d, %d, %d) = %v, want %v", tt.tip, tt.height, tt.minConf, got, tt.registers)
			}
			if got := Confirmed(tt.tip, tt.height, tt.minConf); got != tt.confirmed {
				t.Errorf("Confirmed(%d, %d, %d) = %v, want %v", tt.tip, tt.height, tt.minConf, got, tt.confirmed)
			}
		})
	}
}

func TestCanonicalAddress(t *testing.T) {
	for in, want := range map[string]string{
		"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
		"bcrt1qcreator": "bcrt1qcreator",
		"TB1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KXPJZSX": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
		"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2":         "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
	} {
		if got := CanonicalAddress(in); got != want {
			t.Errorf("CanonicalAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
