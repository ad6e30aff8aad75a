'use strict';
const { createSimulator } = require('../simulator/simulator');
const { runHailuo } = require('./n8n');

/** A token distinctive enough that finding it anywhere in an output is a leak. */
const TOKEN = 'sk-hailuo-test-4f1c9a7e2b';

/**
 * One simulator per test file, fresh counts per test.
 * `run(parameters, items, extra)` runs Items -> Hailuo through n8n-core against it.
 */
function useSimulator(options = {}) {
	const sim = createSimulator({ token: TOKEN, generationMs: 300, ...options });
	const defaults = { ...sim.config };
	beforeAll(async () => {
		await sim.start();
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.set({ ...defaults, videoBaseUrl: null });
		sim.resetCounts();
	});
	const run = (parameters, items = [{}], extra = {}) =>
		runHailuo({
			parameters,
			items,
			credentials: { apiToken: extra.token ?? TOKEN, baseUrl: extra.baseUrl ?? sim.url },
			continueOnFail: extra.continueOnFail,
			timeoutMs: extra.timeoutMs ?? 25_000,
		});
	return { sim, run };
}

/** Fast waiting settings for the simulator's 300 ms videos. */
const FAST = { pollInterval: 0.2, timeout: 10, maxRetries: 2 };

function textToVideo(extra = {}, options = {}) {
	return {
		resource: 'video',
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		options: { ...FAST, ...options },
		...extra,
	};
}

module.exports = { useSimulator, TOKEN, FAST, textToVideo };
