// Loads the mini-program into Node as WeChat would: `wx` from the runtime adapter, App() and
// Page() captured, page instances with data and setData, events for the pages' own handlers.
const fs = require('fs');
const path = require('path');
const { createRuntime } = require('./runtime');

const ROOT = path.resolve(__dirname, '..');
const server = JSON.parse(fs.readFileSync(process.env.SITEROLL_MP_SERVER, 'utf8'));

function clone(v) {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** setData's path keys: 'a.b', 'list[2].name'. */
function setPath(target, key, value) {
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
  let obj = target;
  for (let i = 0; i < parts.length - 1; i += 1) {
    if (obj[parts[i]] === undefined || obj[parts[i]] === null) obj[parts[i]] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    obj = obj[parts[i]];
  }
  obj[parts[parts.length - 1]] = value;
}

function boot() {
  const runtime = createRuntime(server);
  global.wx = runtime.wx;
  let appDef = null;
  let captured = null;
  global.App = (def) => { appDef = def; };
  global.Page = (def) => { captured = def; };
  const app = {};
  global.getApp = () => app;
  require(path.join(ROOT, 'app.js'));
  Object.assign(app, appDef, { globalData: clone(appDef.globalData) });
  appDef.onLaunch.call(app);
  const api = require(path.join(ROOT, 'utils/api.js'));
  // test speed: waits are scaled down (retry_after 1 s → 50 ms), the protocol stays the same; the
  // first face check also loads the models, which on a busy machine takes over a minute
  api.configure({ baseUrl: server.base_url, backoffMs: 20, retryAfterScale: 50, pollMaxWaitMs: 180000 });

  const defs = {};
  /**
   * A page as WeChat creates it: onLoad(query) then onShow(); returns it once both settled.
   * @param {string} route e.g. 'pages/join/join'
   */
  async function open(route, query) {
    if (!defs[route]) {
      captured = null;
      require(path.join(ROOT, `${route}.js`));
      defs[route] = captured;
    }
    const def = defs[route];
    const page = {
      route,
      data: clone(def.data),
      setData(obj, cb) {
        Object.keys(obj).forEach((k) => setPath(this.data, k, clone(obj[k])));
        if (cb) cb();
      },
    };
    Object.keys(def).forEach((k) => {
      if (k !== 'data') page[k] = typeof def[k] === 'function' ? def[k].bind(page) : def[k];
    });
    if (page.onLoad) await page.onLoad(query || {});
    if (page.onShow) await page.onShow();
    return page;
  }

  return { runtime, api, app, open, server };
}

/** The events WXML hands to handlers. */
const ev = {
  tap: (dataset) => ({ type: 'tap', currentTarget: { dataset: dataset || {} }, detail: {} }),
  input: (value, dataset) => ({ type: 'input', currentTarget: { dataset: dataset || {} }, detail: { value } }),
  change: (value, dataset) => ({ type: 'change', currentTarget: { dataset: dataset || {} }, detail: { value } }),
  touch: (x, y) => ({ type: 'touch', touches: [{ x, y }], currentTarget: { dataset: {} }, detail: {} }),
};

/** Draws a stroke on a page's signature canvas through its own touch handlers. */
function drawSignature(page) {
  page.onSignStart(ev.touch(10, 40));
  [[40, 10], [80, 60], [120, 20], [160, 55]].forEach(([x, y]) => page.onSignMove(ev.touch(x, y)));
}

/** Fills a form through its input handlers (data-field="…"). */
function fill(page, handler, fields) {
  Object.keys(fields).forEach((field) => page[handler](ev.input(fields[field], { field })));
}

/** A valid 居民身份证号 (GB 11643 check digit) for a birth date and sequence. */
function idNumber(born, seq) {
  const base = `110105${born}${String(seq * 2 + 1).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = base.split('').reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return base + '10X98765432'[sum % 11];
}

/** A bank card number with a Luhn check digit. */
function bankCard(prefix) {
  const digits = prefix.split('').map(Number);
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits[digits.length - 1 - i];
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return prefix + String((10 - (sum % 10)) % 10);
}

module.exports = { boot, ev, drawSignature, fill, idNumber, bankCard, server, ROOT };
