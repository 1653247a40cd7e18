// The page tests drive the pages against a real SiteRoll (test/server.py), started once per run.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 240000,
  maxWorkers: 1,
};
