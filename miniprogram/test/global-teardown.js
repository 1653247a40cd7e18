const fs = require('fs');

module.exports = async function globalTeardown() {
  const child = globalThis.__SITEROLL_SERVER__;
  if (child && child.exitCode === null) {
    child.stdin.end(); // the server ends when its stdin closes
    await new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(undefined); }, 10000);
      child.on('exit', () => { clearTimeout(timer); resolve(undefined); });
    });
  }
  const file = globalThis.__SITEROLL_SERVER_FILE__;
  if (file) fs.rmSync(file, { force: true });
};
