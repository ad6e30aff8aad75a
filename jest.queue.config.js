/** The queue-mode suite: one n8n cluster shared by ordered scenarios, so one worker and long timeouts. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.js'],
	testTimeout: 180_000,
	maxWorkers: 1,
};
