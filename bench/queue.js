#!/usr/bin/env node
'use strict';
/**
 * Scale in queue mode: 200 videos as 10 executions of 20 prompts started at
 * once, run by 2 workers (Postgres, Redis, 2 webhook processors), next to the
 * same load on a single regular-mode n8n in the same run. Reports wall time,
 * worker-slot time (the sum of the executions' own durations), lost videos,
 * submissions and status requests; writes bench/results/queue.json.
 *
 * HAILUO_QUEUE_BENCH_EXECUTIONS / _PROMPTS change the load (default 10 x 20).
 */
const { createSimulator } = require('../test/simulator/simulator');
const { N8nInstance } = require('../test/e2e/instance');
const { QueueCluster } = require('../test/queue/cluster');
const { generator, finishedExecutions, nodeOutput } = require('../test/queue/drive');
const { generateWorkflow } = require('../test/e2e/workflows');
const { postJson } = require('../test/queue/drive');
const { sized, table, writeResult } = require('./lib');

const TOKEN = 'sk-queue-bench-token-9e0a';
const EXECUTIONS = Number(process.env.HAILUO_QUEUE_BENCH_EXECUTIONS ?? sized('queue').executions);
const PROMPTS = Number(process.env.HAILUO_QUEUE_BENCH_PROMPTS ?? sized('queue').prompts);
// Videos take 20-60 s, so tasks end anywhere between polls, as real ones do.
const GENERATION_MS = [20_000, 60_000];
const PARAMETERS = { options: { pollInterval: 5, timeout: 600 } };

function promptsFor(execution) {
	return Array.from({ length: PROMPTS }, (_, i) => `bench ${execution}-${i}`);
}

/** Starts every execution at once and measures until the last one ended. */
async function runLoad(sim, main, workflow) {
	sim.resetCounts();
	const started = Date.now();
	await Promise.all(Array.from({ length: EXECUTIONS }, (_, e) => workflow.start(promptsFor(e))));
	const executions = await finishedExecutions(main, workflow.id, EXECUTIONS, 900_000);
	const wallMs = Date.now() - started;
	const slotMs = executions.reduce((sum, e) => sum + (new Date(e.stoppedAt) - new Date(e.startedAt)), 0);
	const items = executions.flatMap((e) => nodeOutput(e, 'Hailuo'));
	const succeeded = items.filter((i) => i.json.state === 'succeeded').length;
	const rounds = sim.log.filter((e) => e.kind === 'retrieveBatch');
	return {
		executions: executions.length,
		executionsSucceeded: executions.filter((e) => e.status === 'success').length,
		videos: EXECUTIONS * PROMPTS,
		succeeded,
		lost: EXECUTIONS * PROMPTS - succeeded,
		submissions: sim.counts.submit,
		statusRequests: sim.counts.retrieve + sim.counts.retrieveBatch,
		singleReads: sim.counts.retrieve,
		batchReads: sim.counts.retrieveBatch,
		largestBatch: Math.max(0, ...rounds.map((r) => r.ids.length)),
		wallSeconds: wallMs / 1000,
		workerSlotSeconds: slotMs / 1000,
		executionIds: executions.map((e) => e.id),
	};
}

async function queueMode(sim) {
	const cluster = await QueueCluster.start({ workers: 2, webhooks: 2 });
	try {
		await cluster.main.setupOwner();
		const { id: credentialId } = await cluster.main.createCredential({ apiToken: TOKEN, baseUrl: sim.url });
		const workflow = await generator(cluster, credentialId, PARAMETERS);
		const result = await runLoad(sim, cluster.main, workflow);
		const perWorker = {};
		for (const id of result.executionIds) {
			for (const [name, runs] of Object.entries(cluster.runsByWorker(id))) perWorker[name] = (perWorker[name] ?? 0) + runs;
		}
		return { ...result, perWorker };
	} finally {
		await cluster.stop();
	}
}

async function regularMode(sim) {
	const n8n = await N8nInstance.create({ env: { N8N_LOG_LEVEL: 'warn' } });
	try {
		await n8n.setupOwner();
		const { id: credentialId } = await n8n.createCredential({ apiToken: TOKEN, baseUrl: sim.url });
		const id = await n8n.createWorkflow(generateWorkflow('Hailuo bench regular', 'bench-regular', credentialId, PARAMETERS));
		await n8n.activate(id, ['bench-regular']);
		const workflow = {
			id,
			async start(prompts) {
				const answer = await postJson(`${n8n.url}/webhook/bench-regular`, { prompts });
				if (answer.status !== 200) throw new Error(`start: ${answer.status} ${answer.text}`);
			},
		};
		return await runLoad(sim, n8n, workflow);
	} finally {
		await n8n.destroy();
	}
}

async function main() {
	const started = Date.now();
	const sim = createSimulator({ token: TOKEN, generationMs: GENERATION_MS });
	await sim.start();
	try {
		// One after the other, so neither competes with the other for the CPU.
		process.stdout.write('queue mode (main + 2 workers + 2 webhook processors)... ');
		const queue = await queueMode(sim);
		console.log(`${queue.wallSeconds.toFixed(0)} s`);
		process.stdout.write('regular mode (one n8n)... ');
		const regular = await regularMode(sim);
		console.log(`${regular.wallSeconds.toFixed(0)} s`);

		const rows = [
			['', 'queue mode', 'regular mode'],
			...['videos', 'succeeded', 'lost', 'executionsSucceeded', 'submissions', 'statusRequests', 'batchReads', 'singleReads', 'largestBatch', 'wallSeconds', 'workerSlotSeconds'].map(
				(key) => [key, fmt(queue[key]), fmt(regular[key])],
			),
			['executions per worker', JSON.stringify(queue.perWorker), '-'],
		];
		console.log(`\n${EXECUTIONS} executions x ${PROMPTS} prompts started at once, videos of ${GENERATION_MS[0] / 1000}-${GENERATION_MS[1] / 1000} s, poll every ${PARAMETERS.options.pollInterval} s\n`);
		console.log(table(rows));
		const strip = ({ executionIds, ...rest }) => rest;
		console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
		writeResult('queue', { load: { executions: EXECUTIONS, prompts: PROMPTS, generationMs: GENERATION_MS, parameters: PARAMETERS }, queue: strip(queue), regular: strip(regular), seconds: (Date.now() - started) / 1000 });
		if (queue.lost > 0 || regular.lost > 0 || queue.submissions !== queue.videos) process.exitCode = 1;
	} finally {
		await sim.stop();
	}
}

const fmt = (v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v));

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
