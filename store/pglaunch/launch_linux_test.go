package pglaunch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperDirEnv makes the test binary act as a herald that starts a server on
// the given data directory and then waits to be killed.
const helperDirEnv = "PGLAUNCH_TEST_HELPER_DIR"

func TestServerDiesWithHerald(t *testing.T) {
	if dir := os.Getenv(helperDirEnv); dir != "" {
		runHelper(dir)
		return
	}
	dir := t.TempDir()
	helper := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestServerDiesWithHerald$")
	helper.Env = append(os.Environ(), helperDirEnv+"="+dir)
	helper.Stderr = os.Stderr
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read postmaster pid from helper: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "postmaster "))
	if err != nil {
		t.Fatalf("helper said %q: %v", line, err)
	}

	if err := helper.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = helper.Wait()
	waitGone(t, pid)

	// The killed server left a stale postmaster.pid; Start must get past it.
	s := start(t, Options{DataDir: dir, Ephemeral: true})
	if err := open(t, s.URL()).PingContext(t.Context()); err != nil {
		t.Fatalf("connect after restart: %v", err)
	}
}

func runHelper(dir string) {
	s, err := Start(context.Background(), Options{DataDir: dir, Ephemeral: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	fmt.Printf("postmaster %d\n", s.cmd.Process.Pid)
	<-s.Done()
	os.Exit(1)
}

// waitGone waits until process pid has died (a zombie counts: it is dead,
// only not yet reaped by its new parent).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err == nil {
			// The state follows the command name, which is in parentheses.
			if i := strings.LastIndexByte(string(b), ')'); i >= 0 && strings.HasPrefix(string(b[i:]), ") Z") {
				t.Logf("postmaster %d is a zombie", pid)
				return
			}
		}
		select {
		case <-t.Context().Done():
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("postmaster %d still alive after herald was killed", pid)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
