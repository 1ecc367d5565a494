package bitcoin

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

// maxEsploraText bounds the text answers (a height, a hash, a header).
const maxEsploraText = 1 << 12

// EsploraSource reads blocks from an Esplora REST API, as served by
// mempool.space and blockstream.info: /blocks/tip/height,
// /block-height/{height}, /block/{hash}/header and /block/{hash}/raw.
type EsploraSource struct {
	base   *url.URL
	client *http.Client
}

// NewEsploraSource returns the Esplora source at cfg.URL, the API root
// (such as https://mempool.space/api). Query parameters of the URL (an API
// key) are kept on every request.
func NewEsploraSource(cfg ProviderConfig) (*EsploraSource, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("esplora: url is not an http(s) URL with a host")
	}
	client, err := newHTTPClient("")
	if err != nil {
		return nil, fmt.Errorf("esplora: %w", err)
	}
	return &EsploraSource{base: u, client: client}, nil
}

// TipHeight implements BlockSource.
func (s *EsploraSource) TipHeight(ctx context.Context) (int64, error) {
	text, err := s.getText(ctx, "blocks", "tip", "height")
	if err != nil {
		return 0, err
	}
	h, err := strconv.ParseInt(text, 10, 64)
	if err != nil || h < 0 {
		return 0, fmt.Errorf("tip height: not a height: %.40q", text)
	}
	return h, nil
}

// BlockHash implements BlockSource.
func (s *EsploraSource) BlockHash(ctx context.Context, height int64) (chainhash.Hash, error) {
	text, err := s.getText(ctx, "block-height", strconv.FormatInt(height, 10))
	if err != nil {
		return chainhash.Hash{}, err
	}
	hash, err := chainhash.NewHashFromStr(text)
	if err != nil || len(text) != 2*chainhash.HashSize {
		return chainhash.Hash{}, fmt.Errorf("block-height %d: bad hash %.80q", height, text)
	}
	return *hash, nil
}

// Header implements BlockSource.
func (s *EsploraSource) Header(ctx context.Context, hash chainhash.Hash) (*wire.BlockHeader, error) {
	text, err := s.getText(ctx, "block", hash.String(), "header")
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("block %s header: not hex: %w", hash, err)
	}
	h, err := decodeHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("block %s header: %w", hash, err)
	}
	return h, nil
}

// Block implements BlockSource.
func (s *EsploraSource) Block(ctx context.Context, hash chainhash.Hash) (*wire.MsgBlock, error) {
	raw, err := s.get(ctx, maxBlockSize, "block", hash.String(), "raw")
	if err != nil {
		return nil, err
	}
	blk, err := decodeBlock(raw)
	if err != nil {
		return nil, fmt.Errorf("block %s raw: %w", hash, err)
	}
	return blk, nil
}

func (s *EsploraSource) getText(ctx context.Context, path ...string) (string, error) {
	b, err := s.get(ctx, maxEsploraText, path...)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// get fetches base/path… and returns the body of a 2xx answer of at most
// limit bytes; any other status is an error quoting the start of the body
// (Esplora explains a 404 there: "Block not found").
func (s *EsploraSource) get(ctx context.Context, limit int64, path ...string) ([]byte, error) {
	u := s.base.JoinPath(path...)
	name := "/" + strings.Join(path, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("%s: HTTP %d: %q", name, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: answer larger than %d bytes", name, limit)
	}
	return b, nil
}
