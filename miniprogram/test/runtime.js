// A Node stand-in for the WeChat runtime (`wx`), talking real HTTP to the SiteRoll the test run
// started (test/server.py). It can do only what the runtime does, and refuses what WeChat refuses:
// - wx.request: methods OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT (no PATCH); absolute URLs;
//   at most 10 requests (request + uploadFile + downloadFile) at once; every HTTP status goes to
//   `success`; a 304 arrives with empty data.
// - wx.uploadFile: one file (`name` + `filePath`) and string formData; success gives `data`
//   (a string) and `statusCode`, no headers.
// - wx.downloadFile: may send headers; success gives `tempFilePath` and `statusCode`.
// - camera: `selfieMirror` must be false; photos come from ../shared/faces (a missing folder fails).
// - wx.getLocation: `type: 'gcj02'` required; a fixed point inside the demo fence.
// Violations are thrown as test failures (and recorded in `runtime.violations`).

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];
const MAX_TASKS = 10;
const FACES = path.resolve(__dirname, '../../../shared/faces');
const DOC_TYPES = ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf'];
// GCJ-02 points: the demo fence is a 300 m circle around this centre
const SITE = { latitude: 22.543096, longitude: 114.057865 };

function createRuntime(server) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-'));
  const state = {
    openid: 'mp-nobody',
    photo: 'img2.jpg',
    location: { ...SITE, accuracy: 15 },
    online: true,
    inFlight: 0,
    maxInFlight: 0,
    /** requests as the server received them: {method, url, headers} */
    log: [],
    violations: [],
    storage: {},
    opened: [],
    toasts: [],
    modals: [],
    navigations: [],
    /** dropWhen(method, url): true → the answer is lost after the server handled the request */
    dropWhen: null,
    /** fakeStatus: [{status, body}] answered instead of asking the server (a 429/503 from a proxy) */
    fakeAnswers: [],
    networkListeners: [],
    subscribeAnswer: 'accept',
    subscribeAsked: [],
    tempCount: 0,
  };

  function violation(message) {
    state.violations.push(message);
    throw new Error(`WeChat runtime would refuse: ${message}`);
  }

  function tempFile(ext, bytes) {
    state.tempCount += 1;
    const file = path.join(tmp, `tmp_${state.tempCount}.${ext}`);
    fs.writeFileSync(file, bytes);
    return file; // real runtime: wxfile://tmp_…; any path the runtime gave us is fine
  }

  function checkUrl(url) {
    if (!/^https?:\/\//.test(url || '')) violation(`URL must be absolute: ${url}`);
    if (!url.startsWith(server.base_url)) violation(`URL outside the whitelisted domain: ${url}`);
  }

  function takeTask() {
    if (state.inFlight >= MAX_TASKS) violation('more than 10 concurrent network requests');
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
  }

  function lowerHeaders(h) {
    const out = {};
    Object.keys(h || {}).forEach((k) => { out[k.toLowerCase()] = String(h[k]); });
    return out;
  }

  /** One HTTP exchange; calls back (err, {status, headers, body: Buffer}). */
  function exchange(method, url, headers, body, done) {
    const entry = { method, url, headers: lowerHeaders(headers), response: null };
    state.log.push(entry);
    if (!state.online) {
      setTimeout(() => done(new Error('offline')), 1);
      return;
    }
    const fake = state.fakeAnswers.shift();
    if (fake) {
      const payload = Buffer.from(JSON.stringify(fake.body));
      setTimeout(() => done(null, { status: fake.status, headers: fake.headers || {}, body: payload }), 1);
      return;
    }
    const req = http.request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': body.length } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          entry.response = { status: res.statusCode, headers: res.headers };
          if (state.dropWhen && state.dropWhen(method, url)) { // the server did it; the phone never heard back
            done(new Error('connection lost'));
            return;
          }
          done(null, { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
        });
      });
    req.on('error', (e) => done(e));
    if (body) req.write(body);
    req.end();
  }

  function finish(opts, err, result, errMsg) {
    state.inFlight -= 1;
    if (err) {
      const res = { errMsg: `${errMsg}:fail ${err.message}` };
      if (opts.fail) opts.fail(res);
      if (opts.complete) opts.complete(res);
      return;
    }
    if (opts.success) opts.success(result);
    if (opts.complete) opts.complete(result);
  }

  function query(data) {
    if (!data || typeof data !== 'object') return '';
    const parts = Object.keys(data).filter((k) => data[k] !== undefined && data[k] !== null)
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(data[k]))}`);
    return parts.length ? parts.join('&') : '';
  }

  const wx = {
    request(opts) {
      const method = (opts.method || 'GET').toUpperCase();
      if (!METHODS.includes(method)) violation(`wx.request has no method ${method}`);
      checkUrl(opts.url);
      takeTask();
      let url = opts.url;
      let body = null;
      const headers = { ...(opts.header || {}) };
      if (method === 'GET' || method === 'HEAD') {
        const q = query(opts.data);
        if (q) url += (url.includes('?') ? '&' : '?') + q;
      } else if (opts.data !== undefined) {
        const type = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
        if (!type) headers['Content-Type'] = 'application/json';
        const urlencoded = type && /x-www-form-urlencoded/.test(headers[type]);
        // WeChat turns an object into a query string for urlencoded POSTs, into JSON otherwise
        body = Buffer.from(typeof opts.data === 'string' ? opts.data
          : urlencoded ? query(opts.data) : JSON.stringify(opts.data));
      }
      exchange(method, url, headers, body, (err, res) => {
        if (err) return finish(opts, err, null, 'request');
        let data = res.body.toString('utf8');
        if (res.status === 304) data = '';
        else if ((opts.dataType || 'json') === 'json') {
          try { data = JSON.parse(data); } catch (e) { /* WeChat hands the string over */ }
        }
        return finish(opts, null, { statusCode: res.status, data, header: res.headers, errMsg: 'request:ok' });
      });
      return { abort() {}, onHeadersReceived() {} };
    },

    uploadFile(opts) {
      checkUrl(opts.url);
      if (!opts.filePath || !opts.name) violation('wx.uploadFile needs exactly one file (name + filePath)');
      if (Array.isArray(opts.filePath)) violation('wx.uploadFile sends one file');
      const formData = opts.formData || {};
      Object.keys(formData).forEach((k) => {
        if (typeof formData[k] !== 'string') violation(`uploadFile formData.${k} must be a string`);
      });
      if (!fs.existsSync(opts.filePath)) violation(`no such temp file ${opts.filePath}`);
      takeTask();
      const boundary = `----wxupload${Date.now().toString(16)}`;
      const parts = [];
      Object.keys(formData).forEach((k) => {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${formData[k]}\r\n`));
      });
      const filename = path.basename(opts.filePath);
      const type = filename.endsWith('.png') ? 'image/png' : 'image/jpeg';
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${opts.name}"; filename="${filename}"\r\n`
        + `Content-Type: ${type}\r\n\r\n`));
      parts.push(fs.readFileSync(opts.filePath));
      parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
      const headers = { ...(opts.header || {}), 'Content-Type': `multipart/form-data; boundary=${boundary}` };
      exchange('POST', opts.url, headers, Buffer.concat(parts), (err, res) => {
        if (err) return finish(opts, err, null, 'uploadFile');
        // what the runtime gives: the body as a string and the status, never the headers
        return finish(opts, null, { data: res.body.toString('utf8'), statusCode: res.status, errMsg: 'uploadFile:ok' });
      });
      return { abort() {}, onProgressUpdate() {}, onHeadersReceived() {} };
    },

    downloadFile(opts) {
      checkUrl(opts.url);
      takeTask();
      exchange('GET', opts.url, opts.header || {}, null, (err, res) => {
        if (err) return finish(opts, err, null, 'downloadFile');
        const type = String(res.headers['content-type'] || '');
        const ext = type.includes('pdf') ? 'pdf' : type.includes('sheet') ? 'xlsx' : type.includes('json') ? 'json' : 'bin';
        return finish(opts, null, { tempFilePath: tempFile(ext, res.body), statusCode: res.status, errMsg: 'downloadFile:ok' });
      });
      return { abort() {}, onProgressUpdate() {} };
    },

    openDocument(opts) {
      const type = opts.fileType || path.extname(opts.filePath).slice(1);
      if (!DOC_TYPES.includes(type)) violation(`wx.openDocument cannot open ${type}`);
      state.opened.push({ filePath: opts.filePath, fileType: type, bytes: fs.readFileSync(opts.filePath) });
      if (opts.success) opts.success({ errMsg: 'openDocument:ok' });
    },

    login(opts) {
      setTimeout(() => opts.success && opts.success({ code: `fake:${state.openid}`, errMsg: 'login:ok' }), 1);
    },

    getLocation(opts) {
      if (opts.type !== 'gcj02') violation('wx.getLocation without type gcj02 answers WGS-84');
      const loc = state.location;
      setTimeout(() => opts.success && opts.success({
        latitude: loc.latitude, longitude: loc.longitude, accuracy: loc.accuracy,
        horizontalAccuracy: loc.accuracy, verticalAccuracy: 0, altitude: 0, speed: -1, errMsg: 'getLocation:ok',
      }), 1);
    },

    createCameraContext() {
      return {
        takePhoto(opts) {
          if (opts.selfieMirror !== false) violation('takePhoto must pass selfieMirror: false');
          const file = path.join(FACES, state.photo);
          if (!fs.existsSync(file)) throw new Error(`shared test photo missing: ${file}`);
          const photo = tempFile('jpg', fs.readFileSync(file));
          setTimeout(() => opts.success && opts.success({ tempImagePath: photo, errMsg: 'takePhoto:ok' }), 1);
        },
      };
    },

    createCanvasContext() {
      const noop = () => {};
      return { setStrokeStyle: noop, setLineWidth: noop, setLineCap: noop, moveTo: noop, lineTo: noop,
               stroke: noop, beginPath: noop, clearRect: noop, draw: (_reserve, cb) => cb && cb() };
    },

    canvasToTempFilePath(opts) {
      if (opts.fileType !== 'png' && opts.fileType !== 'jpg') violation('canvasToTempFilePath needs a fileType');
      const photo = tempFile(opts.fileType, fs.readFileSync(server.signature_png));
      setTimeout(() => opts.success && opts.success({ tempFilePath: photo, errMsg: 'canvasToTempFilePath:ok' }), 1);
    },

    compressImage(opts) {
      setTimeout(() => opts.success && opts.success({ tempFilePath: opts.src }), 1);
    },

    requestSubscribeMessage(opts) {
      state.subscribeAsked.push(opts.tmplIds);
      const res = { errMsg: 'requestSubscribeMessage:ok' };
      opts.tmplIds.forEach((id) => { res[id] = state.subscribeAnswer; });
      setTimeout(() => opts.success && opts.success(res), 1);
    },

    scanCode(opts) {
      setTimeout(() => opts.success && opts.success({ result: state.scanResult || 'DEMO01', scanType: 'QR_CODE' }), 1);
    },

    getNetworkType(opts) {
      setTimeout(() => opts.success && opts.success({ networkType: state.online ? 'wifi' : 'none' }), 1);
    },

    onNetworkStatusChange(cb) { state.networkListeners.push(cb); },

    getStorageSync(key) {
      return key in state.storage ? JSON.parse(state.storage[key]) : '';
    },
    setStorageSync(key, value) { state.storage[key] = JSON.stringify(value); },
    removeStorageSync(key) { delete state.storage[key]; },

    showToast(opts) { state.toasts.push(opts.title); },
    showLoading() {},
    hideLoading() {},
    showModal(opts) {
      state.modals.push(opts);
      setTimeout(() => opts.success && opts.success({ confirm: true, cancel: false }), 1);
    },
    navigateTo(opts) { state.navigations.push(opts.url); },
    redirectTo(opts) { state.navigations.push(opts.url); },
    switchTab(opts) { state.navigations.push(opts.url); },
    navigateBack() { state.navigations.push('back'); },
    stopPullDownRefresh() {},
    setNavigationBarTitle() {},
  };

  return {
    wx,
    state,
    /** Who wx.login logs in as (its code is `fake:<openid>`, answered by the fake WeChat server). */
    as(openid) { state.openid = openid; delete state.storage['siteroll.token']; },
    /**
     * An account WeChat granted 人脸核身: wx.startFacialRecognitionVerify answers the verify_result
     * the fake WeChat server knows (`fake-face:<id number>:<name>`, issue 27's fake).
     */
    grantFaceVerify() {
      wx.startFacialRecognitionVerify = (opts) => {
        if (!opts.name || !opts.idCardNumber) violation('startFacialRecognitionVerify needs name and idCardNumber');
        const res = { errCode: 0, verifyResult: `fake-face:${opts.idCardNumber}:${opts.name}`, errMsg: 'ok' };
        setTimeout(() => opts.success && opts.success(res), 1);
      };
    },
    setOnline(online) {
      state.online = online;
      state.networkListeners.forEach((cb) => cb({ isConnected: online, networkType: online ? 'wifi' : 'none' }));
    },
    requestsTo(fragment, method) {
      return state.log.filter((r) => r.url.includes(fragment) && (!method || r.method === method));
    },
    cleanup() { fs.rmSync(tmp, { recursive: true, force: true }); },
  };
}

module.exports = { createRuntime, SITE, FACES };
