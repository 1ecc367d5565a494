package devnet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/rpcclient"
)

// btcdInstall is how to get the btcd binary the Bitcoin devnet runs.
const btcdInstall = "go install github.com/btcsuite/btcd@v0.24.2"

// btcdStartTimeout bounds how long a fresh btcd may take to answer RPC.
const btcdStartTimeout = 30 * time.Second

// FindBtcd returns the path of the btcd binary: exe if set, else btcd on
// PATH, in $GOBIN, in each $GOPATH's bin, or in ~/go/bin (where `go install`
// puts it by default).
func FindBtcd(exe string) (string, error) {
	if exe != "" {
		if _, err := os.Stat(exe); err != nil {
			return "", fmt.Errorf("btcd binary %s: %w", exe, err)
		}
		return exe, nil
	}
	if p, err := exec.LookPath("btcd"); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, dir := range filepath.SplitList(os.Getenv("GOPATH")) {
		if dir != "" {
			dirs = append(dirs, filepath.Join(dir, "bin"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, "btcd")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("btcd not found on PATH, in $GOBIN, $GOPATH/bin or ~/go/bin: install it with `%s`", btcdInstall)
}

// btcd is a running btcd regtest node.
type btcd struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	err    error         // the process's exit status, set before exited closes
	logDir string

	rpcAddr, user, password, certFile string
	client                            *rpcclient.Client
}

// startBtcd starts btcd on regtest with its state in dir, mining to
// miningAddr, and waits until it answers RPC.
func startBtcd(ctx context.Context, exe, dir string, miningAddr btcutil.Address) (*btcd, error) {
	certFile, keyFile := filepath.Join(dir, "rpc.cert"), filepath.Join(dir, "rpc.key")
	cert, key, err := btcutil.NewTLSCertPair("herald devnet", time.Now().Add(10*365*24*time.Hour), nil)
	if err != nil {
		return nil, fmt.Errorf("btcd rpc certificate: %w", err)
	}
	if err := os.WriteFile(certFile, cert, 0o600); err != nil {
		return nil, fmt.Errorf("write btcd rpc certificate: %w", err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		return nil, fmt.Errorf("write btcd rpc key: %w", err)
	}
	password, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	n := &btcd{
		exited:   make(chan struct{}),
		logDir:   filepath.Join(dir, "logs"),
		rpcAddr:  fmt.Sprintf("127.0.0.1:%d", port),
		user:     "herald",
		password: password,
		certFile: certFile,
	}
	n.cmd = exec.Command(exe,
		"--regtest",
		"--datadir="+filepath.Join(dir, "data"),
		"--logdir="+n.logDir,
		"--rpcuser="+n.user,
		"--rpcpass="+n.password,
		"--rpclisten="+n.rpcAddr,
		"--rpccert="+certFile,
		"--rpckey="+keyFile,
		"--nolisten",
		"--txindex",
		"--miningaddr="+miningAddr.EncodeAddress(),
	)
	n.cmd.SysProcAttr = childAttr()
	// btcd logs to its log directory as well; its standard output would
	// only repeat that.
	n.cmd.Stdout, n.cmd.Stderr = nil, nil
	if err := n.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start btcd: %w", err)
	}
	go func() {
		n.err = n.cmd.Wait()
		close(n.exited)
	}()

	n.client, err = rpcclient.New(&rpcclient.ConnConfig{
		Host:         n.rpcAddr,
		User:         n.user,
		Pass:         n.password,
		HTTPPostMode: true,
		Certificates: cert,
	}, nil)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("btcd rpc client: %w", err), n.stop(ctx))
	}
	if err := n.waitReady(ctx); err != nil {
		return nil, errors.Join(err, n.stop(ctx))
	}
	return n, nil
}

// waitReady polls the node's RPC until it answers, the process exits, or
// the start-up timeout passes.
func (n *btcd) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, btcdStartTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := n.client.GetBlockCount()
		if err == nil {
			return nil
		}
		select {
		case <-n.exited:
			return fmt.Errorf("btcd exited during start-up (%v); its log ends with:\n%s", n.err, n.logTail())
		case <-ctx.Done():
			return fmt.Errorf("btcd did not answer RPC on %s: %w (last error: %v)", n.rpcAddr, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// stop interrupts the node and waits for it to exit; if ctx ends first, it
// kills it.
func (n *btcd) stop(ctx context.Context) error {
	if n.client != nil {
		n.client.Shutdown()
	}
	select {
	case <-n.exited:
		return nil
	default:
	}
	err := n.cmd.Process.Signal(os.Interrupt)
	if errors.Is(err, os.ErrProcessDone) {
		<-n.exited
		return nil
	}
	if err == nil {
		select {
		case <-n.exited:
			return nil
		case <-ctx.Done():
		}
	}
	killErr := n.cmd.Process.Kill()
	<-n.exited
	if killErr != nil {
		return fmt.Errorf("kill btcd: %w", killErr)
	}
	if err != nil {
		return fmt.Errorf("interrupt btcd: %w; it was killed", err)
	}
	return fmt.Errorf("btcd did not stop in time and was killed: %w", ctx.Err())
}

// logTail returns the last lines of btcd's log, to explain a failed start.
func (n *btcd) logTail() string {
	b, err := os.ReadFile(filepath.Join(n.logDir, "regtest", "btcd.log"))
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// freePort returns a loopback TCP port that nothing listened on a moment
// ago. btcd takes its RPC port as a flag and does not report the one it
// bound, so the port is chosen here.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	if !ok {
		return 0, fmt.Errorf("find a free port: listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}
