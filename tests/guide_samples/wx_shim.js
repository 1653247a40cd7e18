// Only what a mini-program's `wx` offers, backed by the test server (tests/api/test_guide_samples.py).
// wx.request: methods without PATCH, https on the whitelisted domain only, every status to success,
// 304 with empty data; wx.uploadFile: one file, string formData, success without headers.
const fs = require('fs');

const SERVER = process.env.SITEROLL_SERVER; // http://127.0.0.1:<port>, reached as https://DOMAIN
const DOMAIN = process.env.SITEROLL_DOMAIN;
const FILES = JSON.parse(process.env.SITEROLL_FILES); // wxfile://… -> a file on disk
const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];
// the reverse proxy in front of the app terminates https (SITEROLL_PROXY_FIX_X_FOR=1 in production)
const PROXY = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': DOMAIN, 'X-Forwarded-For': '10.20.30.40' };
const storage = {};
const wxState = { openid: null };

function target(url) {
  const u = new URL(url);
  if (u.protocol !== 'https:' || u.hostname !== DOMAIN) throw new Error(`not the whitelisted https domain: ${url}`);
  return SERVER + u.pathname + u.search;
}

function headersOf(r) {
  const h = {};
  r.headers.forEach((v, k) => { h[k] = v; });
  return h;
}

global.wx = {
  login({ success }) { setTimeout(() => success({ code: `fake:${wxState.openid}` }), 0); },
  request({ url, method = 'GET', data, header = {}, success, fail }) {
    if (!METHODS.includes(method)) throw new Error(`wx.request has no method ${method}`);
    if (Object.keys(header).some((k) => k.toLowerCase() === 'referer')) throw new Error('Referer cannot be set');
    let u = target(url);
    let body;
    const headers = { ...header, ...PROXY };
    if (data instanceof ArrayBuffer) body = Buffer.from(data); // sent as is, with the caller's Content-Type
    else if (method === 'GET' && data) u += (u.includes('?') ? '&' : '?') + new URLSearchParams(data);
    else if (data !== undefined) {
      body = JSON.stringify(data);
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    fetch(u, { method, headers, body }).then(async (r) => {
      const text = await r.text();
      let d = text;
      if (r.status === 304) d = '';
      else if ((r.headers.get('content-type') || '').includes('application/json') && text) d = JSON.parse(text);
      success({ statusCode: r.status, data: d, header: headersOf(r) });
    }, (e) => fail({ errMsg: `request:fail ${e.message}` }));
  },
  uploadFile({ url, filePath, name, formData = {}, header = {}, success, fail }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(formData)) {
      if (typeof v !== 'string') throw new Error(`formData.${k} must be a string`);
      form.append(k, v);
    }
    form.append(name, new Blob([fs.readFileSync(FILES[filePath])]), filePath.split('/').pop());
    fetch(target(url), { method: 'POST', headers: { ...header, ...PROXY }, body: form }).then(
      async (r) => success({ statusCode: r.status, data: await r.text() }), // no headers: the runtime gives none
      (e) => fail({ errMsg: `uploadFile:fail ${e.message}` }),
    );
    return { onHeadersReceived() {}, onProgressUpdate() {}, abort() {} };
  },
  getLocation({ type = 'wgs84', success, fail }) {
    if (type !== 'gcj02') return fail({ errMsg: 'the demo geofence is GCJ-02: pass type gcj02' });
    const [lat, lng] = JSON.parse(process.env.SITEROLL_AT);
    return success({ latitude: lat, longitude: lng, speed: 0, accuracy: 65, horizontalAccuracy: 18, verticalAccuracy: 0 });
  },
  getFileSystemManager() {
    return { readFileSync: (path) => { const b = fs.readFileSync(FILES[path]); return b.buffer.slice(b.byteOffset, b.byteOffset + b.length); } };
  },
  getImageInfo({ src, success }) { setTimeout(() => success({ width: 640, height: 480, path: src, type: 'jpeg' }), 0); },
  compressImage({ src, success }) { setTimeout(() => success({ tempFilePath: src }), 0); }, // already small JPGs
  getStorageSync(key) { return storage[key] || ''; },
  setStorageSync(key, value) { storage[key] = value; },
};
