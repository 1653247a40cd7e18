// Starts test/server.py (the demo on SQLite in a temp folder, in-process jobs, fake WeChat) with
// the project's Python and tells the tests where it is and which parallel API changes it has.
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try { resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) }); } catch (e) {
          resolve({ status: res.statusCode, body: null });
        }
      });
    }).on('error', reject);
  });
}

module.exports = async function globalSetup() {
  const python = process.env.SITEROLL_PYTHON || path.join(ROOT, '.venv/bin/python');
  const log = path.join(os.tmpdir(), `siteroll-mp-server-${process.pid}.log`);
  // SITEROLL_BACKEND: run the pages against another checkout's backend (default: this one)
  const backend = process.env.SITEROLL_BACKEND || ROOT;
  const child = spawn(python, [path.join(__dirname, 'server.py'), backend], {
    cwd: backend, stdio: ['pipe', 'pipe', fs.openSync(log, 'w')],
    env: { ...process.env, SITEROLL_DEMO: '1', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONDONTWRITEBYTECODE: '1' },
  });
  globalThis.__SITEROLL_SERVER__ = child;
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`test server did not start in 90 s; see ${log}`)), 90000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) { clearTimeout(timer); resolve(JSON.parse(line)); }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server exited ${code}: ${fs.readFileSync(log, 'utf8').slice(-3000)}`));
    });
  });
  // which of the parallel API changes (issues 24, 25, 27) this backend has: tests written for them run only then
  const openapi = await getJson(`${info.base_url}/api/v1/openapi.json`);
  const paths = Object.keys((openapi.body && openapi.body.paths) || {});
  info.has = {
    i24: paths.includes('/api/v1/miniprogram/config'),
    i25: paths.includes('/api/v1/payrolls/{payroll_id}/issue-slips'),
    i26: paths.includes('/api/v1/contracts/{contract_id}/employer-sign'),
    i27: paths.includes('/api/v1/me/identity-verifications'),
  };
  info.log = log;
  const file = path.join(os.tmpdir(), `siteroll-mp-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(info));
  process.env.SITEROLL_MP_SERVER = file;
  globalThis.__SITEROLL_SERVER_FILE__ = file;
};
