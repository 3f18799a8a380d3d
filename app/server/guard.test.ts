import { describe, expect, it } from 'vitest';
import { checkRequest, cookieValue, isLoopbackHost, parseHostHeader, type RequestFacts } from './guard.js';

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET', hostHeader: '127.0.0.1:5000', origin: undefined, tokenHeader: undefined, tokenQuery: null, cookie: undefined, ...over,
});
const loop = { host: '127.0.0.1', port: 5000, token: null };
const lan = { host: '0.0.0.0', port: 5000, token: 'sekret-token' };

describe('guard', () => {
  it('knows loopback names', () => {
    expect(['localhost', '127.0.0.1', '127.4.5.6', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', 'evil.example', 'localhost.evil.example'].some(isLoopbackHost)).toBe(false);
  });
  it('parses Host headers', () => {
    expect(parseHostHeader('localhost:80')).toEqual({ name: 'localhost', port: '80' });
    expect(parseHostHeader('[::1]:8080')).toEqual({ name: '::1', port: '8080' });
    expect(parseHostHeader('a b')).toBeNull();
    expect(parseHostHeader(undefined)).toBeNull();
  });
  it('on loopback refuses foreign Host headers (DNS rebinding) and cross-origin POSTs', () => {
    expect(checkRequest(loop, facts()).allow).toBe(true);
    expect(checkRequest(loop, facts({ hostHeader: 'localhost:5000' })).allow).toBe(true);
    expect(checkRequest(loop, facts({ hostHeader: 'attacker.example:5000' })).allow).toBe(false);
    expect(checkRequest(loop, facts({ method: 'POST', origin: 'http://127.0.0.1:5000' })).allow).toBe(true);
    expect(checkRequest(loop, facts({ method: 'POST', origin: 'https://attacker.example' })).allow).toBe(false);
    expect(checkRequest(loop, facts({ method: 'POST', secFetchSite: 'cross-site' })).allow).toBe(false);
  });
  it('off loopback requires the token on every request', () => {
    const h = { hostHeader: '192.168.1.2:5000' };
    expect(checkRequest(lan, facts(h))).toMatchObject({ allow: false, status: 401 });
    expect(checkRequest(lan, facts({ ...h, tokenHeader: 'wrong' })).allow).toBe(false);
    expect(checkRequest(lan, facts({ ...h, tokenHeader: 'sekret-token' }))).toEqual({ allow: true, setCookie: false });
    expect(checkRequest(lan, facts({ ...h, tokenQuery: 'sekret-token' }))).toEqual({ allow: true, setCookie: true });
    expect(checkRequest(lan, facts({ ...h, cookie: 'a=b; shoebox_token=sekret-token' }))).toEqual({ allow: true, setCookie: false });
  });
  it('reads cookies', () => {
    expect(cookieValue('a=1; b=two', 'b')).toBe('two');
    expect(cookieValue('a=1', 'b')).toBeNull();
  });
});
