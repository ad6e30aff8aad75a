'use strict';
/**
 * The benchmark scenarios. Each returns { figure, baseline, ratio, target, met, note }
 * measured side by side in this process against the simulator.
 */
const { request } = require('undici');
const { createSimulator } = require('../test/simulator/simulator');
const { runHailuo } = require('../test/harness/n8n');
const { median, sized, startSimulatorProcess } = require('./lib');

const TOKEN = 'bench-token';
const credentialsFor = (url) => ({ apiToken: TOKEN, baseUrl: url });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withSimulator(options, fn) {
	const sim = createSimulator({ token: TOKEN, ...options });
	await sim.start();
	try {
		return await fn(sim);
	} finally {
		await sim.stop();
	}
}

function post(url, body) {
	return request(url, {
		method: 'POST',
		headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	}).then((r) => r.body.json());
}

/** 1. 100 prompts, each submission answered after 200 ms: default concurrency vs one at a time. */
async function submissionThroughput({ prompts, runs } = sized('throughput')) {
	const items = Array.from({ length: prompts }, (_, i) => ({ prompt: `prompt ${i}` }));
	const time = async (sim, concurrency) => {
		const started = Date.now();
		const run = await runHailuo({
			parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', completion: 'submitOnly', options: { concurrency } },
			items,
			credentials: credentialsFor(sim.url),
			timeoutMs: 120_000,
		});
		if (run.json.length !== prompts || sim.counts.submit % prompts !== 0) throw new Error('throughput run lost items');
		return (Date.now() - started) / 1000;
	};
	return await withSimulator({ submitLatencyMs: 200, generationMs: 60_000 }, async (sim) => {
		const node = [];
		const serial = [];
		for (let i = 0; i < runs; i++) node.push(await time(sim, 5));
		serial.push(await time(sim, 1));
		const ideal = Math.ceil(prompts / 5) * 0.2;
		const figure = median(node);
		return {
			name: `1. Submission throughput (${prompts} prompts, 200 ms per submission)`,
			figure: `${figure.toFixed(2)} s (concurrency 5)`,
			baseline: `${median(serial).toFixed(2)} s (one at a time)`,
			ratio: `${(median(serial) / figure).toFixed(1)}x faster`,
			target: `<= 1.3 x ${ideal.toFixed(1)} s = ${(1.3 * ideal).toFixed(2)} s`,
			met: figure <= 1.3 * ideal,
			raw: { node, serial, idealSeconds: ideal },
		};
	});
}

/**
 * 2. 100 videos finishing over 30-90 s, polled every 10 s: the node's batch
 * polling vs a per-task loop (HTTP Request + Wait + IF per item). Time is
 * scaled down 20x (1.5-4.5 s, 0.5 s interval): request counts do not depend on it.
 */
async function statusRequests({ videos, scale } = sized('statusRequests')) {
	const interval = 10 / scale;
	const generationMs = [30_000 / scale, 90_000 / scale];
	const node = await withSimulator({ generationMs }, async (sim) => {
		const items = Array.from({ length: videos }, (_, i) => ({ prompt: `p${i}` }));
		const run = await runHailuo({
			parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: interval, timeout: 600 } },
			items,
			credentials: credentialsFor(sim.url),
			timeoutMs: 120_000,
		});
		if (!run.json.every((j) => j.state === 'succeeded')) throw new Error('not all videos finished');
		return sim.counts.retrieveBatch + sim.counts.retrieve;
	});
	const perTask = await withSimulator({ generationMs }, async (sim) => {
		const ids = await Promise.all(
			Array.from({ length: videos }, (_, i) => post(`${sim.url}/hailuo/videos`, { action: 'generate', prompt: `p${i}`, async: true }).then((a) => a.task_id)),
		);
		await Promise.all(
			ids.map(async (id) => {
				for (;;) {
					await sleep(interval * 1000);
					const record = await post(`${sim.url}/hailuo/tasks`, { action: 'retrieve', id });
					if (record.finished_at) return;
				}
			}),
		);
		return sim.counts.retrieve;
	});
	return {
		name: `2. Status requests (${videos} videos finishing over 30-90 s, every 10 s)`,
		figure: `${node} requests (batch polling)`,
		baseline: `${perTask} requests (per-task polling)`,
		ratio: `${(perTask / node).toFixed(1)}x fewer`,
		target: '>= 25x fewer',
		met: perTask / node >= 25,
		raw: { node, perTask, scale },
	};
}

/**
 * 3. Time from the simulator finishing a task to the output being ready:
 * Poll at the default 10 s interval vs a 15 s polling loop (scaled 5x, reported
 * in real seconds; a small scale, so that fixed costs are not multiplied). Pause Until Callback is measured in a real n8n (bench/n8n.js).
 */
async function noticeDelay({ runs, scale } = sized('noticeDelay')) {
	const interval = 10 / scale;
	// Videos take 30-90 s, as in figure 2: their ends fall anywhere between two polls.
	const generationMs = [30_000 / scale, 90_000 / scale];
	const nodeDelays = await withSimulator({ generationMs }, async (sim) =>
		Promise.all(
			Array.from({ length: runs }, async (_, i) => {
				const run = await runHailuo({
					parameters: { resource: 'video', operation: 'textToVideo', prompt: `notice ${i}`, options: { pollInterval: interval, timeout: 600 } },
					credentials: credentialsFor(sim.url),
					timeoutMs: 120_000,
				});
				const ready = Date.now();
				const task = sim.tasks.get(run.json[0].taskId);
				return ((ready - task.finishedAt) / 1000) * scale;
			}),
		),
	);
	const loopInterval = 15 / scale;
	const loopDelays = await withSimulator({ generationMs }, async (sim) =>
		Promise.all(
			Array.from({ length: runs }, async (_, i) => {
				const { task_id: id } = await post(`${sim.url}/hailuo/videos`, { action: 'generate', prompt: `loop ${i}`, async: true });
				for (;;) {
					await sleep(loopInterval * 1000);
					const record = await post(`${sim.url}/hailuo/tasks`, { action: 'retrieve', id });
					if (record.finished_at) return ((Date.now() - sim.tasks.get(id).finishedAt) / 1000) * scale;
				}
			}),
		),
	);
	const figure = median(nodeDelays);
	return {
		name: '3. Time to notice completion (Poll, default 10 s interval)',
		figure: `${figure.toFixed(2)} s median`,
		baseline: `${median(loopDelays).toFixed(2)} s median (15 s polling loop)`,
		ratio: `${(median(loopDelays) / figure).toFixed(1)}x sooner`,
		target: '< 5 s (half the interval)',
		met: figure < 5,
		raw: { nodeDelays, loopDelays, scale },
	};
}

/** 6. CPU the node spends per item: 1,000 items against an instant simulator in another process. */
async function overheadPerItem({ items: count } = sized('cpuPerItem')) {
	const sim = await startSimulatorProcess(['--generation-ms', '0', '--token', TOKEN]);
	try {
		const items = Array.from({ length: count }, (_, i) => ({ prompt: `item ${i}` }));
		// One run of all the items: Max Videos per Run raised to the run's size, as a user with a big batch would.
		const parameters = { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 0.1, timeout: 60, concurrency: 5, maxVideos: count } };
		await runHailuo({ parameters, items: items.slice(0, 20), credentials: credentialsFor(sim.url) });
		const before = process.cpuUsage();
		const run = await runHailuo({ parameters, items, credentials: credentialsFor(sim.url), timeoutMs: 120_000 });
		const used = process.cpuUsage(before);
		if (run.json.length !== count) throw new Error(`lost items: ${run.json.length} of ${count} came out${run.error ? ` (${run.error.message})` : ''}`);
		const nodeMs = (used.user + used.system) / 1000 / 1000;

		// Baseline: the same 1,000 submissions and the same batch reads, as bare HTTP calls.
		const bareBefore = process.cpuUsage();
		const ids = [];
		for (let i = 0; i < count; i += 5) {
			const answers = await Promise.all(items.slice(i, i + 5).map((item) => post(`${sim.url}/hailuo/videos`, { action: 'generate', prompt: item.prompt, async: true })));
			ids.push(...answers.map((a) => a.task_id));
		}
		for (let i = 0; i < ids.length; i += 50) await post(`${sim.url}/hailuo/tasks`, { action: 'retrieve_batch', ids: ids.slice(i, i + 50) });
		const bare = process.cpuUsage(bareBefore);
		const bareMs = (bare.user + bare.system) / 1000 / 1000;
		return {
			name: `6. CPU per item (${count.toLocaleString('en')} items, instant simulator)`,
			figure: `${nodeMs.toFixed(3)} ms per item (node, in n8n's engine)`,
			baseline: `${bareMs.toFixed(3)} ms per item (bare HTTP calls)`,
			ratio: `${(nodeMs / bareMs).toFixed(1)}x the bare HTTP cost`,
			target: 'report only',
			met: true,
			raw: { nodeMs, bareMs },
		};
	} finally {
		sim.stop();
	}
}

module.exports = { submissionThroughput, statusRequests, noticeDelay, overheadPerItem, TOKEN };
