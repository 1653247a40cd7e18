// utils/api.js and the runtime adapter against the real server: what WeChat refuses is refused,
// and the layer logs in again, keeps one Idempotency-Key per action, retries, honours retry_after,
// uses ETags, and shows the server's Chinese message.
const fs = require('fs');
const path = require('path');
const { boot } = require('./harness');
const { FACES } = require('./runtime');

const { runtime, api, server } = boot();
const ME = `mp-api-${Date.now().toString(36)}`;

beforeAll(() => runtime.as(ME));
afterAll(() => runtime.cleanup());

function raw(method, opts) {
  return new Promise((resolve, reject) => {
    runtime.wx[method]({ ...opts, success: resolve, fail: reject });
  });
}

describe('the runtime adapter refuses what WeChat refuses', () => {
  test('no PATCH, absolute URLs only', () => {
    expect(() => runtime.wx.request({ url: `${server.base_url}/api/v1/me`, method: 'PATCH' })).toThrow(/no method PATCH/);
    expect(() => runtime.wx.request({ url: '/api/v1/me' })).toThrow(/absolute/);
    expect(() => runtime.wx.request({ url: 'https://elsewhere.example.com/x' })).toThrow(/whitelisted/);
    expect(typeof api.put).toBe('function');
    expect(api.patch).toBeUndefined();
    runtime.state.violations.length = 0;
  });

  test('uploads: one file, string fields, and the answer has no headers', async () => {
    const photo = path.join(FACES, 'img1.jpg');
    expect(fs.existsSync(photo)).toBe(true); // ../shared/faces must be there (CI fails without it)
    expect(() => runtime.wx.uploadFile({ url: `${server.base_url}/api/v1/faces/checks`, name: 'frames',
                                         filePath: photo, formData: { project_id: 1 } })).toThrow(/must be a string/);
    expect(() => runtime.wx.uploadFile({ url: `${server.base_url}/api/v1/faces/checks`, name: 'frames',
                                         filePath: [photo, photo] })).toThrow(/one file/);
    runtime.state.violations.length = 0;
    const res = await raw('uploadFile', { url: `${server.base_url}/api/v1/faces/checks`, name: 'frames', filePath: photo,
                                          formData: { kind: 'enroll' } });
    expect(Object.keys(res).sort()).toEqual(['data', 'errMsg', 'statusCode']);
    expect(res.statusCode).toBe(401); // every status arrives in success; no token here
    expect(JSON.parse(res.data).error.code).toBe('UNAUTHENTICATED');
  });

  test('any HTTP status is delivered to success', async () => {
    const res = await raw('request', { url: `${server.base_url}/api/v1/join/NOPE42` });
    expect(res.statusCode).toBe(401);
    expect(res.data.error.message).toBeTruthy();
  });
});

describe('utils/api.js', () => {
  test('logs in with wx.login, and again on 401 without bothering the user', async () => {
    const me = await api.get('/api/v1/me');
    expect(me.memberships).toEqual([]);
    const logins = () => runtime.requestsTo('/api/v1/auth/login', 'POST').length;
    const before = logins();
    runtime.wx.setStorageSync('siteroll.token', 'expired.or.revoked');
    const again = await api.get('/api/v1/me');
    expect(again.id).toBe(me.id);
    expect(logins()).toBe(before + 1);
    const calls = runtime.requestsTo('/api/v1/me', 'GET').slice(-2);
    expect(calls.map((c) => c.response.status)).toEqual([401, 200]);
  });

  test('an error code comes back as the server\'s Chinese message', async () => {
    const err = await api.post('/api/v1/me/consents', { kind: 'biometric', version: 'v0' }).catch((e) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    const last = runtime.requestsTo('/api/v1/me/consents', 'POST').pop();
    expect(last.response.status).toBeGreaterThanOrEqual(400);
    expect(err.code).toMatch(/^[A-Z_]+$/);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(api.errorMessage(err)).toBe(err.message);
  });

  test('429 / 503: waits retry_after and resends with the same Idempotency-Key', async () => {
    runtime.state.fakeAnswers.push(
      { status: 429, body: { error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试', details: {} }, retry_after: 2 } },
      { status: 503, headers: { 'retry-after': '1' },
        body: { error: { code: 'DATABASE_BUSY', message: '系统繁忙，请稍后再试', details: {} } } },
    );
    const started = Date.now();
    const consent = await api.post('/api/v1/me/consents', { kind: 'privacy_policy', version: 'v1' },
      { action: 'consent:privacy_policy:v1' });
    expect(consent.kind).toBe('privacy_policy');
    expect(Date.now() - started).toBeGreaterThanOrEqual((2 + 1) * 50); // retry_after 2 s then 1 s, scaled
    const sent = runtime.requestsTo('/api/v1/me/consents', 'POST').slice(-3);
    expect(new Set(sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(runtime.wx.getStorageSync('siteroll.idempotencyKeys')['consent:privacy_policy:v1']).toBeUndefined();
  });

  test('a long retry_after is shown, not waited for', async () => {
    runtime.state.fakeAnswers.push({ status: 429, body: {
      error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试', details: { retry_after_seconds: 600 } } } });
    const err = await api.get('/api/v1/me').catch((e) => e);
    expect(err.code).toBe('RATE_LIMITED');
    expect(api.errorMessage(err)).toBe('操作过于频繁，请稍后再试');
  });

  test('network failures: backoff retries with one key, kept across the background, used again', async () => {
    runtime.setOnline(false);
    const err = await api.post('/api/v1/me/consents', { kind: 'location', version: 'v1' },
      { action: 'consent:location:v1' }).catch((e) => e);
    expect(err).not.toBeInstanceOf(api.ApiError);
    expect(api.errorMessage(err)).toBe('网络不可用，请检查网络后重试');
    const tries = runtime.requestsTo('/api/v1/me/consents', 'POST').slice(-(api.settings.retries + 1));
    const key = tries[0].headers['idempotency-key'];
    expect(tries.every((t) => t.headers['idempotency-key'] === key)).toBe(true);
    // the key is in storage, so it survives the app going to the background (or being killed)
    expect(runtime.wx.getStorageSync('siteroll.idempotencyKeys')['consent:location:v1']).toBe(key);

    // the server did it, but the answer was lost: the next tap resends with the same key, replayed
    runtime.setOnline(true);
    runtime.state.dropWhen = (method, url) => method === 'POST' && url.endsWith('/me/consents')
      && (runtime.state.dropWhen = null, true);
    const consent = await api.post('/api/v1/me/consents', { kind: 'location', version: 'v1' },
      { action: 'consent:location:v1' });
    expect(consent.kind).toBe('location');
    const last = runtime.requestsTo('/api/v1/me/consents', 'POST').slice(-2);
    expect(last.map((t) => t.headers['idempotency-key'])).toEqual([key, key]);
    expect(last[1].response.headers['idempotent-replayed']).toBe('true');
  });

  test('polls use ETag: a 304 gives the data already held', async () => {
    const first = await api.get('/api/v1/me', { etag: true });
    const second = await api.get('/api/v1/me', { etag: true });
    expect(second).toEqual(first);
    const [a, b] = runtime.requestsTo('/api/v1/me', 'GET').slice(-2);
    expect(a.headers['if-none-match']).toBeUndefined();
    expect(b.headers['if-none-match']).toBe(a.response.headers.etag);
    expect(b.response.status).toBe(304);
  });

  test('never more than 10 requests at once, however many the pages start', async () => {
    runtime.state.maxInFlight = 0;
    const all = await Promise.all(Array.from({ length: 25 }, () => api.get('/api/v1/consents/current')));
    expect(all.every((c) => c.items.length === 4)).toBe(true);
    expect(runtime.state.maxInFlight).toBe(10);
    expect(runtime.state.violations).toEqual([]);
  });

  test('the mini-program config: template ids for the pay-slip notice (issue 24), tolerated before it', async () => {
    const config = await api.miniprogramConfig();
    if (server.has.i24) {
      expect(config.payslip_ready.template_id).toBeTruthy();
    } else {
      expect(config).toEqual({});
      expect(await api.subscribePayslip()).toBe(false);
      expect(runtime.state.subscribeAsked).toEqual([]);
    }
  });

  const withI24 = server.has.i24 ? test : test.skip;

  withI24('issue 24: a 202 carries an absolute poll_url and retry_after, an upload says `replayed` in its body', async () => {
    const photo = path.join(FACES, 'img1.jpg');
    const current = (await api.get('/api/v1/consents/current')).items.find((c) => c.kind === 'biometric');
    await api.post('/api/v1/me/consents', { kind: 'biometric', version: current.version },
      { action: `consent:biometric:${current.version}` });
    const first = await api.upload('/api/v1/faces/checks', 'frames', photo, { kind: 'enroll' }, { action: 'probe:upload' });
    expect(first.poll_url.startsWith(`${server.base_url}/`)).toBe(true);
    expect(typeof first.retry_after).toBe('number');
    expect(first.replayed).toBe(false);
    // the same key again (the answer was lost): the server replays, and says so in the body
    const key = runtime.requestsTo('/api/v1/faces/checks', 'POST').pop().headers['idempotency-key'];
    const again = await new Promise((resolve, reject) => runtime.wx.uploadFile({
      url: `${server.base_url}/api/v1/faces/checks`, name: 'frames', filePath: photo, formData: { kind: 'enroll' },
      header: { Authorization: `Bearer ${api.token()}`, 'Idempotency-Key': key },
      success: (res) => resolve(JSON.parse(res.data)), fail: reject,
    }));
    expect(again).toMatchObject({ check_id: first.check_id, replayed: true });
    await api.poll(first.poll_url, (c) => c.status !== 'pending');
  });
});
