package provider

import (
	"net/url"
	"strings"
)

const (
	mask = "***"
	// badURL stands for a URL whose secret parts cannot be told apart.
	badURL = "<redacted url>"
	// minSecret is the shortest URL part masked in error texts: masking shorter
	// strings would garble messages and hide nothing worth guessing.
	minSecret = 4
	// minKey is the length from which a path segment is taken for an API key.
	minKey = 16
)

// Redact returns rawURL fit for logs and metrics: scheme, host, port and path,
// where
//   - userinfo (user and password) is removed;
//   - every query value is replaced by "***", the parameter names kept, and a
//     parameter without "=" is replaced whole;
//   - every path segment that looks like an API key — at least 16 characters,
//     all letters, digits, '-' or '_', as in Infura's /v3/<key> and Alchemy's
//     /v2/<key> — is replaced by "***";
//   - the fragment is dropped.
//
// A URL that does not parse, or has no host, yields "<redacted url>".
func Redact(rawURL string) string {
	name, _ := redact(rawURL)
	return name
}

// redact returns Redact(rawURL) and the parts it hid, to mask in error texts.
func redact(rawURL string) (name string, secrets []string) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return badURL, keep(rawURL)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		secrets = append(secrets, keep(u.User.Username(), pw)...)
	}

	segs := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segs {
		if looksLikeKey(seg) {
			secrets = append(secrets, seg)
			segs[i] = mask
		}
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host + strings.Join(segs, "/"))

	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		for i, param := range params {
			key, val, ok := strings.Cut(param, "=")
			switch {
			case !ok && param != "":
				secrets = append(secrets, keep(param)...)
				params[i] = mask
			case val != "":
				secrets = append(secrets, keep(val)...)
				params[i] = key + "=" + mask
			}
		}
		b.WriteString("?" + strings.Join(params, "&"))
	}
	return b.String(), secrets
}

// keep returns the parts long enough to be masked in error texts.
func keep(parts ...string) []string {
	var out []string
	for _, s := range parts {
		if len(s) >= minSecret {
			out = append(out, s)
		}
	}
	return out
}

func looksLikeKey(seg string) bool {
	if len(seg) < minKey {
		return false
	}
	for _, r := range seg {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// scrub masks secrets in msg.
func scrub(msg string, secrets []string) string {
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, mask)
	}
	return msg
}
