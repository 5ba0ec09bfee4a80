import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuthorised, bearerToken, failureReply, jsonBody, Router, Scripts, sendReply, startServer, type StandInServer } from '../../packages/standins/src/http/index.js';

/**
 * The HTTP plumbing the three stand-ins share (packages/standins/src/http):
 * the route table, the failure scripts, the credential checks, and the server
 * and reply writer over real loopback HTTP.
 */

describe('Router', () => {
  const router = new Router<string, string>()
    .on('GET', '/wiki/api/v2/pages', (c) => `list ${c}`)
    .on(['GET', 'PUT'], '/wiki/api/v2/pages/{id:\\d+}', (_c, p) => `page ${p['id']}`)
    .on('DELETE', '/rest/api/content/{id}/label/{name}', (_c, p) => `label ${p['id']} ${p['name']}`)
    .on('GET', '/a.b', () => 'dot');

  it('matches the method and the whole path, exact or by template, first route first', () => {
    expect(router.match('GET', '/wiki/api/v2/pages')?.('ctx')).toBe('list ctx');
    expect(router.match('get', '/wiki/api/v2/pages')?.('ctx')).toBe('list ctx');
    expect(router.match('POST', '/wiki/api/v2/pages')).toBeUndefined();
    expect(router.match('GET', '/wiki/api/v2/pages/')).toBeUndefined();
    expect(router.match('GET', '/x/wiki/api/v2/pages')).toBeUndefined();
    expect(router.match('PUT', '/wiki/api/v2/pages/42')?.('')).toBe('page 42');
    // A segment pattern is kept: a page id is digits.
    expect(router.match('GET', '/wiki/api/v2/pages/abc')).toBeUndefined();
    // Literal parts are not patterns.
    expect(router.match('GET', '/aXb')).toBeUndefined();
    expect(router.match('GET', '/a.b')?.('')).toBe('dot');
  });

  it('hands the segments over decoded; a malformed escape stays as sent', () => {
    expect(router.match('DELETE', '/rest/api/content/7/label/team%20a%2Fb')?.('')).toBe('label 7 team a/b');
    expect(router.match('DELETE', '/rest/api/content/7/label/%E0%A4%A')?.('')).toBe('label 7 %E0%A4%A');
    // One segment each: a slash in the path does not fall into a parameter.
    expect(router.match('DELETE', '/rest/api/content/7/x/label/y')).toBeUndefined();
  });
});

describe('Scripts (failure injection)', () => {
  const key = (method: string, path: string, query = '') => ({ method, path, query });

  it('uses a script for `times` matching requests, first added first', () => {
    const s = new Scripts<string>();
    s.add({ method: 'post', path: '/rest/api/3/issue' }, 'first', 2);
    s.add({ path: /^\/rest\/api\/3\/issue/ }, 'second');
    expect(s.take(key('GET', '/rest/api/3/issue'))).toBe('second');
    expect(s.take(key('POST', '/rest/api/3/issue'))).toBe('first');
    expect(s.take(key('POST', '/rest/api/3/issue/1'))).toBeUndefined();
    expect(s.take(key('POST', '/rest/api/3/issue'))).toBe('first');
    expect(s.take(key('POST', '/rest/api/3/issue'))).toBeUndefined();
  });

  it('a string path is the whole path, or a part of it when the stand-in scripts by fragment', () => {
    const exact = new Scripts<string>();
    exact.add({ path: '/pages' }, 'x');
    expect(exact.take(key('GET', '/wiki/api/v2/pages'))).toBeUndefined();
    const fragment = new Scripts<string>(true);
    fragment.add({ path: '/pages' }, 'x');
    expect(fragment.take(key('GET', '/wiki/api/v2/pages'))).toBe('x');
  });

  it('matches the query string, filters by kind, and never uses a script given zero times', () => {
    const s = new Scripts<{ kind: string }>();
    s.add({ query: /uploadType=resumable/ }, { kind: 'fail' });
    s.add({}, { kind: 'drop' }, 0);
    expect(s.take(key('POST', '/upload/drive/v3/files', 'uploadType=media'))).toBeUndefined();
    expect(s.take(key('POST', '/upload/drive/v3/files', 'uploadType=resumable'), (x) => x.kind === 'drop')).toBeUndefined();
    expect(s.take(key('POST', '/upload/drive/v3/files', 'uploadType=resumable'), (x) => x.kind === 'fail')).toEqual({ kind: 'fail' });
  });

  it('an injected failure carries Retry-After and the service body unless one is given', () => {
    expect(failureReply({ status: 429, retryAfter: '7' }, (status) => ({ status }))).toEqual({ status: 429, json: { status: 429 }, headers: { 'retry-after': '7' } });
    expect(failureReply({ status: 500, body: { own: true } }, () => ({}))).toEqual({ status: 500, json: { own: true }, headers: {} });
  });
});

describe('credentials and bodies', () => {
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

  it('Basic: exactly the expected email and token; any Basic credentials when none are expected; never another scheme', () => {
    const expected = { user: 'dev@example.com', password: 'tok' };
    expect(basicAuthorised(basic('dev@example.com:tok'), expected)).toBe(true);
    expect(basicAuthorised(basic('dev@example.com:tok2'), expected)).toBe(false);
    expect(basicAuthorised(basic('dev@example.com:tok') + 'AA', expected)).toBe(false);
    expect(basicAuthorised(undefined, expected)).toBe(false);
    expect(basicAuthorised(basic('anyone:anything'), undefined)).toBe(true);
    expect(basicAuthorised('Bearer abc', undefined)).toBe(false);
  });

  it('Bearer tokens', () => {
    expect(bearerToken('Bearer ya29.abc')).toBe('ya29.abc');
    expect(bearerToken('bearer ya29.abc')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('JSON bodies: none, valid, not JSON', () => {
    expect(jsonBody(Buffer.alloc(0))).toEqual({ ok: true, value: undefined });
    expect(jsonBody(Buffer.from('{"a":[1]}'))).toEqual({ ok: true, value: { a: [1] } });
    expect(jsonBody(Buffer.from('{"a":'))).toEqual({ ok: false });
  });
});

describe('startServer and sendReply over loopback HTTP', () => {
  let server: StandInServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const call = (path: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${server!.origin}${path}`, { method: body === undefined ? 'GET' : 'POST' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('listens on 127.0.0.1, reads the whole body, writes JSON, bytes and empty answers in the service style', async () => {
    const style = { jsonType: 'application/json;charset=UTF-8', headers: () => ({ 'x-request-id': 'r1' }) };
    server = await startServer(
      async (x) => {
        if (x.path === '/echo') return sendReply(x.res, { status: 201, json: { method: x.method, q: x.query.get('q'), got: x.body.toString() } }, style);
        if (x.path === '/bytes') return sendReply(x.res, { status: 200, bytes: { data: Buffer.from([0, 1, 2]), type: 'application/octet-stream' } }, style);
        return sendReply(x.res, { status: 204, json: { ignored: true }, headers: { 'retry-after': '1' } }, style);
      },
      { onError: () => undefined },
    );
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const big = 'x'.repeat(200_000);
    const echo = await call('/echo?q=1', big);
    expect(echo.status).toBe(201);
    expect(JSON.parse(echo.text)).toEqual({ method: 'POST', q: '1', got: big });
    expect(echo.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(echo.text)));
    expect(echo.headers['x-request-id']).toBe('r1');
    const bytes = await call('/bytes');
    expect([bytes.headers['content-type'], bytes.headers['content-length'], bytes.text]).toEqual(['application/octet-stream', '3', '\u0000\u0001\u0002']);
    const empty = await call('/none');
    expect([empty.status, empty.text, empty.headers['content-type'], empty.headers['retry-after']]).toEqual([204, '', undefined, '1']);
  });

  it('a handler that throws is answered by the service error shape, and the server keeps serving', async () => {
    let calls = 0;
    server = await startServer(
      (x) => {
        calls++;
        if (calls === 1) throw new Error('stand-in bug');
        return sendReply(x.res, { status: 200, json: { calls } }, { jsonType: 'application/json' });
      },
      { onError: (x, e) => void sendReply(x.res, { status: 500, json: { error: e.message } }, { jsonType: 'application/json' }) },
    );
    expect(await call('/')).toMatchObject({ status: 500, text: '{"error":"stand-in bug"}' });
    expect(await call('/')).toMatchObject({ status: 200, text: '{"calls":2}' });
  });

  it('close() ends kept-alive connections, and the port is refused afterwards', async () => {
    server = await startServer((x) => sendReply(x.res, { status: 200, json: {} }, { jsonType: 'application/json' }), { onError: () => undefined });
    const origin = server.origin;
    expect((await fetch(origin, { keepalive: true })).status).toBe(200);
    await server.close();
    server = undefined;
    await expect(fetch(origin)).rejects.toThrow();
  });
});
