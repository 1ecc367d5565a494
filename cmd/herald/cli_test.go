package main

import (
	"bytes"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"golang.org/x/mod/semver"

	"github.com/herald-indexer/herald/indexer/bitcoin"
)

// Help is asked for, not an error: every way of asking prints to stdout
// and succeeds, and a command's help shows its own flags.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Commands:", "dev ", "payload ", "Flags of every command", "-database-url"}},
		{[]string{"-h"}, []string{"Commands:"}},
		{[]string{"help"}, []string{"Commands:", "herald help <command>"}},
		{[]string{"help", "dev"}, []string{"Usage: herald dev", "-no-reorgs", "-evm-rpc", "-listen", "-database-url"}},
		{[]string{"dev", "-h"}, []string{"Usage: herald dev", "-btc-block-interval"}},
		{[]string{"run", "-h"}, []string{"Usage: herald run", "-config"}},
		{[]string{"-config", "x.yaml", "serve", "--help"}, []string{"Usage: herald serve"}},
		{[]string{"help", "payload"}, []string{"INSCRIPTION_ID EXPIRY_HEIGHT", "-data"}},
	} {
		var out, errOut bytes.Buffer
		if err := run(tc.args, env(nil), &out, &errOut); err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: help lacks %q:\n%s", tc.args, w, out.String())
			}
		}
		if strings.Contains(out.String()+errOut.String(), "flag: help requested") {
			t.Errorf("%v: %s", tc.args, out.String()+errOut.String())
		}
	}
	var out bytes.Buffer
	if err := run([]string{"help", "bogus"}, env(nil), &out, &out); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("help bogus: %v", err)
	}
	if err := run([]string{"bogus"}, env(nil), &out, &out); err == nil || !strings.Contains(err.Error(), "herald help") {
		t.Errorf("an unknown command: %v", err)
	}
}

func TestVersionSaysWhatItKnows(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"version"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "herald ") || !strings.Contains(out.String(), "go1.") {
		t.Fatalf("version: %q", out.String())
	}
}

// A binary built from a git checkout says its semantic version, from the
// tags (a v0.0.0 pseudo-version in a clone without them), and its commit.
func TestBuiltVersionComesFromGit(t *testing.T) {
	t.Parallel() // a build of its own: let the other tests run meanwhile
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "herald")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 || !semver.IsValid(strings.TrimSuffix(fields[1], ",")) {
		t.Fatalf("herald version: %q, want a semantic version second", out)
	}
	if !strings.Contains(string(out), "commit "+strings.TrimSpace(string(head))) {
		t.Errorf("herald version: %q, want commit %s", out, head)
	}
	if tag, err := exec.Command("git", "describe", "--tags", "--exact-match", "--match", "v*").Output(); err == nil && !strings.Contains(string(out), "uncommitted") {
		if v := strings.TrimSpace(string(tag)); strings.TrimSuffix(fields[1], ",") != v {
			t.Errorf("herald version at tag %s says %s", v, fields[1])
		}
	}
}

func TestSemanticVersion(t *testing.T) {
	for v, want := range map[string]string{
		"v0.2.0": "v0.2.0", "v0.2.1-0.20261202003305-e4a8049a6d73": "v0.2.1-0.20261202003305-e4a8049a6d73",
		"v0.2.1-0.20261202003305-e4a8049a6d73+dirty": "v0.2.1-0.20261202003305-e4a8049a6d73+dirty",
		"(devel)": "devel", "": "devel",
	} {
		if got := semanticVersion(&debug.BuildInfo{Main: debug.Module{Version: v}}); got != want {
			t.Errorf("%q: %q, want %q", v, got, want)
		}
	}
}

// herald payload prints the script (or its data) that the indexer reads
// as a registration of that NFT until that height.
func TestPayloadCommand(t *testing.T) {
	const id = "6fb976ab49dcec017f1e201e84395983204ae1a7c2abf7ced0a85d692e442799i0"
	var out bytes.Buffer
	if err := run([]string{"payload", id, "900000"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	script, err := hex.DecodeString(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("not hex: %q", out.String())
	}
	data, ok := bitcoin.OpReturnPayload(script)
	p, err := bitcoin.ParsePayload(data)
	if !ok || err != nil || p.InscriptionID.String() != id || p.ExpiryHeight != 900000 {
		t.Fatalf("%x reads back as %+v (%v, %v)", script, p, ok, err)
	}
	out.Reset()
	if err := run([]string{"payload", "-data", strings.ToUpper(id[:64]) + "i0", "900000"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	if got, _ := hex.DecodeString(strings.TrimSpace(out.String())); string(got) != id+"|900000" {
		t.Fatalf("-data printed %q", got)
	}
	for _, bad := range [][]string{{"payload", "nope", "1"}, {"payload", id, "-5"}, {"payload", id}, {"payload", id, "2147483648"}} {
		if err := run(bad, env(nil), &out, &out); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
