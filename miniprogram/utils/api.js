// SiteRoll API layer: every page calls the server through this module, never wx.request directly.
// It does what the WeChat runtime does not: login and re-login on 401, the bearer token, one
// Idempotency-Key per user action kept across retries and across the app going to the background
// (stored, not in memory), retries with backoff on network errors and on 429/503 (retry_after),
// ETag on polls, the server's Chinese message for every error code, the pay-slip subscription,
// and the offline clock queue.

const STORE = {
  token: 'siteroll.token',
  keys: 'siteroll.idempotencyKeys',
  clockQueue: 'siteroll.clockQueue',
};
const MAX_CONCURRENT = 10; // wx.request / uploadFile / downloadFile share this limit
const NETWORK_MESSAGE = '网络不可用，请检查网络后重试';

const settings = {
  baseUrl: '',
  retries: 3, // after the first attempt
  backoffMs: 500, // 0.5 s, 1 s, 2 s …
  retryAfterScale: 1000, // retry_after is in seconds
  maxRetryAfterS: 30, // a longer wait is shown to the user instead of waited for
  timeout: 15000,
  pollMaxWaitMs: 60000,
};

/** @param {Partial<typeof settings>} options */
function configure(options) {
  Object.assign(settings, options);
  if (settings.baseUrl.endsWith('/')) settings.baseUrl = settings.baseUrl.slice(0, -1);
}

class ApiError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {number} status
   * @param {any} [details]
   */
  constructor(code, message, status, details) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details || {};
  }
}

/** The text a page shows for any failure: the server's Chinese message, or ours for the network. */
function errorMessage(err) {
  if (err instanceof ApiError) return err.message;
  return (err && err.message) || NETWORK_MESSAGE;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Absolute URL for an API path; absolute URLs given by the server (poll_url, signed photos) pass as they are. */
function url(path) {
  if (/^https?:\/\//.test(path)) return path;
  return settings.baseUrl + (path.startsWith('/') ? path : '/' + path);
}

// ---- the 10-request limit: calls beyond it wait for a free slot ------------------------------
let inFlight = 0;
/** @type {Array<() => void>} */
const waiting = [];
function slot() {
  if (inFlight < MAX_CONCURRENT) {
    inFlight += 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(() => { inFlight += 1; resolve(undefined); }));
}
function release() {
  inFlight -= 1;
  const next = waiting.shift();
  if (next) next();
}

// ---- idempotency keys, kept in storage so a retry after the background uses the same one ----
function newKey() {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `${Date.now().toString(16)}-${rand()}-${rand()}-${rand()}`;
}

/**
 * The key of one user action (e.g. `clock:in:<day>`): the same on every retry until the action
 * has an answer the user saw (success or an error that a retry would not change).
 * @param {string} action
 */
function actionKey(action) {
  const keys = wx.getStorageSync(STORE.keys) || {};
  if (!keys[action]) {
    keys[action] = newKey();
    wx.setStorageSync(STORE.keys, keys);
  }
  return keys[action];
}

/** @param {string} action */
function finishAction(action) {
  const keys = wx.getStorageSync(STORE.keys) || {};
  if (keys[action]) {
    delete keys[action];
    wx.setStorageSync(STORE.keys, keys);
  }
}

// ---- login -------------------------------------------------------------------------------------
/** @type {Promise<string> | null} */
let loggingIn = null;

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({ success: (res) => resolve(res.code), fail: () => reject(new Error(NETWORK_MESSAGE)) });
  });
}

/** Logs in with wx.login's code (once, however many requests asked at the same time). */
function login() {
  if (!loggingIn) {
    loggingIn = wxLogin()
      .then((code) => send({ method: 'POST', path: '/api/v1/auth/login', data: { code }, auth: false }))
      .then((res) => {
        wx.setStorageSync(STORE.token, res.data.token);
        return res.data.token;
      })
      .finally(() => { loggingIn = null; });
  }
  return loggingIn;
}

function token() {
  return wx.getStorageSync(STORE.token) || '';
}

function logout() {
  wx.removeStorageSync(STORE.token);
  Object.keys(etags).forEach((k) => { delete etags[k]; }); // another person's answers are not ours to reuse
}

// ---- one HTTP exchange -------------------------------------------------------------------------
/**
 * @typedef {{status: number, data: any, headers: Record<string, string>}} Answer
 * @typedef {{method?: 'GET'|'POST'|'PUT'|'DELETE', path: string, data?: any, auth?: boolean,
 *   action?: string, key?: string, etag?: boolean, form?: string, upload?: {filePath: string, name: string, formData?: Record<string, string>},
 *   download?: boolean}} Call
 */

/** @type {Record<string, {etag: string, data: any}>} */
const etags = {};

function header(headers, name) {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  const found = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  return found ? headers[found] : undefined;
}

/**
 * One attempt; resolves with any HTTP status (WeChat delivers every status to `success`),
 * rejects only when the network failed.
 * @param {Call} call
 * @param {Record<string, string>} headers
 * @returns {Promise<Answer>}
 */
function attempt(call, headers) {
  const target = url(call.path);
  return slot().then(() => new Promise((resolve, reject) => {
    const done = (/** @type {Answer} */ answer) => { release(); resolve(answer); };
    const failed = () => { release(); reject(new Error(NETWORK_MESSAGE)); };
    if (call.upload) {
      wx.uploadFile({
        url: target, filePath: call.upload.filePath, name: call.upload.name,
        formData: call.upload.formData || {}, header: headers, timeout: settings.timeout,
        // no headers here: the upload's answer is its body (replayed / retry_after since issue 24)
        success: (res) => done({ status: res.statusCode, data: parseJson(res.data), headers: {} }),
        fail: failed,
      });
    } else if (call.download) {
      wx.downloadFile({
        url: target, header: headers, timeout: settings.timeout,
        success: (res) => done({ status: res.statusCode, data: res.tempFilePath, headers: {} }),
        fail: failed,
      });
    } else {
      wx.request({
        url: target, method: call.method || 'GET', data: call.data, header: headers,
        timeout: settings.timeout, dataType: 'json',
        success: (res) => done({ status: res.statusCode, data: res.data,
                                 headers: /** @type {Record<string, string>} */ (res.header || {}) }),
        fail: failed,
      });
    }
  }));
}

function parseJson(text) {
  if (typeof text !== 'string') return text;
  try { return JSON.parse(text); } catch (e) { return { raw: text }; }
}

/** Seconds the server asked us to wait: `retry_after` in the body (issue 24), else Retry-After, else details. */
function retryAfter(answer) {
  const body = answer.data || {};
  const err = body.error || {};
  const value = body.retry_after ?? err.retry_after ?? header(answer.headers, 'Retry-After')
    ?? (err.details && (err.details.retry_after_seconds ?? err.details.retry_after));
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function failure(answer) {
  const err = (answer.data && answer.data.error) || {};
  if (answer.status === 401 && !err.code) err.code = 'UNAUTHENTICATED';
  return new ApiError(err.code || `HTTP_${answer.status}`, err.message || NETWORK_MESSAGE, answer.status, err.details);
}

/**
 * A call with everything around it: token, Idempotency-Key, retries, re-login, ETag.
 * @param {Call} call
 * @returns {Promise<Answer>}
 */
async function send(call) {
  const method = call.method || 'GET';
  const key = call.key || (call.action ? actionKey(call.action)
    : (method === 'POST' && call.auth !== false ? newKey() : ''));
  let relogged = false;
  for (let n = 0; ; n += 1) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (call.auth !== false) {
      headers.Authorization = 'Bearer ' + (token() || await login());
    }
    if (key) headers['Idempotency-Key'] = key;
    const cached = call.etag ? etags[url(call.path)] : undefined;
    if (cached) headers['If-None-Match'] = cached.etag;
    if (!call.upload && !call.download && method !== 'GET') {
      headers['Content-Type'] = call.form ? `multipart/form-data; boundary=${call.form}` : 'application/json';
    }

    /** @type {Answer} */
    let answer;
    try {
      answer = await attempt(call, headers);
    } catch (networkError) {
      if (n >= settings.retries) throw networkError; // the action's key stays: the next tap reuses it
      await sleep(settings.backoffMs * 2 ** n);
      continue;
    }
    if (answer.status === 401 && call.auth !== false && !relogged) {
      relogged = true; // the token expired or was revoked: log in again without bothering the user
      logout();
      n -= 1;
      continue;
    }
    if ((answer.status === 429 || answer.status === 503) && n < settings.retries) {
      const wait = retryAfter(answer);
      if (wait === null || wait <= settings.maxRetryAfterS) {
        await sleep(wait === null ? settings.backoffMs * 2 ** n : wait * settings.retryAfterScale);
        continue;
      }
    }
    if (answer.status === 304 && cached) {
      return { status: 200, data: cached.data, headers: answer.headers };
    }
    if (answer.status >= 200 && answer.status < 300) {
      const tag = header(answer.headers, 'ETag');
      if (call.etag && tag) etags[url(call.path)] = { etag: tag, data: answer.data };
      if (call.action) finishAction(call.action);
      return answer;
    }
    const error = failure(answer);
    // a retry with the same key could still succeed (busy, in progress): keep the key for the next tap
    if (call.action && !['IDEMPOTENCY_IN_PROGRESS', 'DATABASE_BUSY', 'SERVICE_UNAVAILABLE', 'RATE_LIMITED']
      .includes(error.code)) finishAction(call.action);
    throw error;
  }
}

// ---- what pages call ---------------------------------------------------------------------------
/** @param {string} path @param {{etag?: boolean}} [opts] */
function get(path, opts) {
  return send({ method: 'GET', path, etag: !!(opts && opts.etag) }).then((r) => r.data);
}

/** @param {string} path @param {any} [data] @param {{action?: string}} [opts] */
function post(path, data, opts) {
  return send({ method: 'POST', path, data: data || {}, action: opts && opts.action }).then((r) => r.data);
}

/**
 * A multipart route called without its optional file (e.g. the on-site identity check without a
 * card photo): wx.uploadFile needs a file, so the form is written out by hand and sent with
 * wx.request as a string body (text fields only).
 * @param {string} path @param {Record<string, string>} fields @param {{action?: string}} [opts]
 */
function postForm(path, fields, opts) {
  const boundary = `----siteroll${newKey()}`;
  const body = Object.keys(fields).map((k) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`
    + `${fields[k]}\r\n`).join('') + `--${boundary}--\r\n`;
  return send({ method: 'POST', path, data: body, form: boundary, action: opts && opts.action }).then((r) => r.data);
}

/** PUT, never PATCH: wx.request has no PATCH (issue 24 gives every PATCH route a PUT). */
function put(path, data) {
  return send({ method: 'PUT', path, data }).then((r) => r.data);
}

/**
 * One file per upload, string fields only (what wx.uploadFile can send).
 * @param {string} path @param {string} name @param {string} filePath
 * @param {Record<string, string|number>} [fields] @param {{action?: string}} [opts]
 */
function upload(path, name, filePath, fields, opts) {
  /** @type {Record<string, string>} */
  const formData = {};
  Object.keys(fields || {}).forEach((k) => {
    const v = (fields || {})[k];
    if (v !== undefined && v !== null) formData[k] = String(v);
  });
  return send({ method: 'POST', path, upload: { filePath, name, formData }, action: opts && opts.action })
    .then((r) => r.data);
}

/** Downloads with the bearer token (wx.downloadFile can send it); resolves with the temp file path. */
function download(path) {
  return send({ method: 'GET', path, download: true }).then((r) => r.data);
}

/**
 * Polls a 202's poll_url (absolute since issue 24) with ETag until `done(data)`, every
 * `retry_after` seconds, for at most `settings.pollMaxWaitMs`.
 * @param {string} pollUrl @param {(data: any) => boolean} done @param {{intervalS?: number}} [opts]
 */
async function poll(pollUrl, done, opts) {
  const interval = (opts && opts.intervalS) || 1;
  const deadline = Date.now() + settings.pollMaxWaitMs;
  for (;;) {
    const data = await get(pollUrl, { etag: true });
    if (done(data)) return data;
    if (Date.now() > deadline) throw new ApiError('POLL_TIMEOUT', '处理时间较长，请稍后在记录中查看结果', 0);
    await sleep(interval * settings.retryAfterScale);
  }
}

// ---- mini-program config and the pay-slip subscription ------------------------------------------
/** @type {any} */
let configCache = null;
/** GET /api/v1/miniprogram/config (issue 24): template ids, upload limits, poll intervals; {} before it exists. */
async function miniprogramConfig() {
  if (configCache) return configCache;
  try {
    configCache = await get('/api/v1/miniprogram/config');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    configCache = {};
  }
  return configCache;
}

/** The pay-slip template id from GET /miniprogram/config (`payslip_ready.template_id`, issue 24). */
function payslipTemplateIds(config) {
  const t = config && config.payslip_ready;
  return t && t.template_id ? [t.template_id] : [];
}

/**
 * Asks the worker for the one-off pay-slip notice (must run in a tap handler) and records the
 * consent. Resolves with true when the worker accepted.
 */
async function subscribePayslip() {
  const ids = payslipTemplateIds(await miniprogramConfig());
  if (!ids.length) return false;
  const accepted = await new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res) => resolve(res[ids[0]] === 'accept'),
      fail: () => resolve(false),
    });
  });
  if (accepted) await post('/api/v1/me/payslip-subscription');
  return accepted;
}

// ---- clocks and the offline queue ----------------------------------------------------------------
/**
 * @typedef {{key: string, project_id: number, direction: 'in'|'out', photo: string, lat: number,
 *   lng: number, accuracy_m: number, taken_at: string, face_check_id?: number}} QueuedClock
 */

/** @returns {QueuedClock[]} */
function queuedClocks() {
  return wx.getStorageSync(STORE.clockQueue) || [];
}

/** @param {QueuedClock[]} items */
function saveQueue(items) {
  wx.setStorageSync(STORE.clockQueue, items);
}

/**
 * Sends one clock: the selfie as a face check, then the clock with its own Idempotency-Key
 * (the key is the queue item's, so a clock retried later is never counted twice).
 * @param {QueuedClock} item
 */
async function sendClock(item) {
  if (!item.face_check_id) {
    const check = await upload('/api/v1/faces/checks', 'frames', item.photo,
      { kind: 'clock', project_id: item.project_id }, { action: `face:${item.key}` });
    // kept with the item: a resend must carry the same body as the first try under the same key
    item.face_check_id = check.check_id;
    saveQueue(queuedClocks().map((q) => (q.key === item.key ? item : q)));
  }
  const answer = await send({
    // the queue item's key is the clock's Idempotency-Key: the same on every resend, whenever
    method: 'POST', path: '/api/v1/attendance/clocks', key: item.key,
    data: { project_id: item.project_id, face_check_id: item.face_check_id, lat: item.lat, lng: item.lng,
            accuracy_m: item.accuracy_m, direction: item.direction, taken_at: item.taken_at },
  });
  return answer.data;
}

/**
 * A clock from the clock page: sent now, or kept in the queue when the network is gone.
 * @param {Omit<QueuedClock, 'key'>} clock
 * @returns {Promise<{queued: boolean, clock?: any}>}
 */
async function clock(clock) {
  /** @type {QueuedClock} */
  const item = Object.assign({ key: newKey() }, clock);
  try {
    return { queued: false, clock: await sendClock(item) };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    saveQueue(queuedClocks().concat([item]));
    return { queued: true };
  }
}

let flushing = false;
/** Sends the queued clocks, oldest first (on app show and when the network returns). */
async function flushClockQueue() {
  if (flushing) return { sent: 0, failed: 0 };
  flushing = true;
  let sent = 0;
  let failed = 0;
  try {
    for (const item of queuedClocks()) {
      try {
        await sendClock(item);
        sent += 1;
      } catch (err) {
        if (!(err instanceof ApiError)) break; // still offline: keep it and the rest
        failed += 1; // refused for good (e.g. CLOCK_TOO_LATE): dropped, the day view shows why
      }
      saveQueue(queuedClocks().filter((q) => q.key !== item.key));
    }
  } finally {
    flushing = false;
  }
  return { sent, failed };
}

module.exports = {
  ApiError, configure, errorMessage, login, logout, token, get, post, postForm, put, upload, download, poll,
  actionKey, finishAction, miniprogramConfig, subscribePayslip, clock, flushClockQueue, queuedClocks,
  url, settings,
};
