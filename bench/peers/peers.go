package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// process is a peer server this run started.
type process struct {
	name string
	cmd  *exec.Cmd
	url  string
}

func (p *process) pids() []int {
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	return []int{p.cmd.Process.Pid}
}

func (p *process) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startHerald runs `herald serve` on the database, rate limits off (the
// benchmark is its only client), everything else as configured by default.
func startHerald(bin, dir, dbURL string) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "herald.yaml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, "http:\n  listen: 127.0.0.1:%d\nlimits:\n  rate_per_second: 0\n", port), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "-config", cfg, "-database-url", dbURL, "-log-level", "warn")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start herald: %w", err)
	}
	return &process{name: "herald", cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port)}, nil
}

// startPostGraphile runs PostGraphile 4 from dir's node_modules on the
// same database, with the connection-filter plugin (for `in` lists) and
// query logging off, as in production.
func startPostGraphile(dir, dbURL string) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "node_modules", ".bin", "postgraphile")
	cmd := exec.Command(bin, "-c", dbURL, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--disable-query-log", "--append-plugins", "postgraphile-plugin-connection-filter")
	cmd.Env = append(os.Environ(), "NODE_ENV=production")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgraphile: %w", err)
	}
	return &process{name: "postgraphile", cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port)}, nil
}

var (
	progressLine = regexp.MustCompile(`progress: ([0-9.]+) s, ([0-9.]+) tps`)
	tpsLine      = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
)

// pgbench runs scripts (chosen at random per transaction) with clients
// connections for d, prepared statements, and returns what it did.
func pgbench(ctx context.Context, dir, dbURL string, clients int, d time.Duration, scripts, vars []string, pg func() []int) (run, error) {
	// Each connection prepares each script's statement on its first use:
	// only the seconds after warm are counted (pgbench's progress lines).
	const warm = 3
	args := []string{"-n", "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(int(d.Seconds()) + warm), "-M", "prepared", "-P", "1"}
	for i, s := range scripts {
		f := filepath.Join(dir, fmt.Sprintf("script-%d.sql", i))
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			return run{}, err
		}
		args = append(args, "-f", f)
	}
	for _, v := range vars {
		args = append(args, "-D", v)
	}
	args = append(args, dbURL)
	groups := map[string]func() []int{"postgres": pg}
	before := pidCPU(groups)
	cmd := exec.CommandContext(ctx, "pgbench", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return run{}, fmt.Errorf("pgbench: %w\n%.2000s", err, out)
	}
	var per []float64
	for _, m := range progressLine.FindAllSubmatch(out, -1) {
		at, _ := strconv.ParseFloat(string(m[1]), 64)
		tps, _ := strconv.ParseFloat(string(m[2]), 64)
		if at > warm {
			per = append(per, tps)
		}
	}
	if len(per) == 0 {
		return run{}, fmt.Errorf("pgbench: no progress after %d s in\n%.2000s", warm, out)
	}
	tps := 0.0
	for _, x := range per {
		tps += x
	}
	tps /= float64(len(per))
	// The CPU of the whole run, warm-up included, per transaction of it.
	all := tpsLine.FindSubmatch(out)
	if all == nil {
		return run{}, fmt.Errorf("pgbench: no tps in\n%.2000s", out)
	}
	total, _ := strconv.ParseFloat(string(all[1]), 64)
	whole := time.Duration(int(d.Seconds())+warm) * time.Second
	r := run{elapsed: d, requests: int(tps * d.Seconds()), cpu: cpuSince(groups, before)}
	// cpuPer divides by requests: scale the whole run's CPU to them.
	scale := (tps * d.Seconds()) / (total * whole.Seconds())
	r.cpu["postgres"] = time.Duration(float64(r.cpu["postgres"]) * scale)
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu["client"] = time.Duration(float64(u.Utime.Nano()+u.Stime.Nano()) * scale)
	}
	if failed := regexp.MustCompile(`number of failed transactions: ([1-9][0-9]*)`).FindSubmatch(out); failed != nil {
		r.errors, _ = strconv.Atoi(string(failed[1]))
	}
	return r, nil
}
