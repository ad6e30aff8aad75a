#!/usr/bin/env node
'use strict';
/**
 * The Hailuo Trigger's catch-up, in a real n8n (the end-to-end suite's pinned
 * install) against the simulator:
 * 7a. API reads per catch-up round for 200 awaited tasks, and while nothing is awaited.
 * 7b. Delay from a task's end to its workflow's start when its callback is lost.
 * 7c. What registering with the trigger adds to submitting 200 videos.
 * Prints a table and writes bench/results/catch-up.json. `npm run bench:catch-up`.
 */
const { createSimulator } = require('../test/simulator/simulator');
const { N8nInstance } = require('../test/e2e/instance');
const { generateWorkflow, triggerWorkflow } = require('../test/e2e/workflows');
const { finishedExecutions, nodeOutput } = require('../test/queue/drive');
const { waitFor } = require('../test/harness/wait');
const { median, machine, sized, table, writeResult } = require('./lib');

const TOKEN = 'sk-bench-catch-up-7d2e';
const TASKS = Number(process.env.HAILUO_BENCH_CATCH_UP_TASKS ?? sized('catchUp').tasks);
const LOST = Number(process.env.HAILUO_BENCH_CATCH_UP_LOST ?? sized('catchUp').lost);
const INTERVAL_MINUTES = 1;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function catchUpFigures() {
	// Submissions take 200 ms, reads 50 ms, as over the internet; nothing ends by itself.
	const sim = createSimulator({ token: TOKEN, generationMs: 3_600_000, submitLatencyMs: 200, queryLatencyMs: 50 });
	await sim.start();
	const n8n = await N8nInstance.create({ env: { N8N_LOG_LEVEL: 'warn' } });
	try {
		await n8n.setupOwner();
		const { id: credentialId } = await n8n.createCredential({ apiToken: TOKEN, baseUrl: sim.url });
		const triggerId = await n8n.createWorkflow(triggerWorkflow('bench receiver', 'bench-catch-up', credentialId, { catchUpInterval: INTERVAL_MINUTES }));
		await n8n.activate(triggerId, ['bench-catch-up/hailuo']);
		const triggerUrl = `${n8n.url}/webhook/bench-catch-up/hailuo`;

		let paths = 0;
		const submit = async (callbackUrl, prompts) => {
			const path = `bench-submit-${++paths}`;
			const id = await n8n.createWorkflow(generateWorkflow(path, path, credentialId, { completion: 'submitOnly', options: { callbackUrl } }));
			await n8n.activate(id, [path]);
			await n8n.post(`/webhook/${path}`, { prompts });
			const [execution] = await finishedExecutions(n8n, id, 1, 300_000);
			const ms = new Date(execution.stoppedAt).getTime() - new Date(execution.startedAt).getTime();
			return { ms, ids: nodeOutput(execution, 'Hailuo').map((i) => i.json.taskId) };
		};

		// 7c. The same 200 submissions, with a Callback URL that is not a trigger's (nothing registered), then a trigger's.
		const plain = await submit(`${sim.url}/elsewhere/callback`, Array.from({ length: TASKS }, (_, i) => `plain ${i} [no-callback]`));
		const readsBefore = sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/tasks').length;
		const registered = await submit(triggerUrl, Array.from({ length: TASKS }, (_, i) => `registered ${i} [no-callback]`));

		// 7a. Rounds while the 200 run, then none once they are delivered.
		const tasksRequests = () => sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/tasks');
		await waitFor(() => tasksRequests().length > readsBefore, 120_000, 'a catch-up round');
		await sleep(5_000);
		const whileRunning = tasksRequests().length - readsBefore;

		// 7b. Lost callbacks: tasks ending at staggered moments over one interval.
		const lost = registered.ids.slice(0, LOST);
		const endedAt = new Map();
		for (const id of lost) {
			sim.finishNow(id);
			endedAt.set(id, Date.now());
			await sleep((INTERVAL_MINUTES * 60_000) / LOST);
		}
		registered.ids.slice(LOST).forEach((id) => sim.finishNow(id));
		let executions = [];
		await waitFor(async () => {
			executions = await n8n.executions(triggerId, { includeData: true });
			return executions.length >= TASKS;
		}, 300_000, 'every task started');
		const startedAt = new Map(executions.map((e) => [nodeOutput(e, 'Hailuo Trigger')[0]?.json.taskId, new Date(e.startedAt).getTime()]));
		const delays = lost.map((id) => (startedAt.get(id) - endedAt.get(id)) / 1000);
		const afterDelivered = tasksRequests().length;
		await sleep((INTERVAL_MINUTES * 60_000) + 10_000);
		const idle = tasksRequests().length - afterDelivered;
		const perTask = new Map();
		for (const e of executions) {
			const id = nodeOutput(e, 'Hailuo Trigger')[0]?.json.taskId;
			perTask.set(id, (perTask.get(id) ?? 0) + 1);
		}
		const roundSeconds = INTERVAL_MINUTES * 60;
		const target = ((INTERVAL_MINUTES * 60_000) + 5_000) / 1000;
		return [
			{
				name: `7a. API reads per catch-up round, ${TASKS} awaited tasks (real n8n)`,
				figure: `${whileRunning} read(s)`,
				baseline: `${TASKS} reads (one per task)`,
				ratio: `${(TASKS / Math.max(1, whileRunning)).toFixed(0)}x fewer`,
				target: `ceil(${TASKS}/50) = ${Math.ceil(TASKS / 50)}`,
				met: whileRunning <= Math.ceil(TASKS / 50),
			},
			{
				name: '7a. API reads per catch-up round, nothing awaited (real n8n)',
				figure: `${idle} read(s)`,
				baseline: '',
				ratio: '',
				target: '0',
				met: idle === 0,
			},
			{
				name: `7b. Task end -> workflow start, callback lost (${LOST} tasks ending over one ${roundSeconds} s interval)`,
				figure: `${median(delays).toFixed(1)} s median, ${Math.max(...delays).toFixed(1)} s max`,
				baseline: 'never (no catch-up)',
				ratio: '',
				target: `<= interval + one read (${target} s)`,
				met: Math.max(...delays) <= target,
				raw: { delays, executions: executions.length, startedTwice: [...perTask.values()].filter((n) => n > 1).length },
			},
			{
				name: `7c. Submitting ${TASKS} videos (200 ms each, concurrency 5), registered with the trigger`,
				figure: `${(registered.ms / 1000).toFixed(2)} s`,
				baseline: `${(plain.ms / 1000).toFixed(2)} s (Callback URL not a trigger's)`,
				ratio: `${registered.ms >= plain.ms ? '+' : ''}${(((registered.ms - plain.ms) / plain.ms) * 100).toFixed(1)}%`,
				target: 'under +10%',
				met: registered.ms < plain.ms * 1.1,
			},
		];
	} finally {
		await n8n.destroy();
		await sim.stop();
	}
}

if (require.main === module) {
	catchUpFigures()
		.then((figures) => {
			console.log(`\nHailuo Trigger catch-up, ${new Date().toISOString().slice(0, 10)}, ${machine()}\n`);
			console.log(table([['figure', 'the node', 'baseline', 'ratio', 'target', ''], ...figures.map((f) => [f.name, f.figure, f.baseline, f.ratio, f.target, f.met ? 'met' : 'MISSED'])]));
			writeResult('catch-up', { figures });
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}

module.exports = { catchUpFigures };
