'use strict';
/**
 * 5c-5e. A batch finishing together: 200 callbacks POSTed at once to a real
 * n8n, the API's status reads taking 50 ms as over the internet. Receivers,
 * same bodies, rounds interleaved:
 * - the Hailuo Trigger, verifying each callback with the API (reads shared);
 * - the Hailuo Trigger as it was before its reads were shared, one read per
 *   callback: the package built from the commit before (HAILUO_BENCH_BASELINE_REF),
 *   in a second n8n started by this same run;
 * - n8n's stock Webhook node alone (no verification at all).
 * Figures: API reads per burst, callbacks/s, and a lone callback's answer time.
 * `node bench/callbackBurst.js` prints them; `npm run bench` includes them.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { request } = require('undici');
const { createSimulator } = require('../test/simulator/simulator');
const { N8nInstance } = require('../test/e2e/instance');
const { triggerWorkflow, node } = require('../test/e2e/workflows');
const { SMOKE, median, sized, table, writeResult, finishedCallbackBodies, ROOT } = require('./lib');

/** The last commit whose trigger read each callback alone. */
const BASELINE_REF = process.env.HAILUO_BENCH_BASELINE_REF ?? '9ed9599^';

/**
 * Builds the package at `ref` in a folder of its own (this checkout's node_modules); returns the folder.
 * A clone without that commit (a shallow one) cannot measure the baseline: a smoke run then uses this checkout's build.
 */
function buildAt(ref) {
	try {
		execFileSync('git', ['cat-file', '-e', `${ref}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
	} catch {
		if (SMOKE) return { dir: ROOT, remove: () => {} };
		throw new Error(`The baseline commit ${ref} is not in this clone: run \`git fetch --unshallow\`, or set HAILUO_BENCH_BASELINE_REF.`);
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-baseline-'));
	execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: ROOT, stdio: 'ignore' });
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'ignore' });
	return {
		dir,
		remove: () => execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' }),
	};
}

const TOKEN = 'sk-bench-burst-token-3e1f';

async function post(url, body) {
	const started = process.hrtime.bigint();
	const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await response.body.text();
	return { status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const finishedBodies = async (sim, count) => await finishedCallbackBodies(sim, TOKEN, count, 'burst');

/** All bodies at once; API reads and callbacks/s of the burst. */
async function burst(sim, url, bodies) {
	sim.resetCounts();
	const started = process.hrtime.bigint();
	const answers = await Promise.all(bodies.map((body) => post(url, body)));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return {
		perSecond: bodies.length / seconds,
		reads: sim.counts.retrieve + sim.counts.retrieveBatch,
		failures: answers.filter((a) => a.status !== 200).length,
	};
}

async function lone(sim, url, count) {
	const times = [];
	for (const body of await finishedBodies(sim, count)) times.push((await post(url, body)).ms);
	return median(times);
}

/** One n8n with the package from `packageDir`: a Hailuo Trigger and (optionally) the stock Webhook node. */
async function receivers(sim, packageDir, { stock, env }) {
	const previous = process.env.HAILUO_E2E_PACKAGE;
	if (packageDir) process.env.HAILUO_E2E_PACKAGE = packageDir;
	let n8n;
	try {
		n8n = await N8nInstance.create({ env: { N8N_LOG_LEVEL: 'warn', ...env } });
	} finally {
		if (previous === undefined) delete process.env.HAILUO_E2E_PACKAGE;
		else process.env.HAILUO_E2E_PACKAGE = previous;
	}
	await n8n.setupOwner();
	const { id: credentialId } = await n8n.createCredential({ apiToken: TOKEN, baseUrl: sim.url });
	const triggerId = await n8n.createWorkflow(triggerWorkflow('burst trigger', 'burst-trigger', credentialId, {}));
	await n8n.activate(triggerId, ['burst-trigger/hailuo']);
	const urls = { trigger: `${n8n.url}/webhook/burst-trigger/hailuo` };
	if (stock) {
		const stockId = await n8n.createWorkflow({
			name: 'burst stock webhook',
			nodes: [node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: 'burst-stock', responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: 'burst-stock-id' })],
			connections: {},
		});
		await n8n.activate(stockId, ['burst-stock']);
		urls.stock = `${n8n.url}/webhook/burst-stock`;
	}
	return { n8n, urls };
}

async function callbackBurstFigures({ callbacks, rounds, lone: loneCount } = sized('callbackBurst'), { queryLatencyMs = 50, env = {} } = {}) {
	const sim = createSimulator({ token: TOKEN, generationMs: 600_000, queryLatencyMs });
	await sim.start();
	const baselineBuild = buildAt(BASELINE_REF);
	const started = [];
	try {
		const current = await receivers(sim, undefined, { stock: true, env });
		started.push(current.n8n);
		const before = await receivers(sim, baselineBuild.dir, { stock: false, env });
		started.push(before.n8n);
		const urls = { trigger: current.urls.trigger, perCallback: before.urls.trigger, stock: current.urls.stock };
		const results = { trigger: [], perCallback: [], stock: [] };
		for (let round = 0; round < rounds; round++) {
			for (const receiver of Object.keys(urls)) results[receiver].push(await burst(sim, urls[receiver], await finishedBodies(sim, callbacks)));
		}
		const loneTrigger = await lone(sim, urls.trigger, loneCount);
		const lonePerCallback = await lone(sim, urls.perCallback, loneCount);
		const rate = (list) => median(list.map((r) => r.perSecond));
		const reads = (list) => median(list.map((r) => r.reads));
		const failures = Object.values(results).flat().reduce((sum, r) => sum + r.failures, 0);
		const trigger = { rate: rate(results.trigger), reads: reads(results.trigger) };
		const perCallback = { rate: rate(results.perCallback), reads: reads(results.perCallback) };
		const stock = rate(results.stock);
		const raw = { baseline: BASELINE_REF, results, loneTrigger, lonePerCallback, failures, queryLatencyMs };
		return [
			{
				name: `5c. API reads for ${callbacks} callbacks at once, Hailuo Trigger (real n8n, reads take ${queryLatencyMs} ms)`,
				figure: `${trigger.reads} reads`,
				baseline: `${perCallback.reads} reads, one per callback (the trigger before)`,
				ratio: `${(perCallback.reads / trigger.reads).toFixed(1)}x fewer`,
				target: 'at most 1 read per 10 callbacks',
				met: trigger.reads * 10 <= callbacks,
				raw,
			},
			{
				name: `5d. Callbacks/s for ${callbacks} at once, verified (real n8n, reads take ${queryLatencyMs} ms)`,
				figure: `${trigger.rate.toFixed(0)}/s`,
				baseline: `${perCallback.rate.toFixed(0)}/s one read per callback; ${stock.toFixed(0)}/s stock Webhook, unverified`,
				ratio: `${(trigger.rate / perCallback.rate).toFixed(2)}x`,
				target: 'no slower than one read per callback',
				met: trigger.rate >= perCallback.rate,
				raw,
			},
			{
				name: `5e. A lone callback's answer, verified (real n8n, reads take ${queryLatencyMs} ms)`,
				figure: `${loneTrigger.toFixed(0)} ms median`,
				baseline: `${lonePerCallback.toFixed(0)} ms one read per callback`,
				ratio: `${(loneTrigger / lonePerCallback).toFixed(2)}x`,
				target: 'within 10% of one read per callback',
				met: loneTrigger <= 1.1 * lonePerCallback,
				raw,
			},
		];
	} finally {
		for (const n8n of started) await n8n.destroy();
		baselineBuild.remove();
		await sim.stop();
	}
}

module.exports = { callbackBurstFigures };

if (require.main === module) {
	callbackBurstFigures()
		.then((figures) => {
			console.log(table([['figure', 'the node', 'baseline', 'ratio', 'target', ''], ...figures.map((f) => [f.name, f.figure, f.baseline, f.ratio, f.target, f.met ? 'met' : 'MISSED'])]));
			writeResult('callback-burst', { figures });
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
