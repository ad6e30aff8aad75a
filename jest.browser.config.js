/** The editor in headless Chromium against a real n8n: one n8n, one browser, so one worker. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/browser'],
	testMatch: ['**/*.browser.js'],
	testTimeout: 120_000,
	maxWorkers: 1,
};
