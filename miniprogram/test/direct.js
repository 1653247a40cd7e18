// Test-only HTTP outside the runtime adapter, for what a phone cannot do on today's backend:
// signing a contract in ONE request with two files (before issue 24 adds the two-call signing
// the contracts page uses). Used only when the backend lacks issue 24; marked in the tests.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { FACES } = require('./runtime');

function multipart(url, token, files) {
  const boundary = `----direct${Date.now().toString(16)}`;
  const parts = [];
  files.forEach(([name, file, type]) => {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${path.basename(file)}"\r\n`
      + `Content-Type: ${type}\r\n\r\n`), fs.readFileSync(file), Buffer.from('\r\n'));
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: {
      Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Today's (pre-issue-24) two-file signing: `signature` + `photo` in one request. */
function signContractTwoFiles(server, token, contractId, photo) {
  return multipart(`${server.base_url}/api/v1/contracts/${contractId}/sign`, token, [
    ['signature', server.signature_png, 'image/png'], ['photo', path.join(FACES, photo), 'image/jpeg']]);
}

module.exports = { signContractTwoFiles };
