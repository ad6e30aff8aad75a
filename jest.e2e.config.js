/** The end-to-end suite: a real n8n, so one worker and long timeouts. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.js'],
	testTimeout: 90_000,
	maxWorkers: 1,
};
