/** Tests run the compiled package (dist/), as n8n loads it: `npm test` builds first. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.js'],
	setupFiles: ['<rootDir>/test/harness/setup.js'],
	testTimeout: 30_000,
	maxWorkers: 2,
};
