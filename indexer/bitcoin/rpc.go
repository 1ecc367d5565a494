package bitcoin

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

// maxRPCResponse bounds a JSON-RPC response: a block in hex, and the
// envelope around it.
const maxRPCResponse = 2*maxBlockSize + 1<<12

// RPCSource reads blocks over the JSON-RPC interface that Bitcoin Core and
// btcd share: getblockcount, getblockhash, getblockheader <hash> false and
// getblock <hash> 0, the last two answering hex that is decoded here.
//
// It speaks JSON-RPC over HTTP POST itself rather than through btcd's
// rpcclient, whose HTTP POST mode takes no context (a timed-out request
// cannot be abandoned), runs one request at a time per client (blocks could
// not be fetched concurrently), retries a refused connection ten times with
// growing pauses (about 27 s before failover could start), and reads a
// changed cookie only every 30 s. The wire types are btcjson's.
type RPCSource struct {
	url        string // without userinfo
	user, pass string // static credentials; pass empty means cookie or none
	cookieFile string
	client     *http.Client
	id         atomic.Uint64

	mu     sync.Mutex
	cookie *rpcCookie // last read from cookieFile; nil before the first read
}

type rpcCookie struct{ user, pass string }

// NewRPCSource returns the JSON-RPC source of cfg. Credentials in the URL
// are used when cfg sets neither a password nor a cookie file. It does no
// I/O besides reading cfg.CertFile.
func NewRPCSource(cfg ProviderConfig) (*RPCSource, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("rpc: url is not an http(s) URL with a host")
	}
	s := &RPCSource{user: cfg.User, pass: cfg.Password, cookieFile: cfg.CookieFile}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && s.pass == "" && s.cookieFile == "" {
			s.user, s.pass = u.User.Username(), pw
		}
		u.User = nil
	}
	s.url = u.String()
	s.client, err = newHTTPClient(cfg.CertFile)
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	return s, nil
}

// newHTTPClient returns a client that trusts certFile in addition to the
// system roots, when set. Its transport keeps enough idle connections for
// concurrent block fetches.
func newHTTPClient(certFile string) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	if certFile != "" {
		pem, err := os.ReadFile(certFile)
		if err != nil {
			return nil, fmt.Errorf("read cert_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cert_file %s holds no PEM certificate", certFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: t}, nil
}

// TipHeight implements BlockSource.
func (s *RPCSource) TipHeight(ctx context.Context) (int64, error) {
	var height int64
	if err := s.call(ctx, &height, "getblockcount"); err != nil {
		return 0, err
	}
	return height, nil
}

// BlockHash implements BlockSource.
func (s *RPCSource) BlockHash(ctx context.Context, height int64) (chainhash.Hash, error) {
	var text string
	if err := s.call(ctx, &text, "getblockhash", height); err != nil {
		return chainhash.Hash{}, err
	}
	hash, err := chainhash.NewHashFromStr(text)
	if err != nil || len(text) != 2*chainhash.HashSize {
		return chainhash.Hash{}, fmt.Errorf("getblockhash %d: bad hash %.80q", height, text)
	}
	return *hash, nil
}

// Header implements BlockSource.
func (s *RPCSource) Header(ctx context.Context, hash chainhash.Hash) (*wire.BlockHeader, error) {
	raw, err := s.callHex(ctx, "getblockheader", hash.String(), false)
	if err != nil {
		return nil, err
	}
	h, err := decodeHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("getblockheader %s: %w", hash, err)
	}
	return h, nil
}

// Block implements BlockSource.
func (s *RPCSource) Block(ctx context.Context, hash chainhash.Hash) (*wire.MsgBlock, error) {
	// Verbosity 0 is the serialized block, witnesses included, in both
	// Bitcoin Core and btcd (whose getblock also takes a verbosity).
	raw, err := s.callHex(ctx, "getblock", hash.String(), 0)
	if err != nil {
		return nil, err
	}
	blk, err := decodeBlock(raw)
	if err != nil {
		return nil, fmt.Errorf("getblock %s: %w", hash, err)
	}
	return blk, nil
}

// callHex calls a method whose result is a hex string, and decodes it.
func (s *RPCSource) callHex(ctx context.Context, method string, params ...any) ([]byte, error) {
	var text string
	if err := s.call(ctx, &text, method, params...); err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("%s: result is not hex: %w", method, err)
	}
	return raw, nil
}

// call makes one JSON-RPC call and unmarshals its result into result.
func (s *RPCSource) call(ctx context.Context, result any, method string, params ...any) error {
	rawParams := make([]json.RawMessage, len(params))
	for i, p := range params {
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("%s: marshal params: %w", method, err)
		}
		rawParams[i] = b
	}
	body, err := json.Marshal(btcjson.Request{
		Jsonrpc: btcjson.RpcVersion1, Method: method, Params: rawParams, ID: s.id.Add(1),
	})
	if err != nil {
		return fmt.Errorf("%s: marshal request: %w", method, err)
	}

	status, resp, err := s.post(ctx, body, false)
	if status == http.StatusUnauthorized && s.pass == "" && s.cookieFile != "" {
		// bitcoind writes a new cookie each time it starts.
		status, resp, err = s.post(ctx, body, true)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}

	var r struct {
		Result json.RawMessage   `json:"result"`
		Error  *btcjson.RPCError `json:"error"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		// Bitcoin Core answers errors with a JSON body and a 4xx/5xx
		// status; anything else that is not JSON is the status's story.
		if status/100 != 2 {
			return fmt.Errorf("%s: HTTP %d: %.200q", method, status, resp)
		}
		return fmt.Errorf("%s: response is not JSON-RPC: %w", method, err)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: %w", method, r.Error)
	}
	if status/100 != 2 {
		return fmt.Errorf("%s: HTTP %d", method, status)
	}
	if len(r.Result) == 0 || string(r.Result) == "null" {
		// Unmarshalling null would leave a zero result: height 0.
		return fmt.Errorf("%s: no result", method)
	}
	if err := json.Unmarshal(r.Result, result); err != nil {
		return fmt.Errorf("%s: result %.80q: %w", method, r.Result, err)
	}
	return nil
}

// post sends one request body and returns the response status and body.
func (s *RPCSource) post(ctx context.Context, body []byte, rereadCookie bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	user, pass, err := s.auth(rereadCookie)
	if err != nil {
		return 0, nil, err
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxRPCResponse+1))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("read response: %w", err)
	}
	if len(b) > maxRPCResponse {
		return resp.StatusCode, nil, fmt.Errorf("response larger than %d bytes", maxRPCResponse)
	}
	return resp.StatusCode, b, nil
}

// auth returns the credentials to send: the configured ones, or the
// cookie's, read on first use and again when reread is set.
func (s *RPCSource) auth(reread bool) (user, pass string, err error) {
	if s.pass != "" || s.cookieFile == "" {
		return s.user, s.pass, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cookie == nil || reread {
		c, err := readCookie(s.cookieFile)
		if err != nil {
			return "", "", err
		}
		s.cookie = &c
	}
	return s.cookie.user, s.cookie.pass, nil
}

// readCookie reads a Bitcoin Core cookie file: "__cookie__:<password>".
func readCookie(path string) (rpcCookie, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return rpcCookie{}, fmt.Errorf("read cookie: %w", err)
	}
	user, pass, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	if !ok || user == "" || pass == "" {
		// The content is a secret: never quote it.
		return rpcCookie{}, fmt.Errorf("cookie file %s is not <user>:<password>", path)
	}
	return rpcCookie{user: user, pass: pass}, nil
}
