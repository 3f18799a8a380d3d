// Who may talk to the web server. Pure functions so the rules are tested on their own:
// - bound to loopback: only requests whose Host is a loopback name (stops DNS rebinding), and
//   a POST from another web page is refused by its Origin (stops cross-site requests);
// - bound to anything else: every request carries the random token printed at start (header,
//   `?token=` once, or the cookie set from it).
import { timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'shoebox_token';
export const TOKEN_HEADER = 'x-shoebox-token';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Splits a Host header into name and port; null when it is not one. */
export function parseHostHeader(value: string | undefined): { name: string; port: string | null } | null {
  if (!value) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  return { name: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ?? null };
}

export interface GuardConfig {
  /** The address the server is bound to. */
  host: string;
  port: number;
  /** Required when `host` is not loopback. */
  token: string | null;
}

export interface RequestFacts {
  method: string;
  hostHeader: string | undefined;
  origin: string | undefined;
  tokenHeader: string | undefined;
  tokenQuery: string | null;
  cookie: string | undefined;
  secFetchSite?: string | undefined;
}

export type GuardVerdict = { allow: true; setCookie: boolean } | { allow: false; status: 401 | 403; reason: string };

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export function checkRequest(cfg: GuardConfig, req: RequestFacts): GuardVerdict {
  const host = parseHostHeader(req.hostHeader);
  if (!host) return { allow: false, status: 403, reason: 'missing or malformed Host header' };
  if (isLoopbackHost(cfg.host) && !isLoopbackHost(host.name)) {
    return { allow: false, status: 403, reason: 'this server only answers to localhost' };
  }
  // A state-changing request from another site's page: refuse (browsers always send Origin on POST).
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (req.origin !== undefined && req.origin !== `http://${req.hostHeader}`) {
      return { allow: false, status: 403, reason: 'cross-origin requests are refused' };
    }
    if (req.secFetchSite && req.secFetchSite !== 'same-origin' && req.secFetchSite !== 'none') {
      return { allow: false, status: 403, reason: 'cross-site requests are refused' };
    }
  }
  if (!cfg.token) return { allow: true, setCookie: false };
  if (req.tokenHeader && tokensEqual(req.tokenHeader, cfg.token)) return { allow: true, setCookie: false };
  const fromCookie = cookieValue(req.cookie, TOKEN_COOKIE);
  if (fromCookie && tokensEqual(fromCookie, cfg.token)) return { allow: true, setCookie: false };
  if (req.tokenQuery && tokensEqual(req.tokenQuery, cfg.token)) return { allow: true, setCookie: true };
  return { allow: false, status: 401, reason: 'this server needs the access token printed when it started (open the printed URL)' };
}

/** Content-Security-Policy for the renderer: same-origin everything, WASM for the text encoder. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
