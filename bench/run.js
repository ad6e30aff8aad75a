#!/usr/bin/env node
'use strict';
/**
 * npm run bench: every figure next to its baseline, measured side by side in
 * this run against the simulator (and a real n8n for the callback figures).
 * Prints a table and writes bench/results/latest.json.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-bench-'));
process.env.N8N_LOG_LEVEL ??= 'silent';

const { submissionThroughput, statusRequests, noticeDelay, overheadPerItem } = require('./scenarios');
const { downloadMemory } = require('./download');
const { realN8nFigures } = require('./n8n');
const { callbackBurstFigures } = require('./callbackBurst');
const { catchUpFigures } = require('./catchUp');
const { SMOKE, machine, sized, table, writeResult } = require('./lib');

async function main() {
	const started = Date.now();
	const figures = [];
	const step = async (label, fn) => {
		const t = Date.now();
		process.stdout.write(`${label}... `);
		const result = await fn();
		figures.push(...[].concat(result));
		console.log(`${((Date.now() - t) / 1000).toFixed(0)} s`);
	};
	await step('submission throughput', submissionThroughput);
	await step('status requests', statusRequests);
	await step('time to notice (poll)', noticeDelay);
	await step('download memory', downloadMemory);
	await step('real n8n: pause and trigger (default settings)', () => realN8nFigures());
	// n8n skips its per-request expression isolate for its own Webhook node only: the same figures with the legacy engine show the node's own cost.
	await step('real n8n: trigger with N8N_EXPRESSION_ENGINE=legacy', async () => {
		const [, ...triggers] = await realN8nFigures({ ...sized('realN8n'), pauseRuns: 0 }, { env: { N8N_EXPRESSION_ENGINE: 'legacy' } });
		return triggers.map((figure) => ({ ...figure, name: figure.name.replace('real n8n', 'real n8n, N8N_EXPRESSION_ENGINE=legacy') }));
	});
	await step('real n8n: callbacks at once (shared reads vs one per callback)', () => callbackBurstFigures());
	await step('real n8n: catching up on missed callbacks', catchUpFigures);
	await step('CPU per item', overheadPerItem);
	// Queue mode needs PostgreSQL and Redis (test/queue/services.sh): its own script, own table, own results file.
	if (process.env.HAILUO_BENCH_QUEUE !== 'false') {
		console.log('queue mode vs one regular n8n (bench/queue.js; HAILUO_BENCH_QUEUE=false skips it)...');
		const queue = spawnSync(process.execPath, [path.join(__dirname, 'queue.js')], { stdio: 'inherit' });
		if (queue.status !== 0) process.exitCode = 1;
	}
	figures.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));

	console.log(`\nHailuo node benchmarks, ${new Date().toISOString().slice(0, 10)}, ${machine()}\n`);
	console.log(table([['figure', 'the node', 'baseline', 'ratio', 'target', ''], ...figures.map((f) => [f.name, f.figure, f.baseline, f.ratio, f.target, SMOKE ? 'smoke' : f.met ? 'met' : 'MISSED'])]));
	console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
	writeResult('latest', { seconds: (Date.now() - started) / 1000, figures });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
