package scalar

import (
	"bytes"
	"strconv"
	"testing"
)

// Scalars are written as strconv.Quote would write them, whichever way
// marshalString takes.
func FuzzMarshalStringQuotes(f *testing.F) {
	for _, s := range []string{"", "0xabc", `a"b`, `back\slash`, "tab\t", "\x00", "\x7f", "é", "✓", "\xff", "<&>"} {
		f.Add(s)
	}
	for c := range 256 {
		f.Add(string([]byte{byte(c)}))
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		marshalString(s).MarshalGQL(&buf)
		if want := strconv.Quote(s); buf.String() != want {
			t.Fatalf("marshalString(%q) = %s, want %s", s, buf.String(), want)
		}
	})
}
