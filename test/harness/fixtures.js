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
			nodeSettings: extra.nodeSettings,
			timeoutMs: extra.timeoutMs ?? 25_000,
		});
	return { sim, run };
}

/**
 * A simulator and an in-process n8n with its webhook layer listening, for
 * tests of callbacks. Fresh counts, configuration and credentials per test.
 */
function useInstance(options = {}) {
	const { Instance } = require('./n8n');
	const sim = createSimulator({ token: TOKEN, ...options });
	const defaults = { ...sim.config };
	const context = { sim, n8n: undefined };
	beforeAll(async () => {
		await sim.start();
		context.n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
		await context.n8n.listen();
	});
	afterAll(async () => {
		await context.n8n.close();
		await sim.stop();
	});
	beforeEach(() => {
		sim.resetCounts();
		sim.set({ ...defaults });
		context.n8n.setCredentials({ apiToken: TOKEN, baseUrl: sim.url });
		context.n8n.started.length = 0;
	});
	return context;
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

module.exports = { useSimulator, useInstance, TOKEN, FAST, textToVideo };
