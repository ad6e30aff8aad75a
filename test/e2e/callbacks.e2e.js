/**
 * A batch's callbacks arriving together at one n8n (regular mode, SQLite):
 * 20 tasks, each delivered twice (at the same moment, or 1 s apart), then n8n
 * restarted and everything delivered once more. One execution per task in all:
 * the ids accepted by callbacks running at the same time all end up in the
 * static data n8n saves.
 */
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator } = require('./instance');
const { triggerWorkflow, chain, removeDuplicatesOnTaskId } = require('./workflows');
const { deliverBatch, executionsByTask, pastNode, failedIn } = require('./batchCallbacks');
const { settledExecutions, submitTask } = require('../queue/drive');

const TOKEN = 'sk-e2e-batch-token-77aa';
const SECRET = 'batch-s3cret';
// Status reads take 50 ms, as over the internet: callbacks overlap as they do in production.
const sim = createSimulator({ token: TOKEN, generationMs: 2000, queryLatencyMs: 50 });
let n8n;
let credentialId;

beforeAll(async () => {
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN));
}, 2_400_000);

afterAll(async () => {
	await n8n?.destroy();
	await sim.stop();
});

test('[lines] 20 tasks called back together, each twice, then n8n restarted and all again: exactly 20 executions', async () => {
	const workflow = triggerWorkflow('Hailuo batch callbacks', 'hailuo-batch', credentialId, { secret: SECRET });
	workflow.nodes.push(
		removeDuplicatesOnTaskId(),
	);
	workflow.connections = chain(['Hailuo Trigger', 'Remove Duplicates']);
	const triggerId = await n8n.createWorkflow(workflow);
	await n8n.activate(triggerId, ['hailuo-batch/hailuo']);
	const url = `${n8n.url}/webhook/hailuo-batch/hailuo?secret=${SECRET}`;
	const tasks = [];
	for (let i = 0; i < 20; i++) tasks.push(await submitTask(sim, TOKEN, `batch fox ${i}`));
	for (const taskId of tasks) sim.finishNow(taskId);
	sim.resetCounts();

	const first = await deliverBatch(sim, tasks, [url]);
	expect(first.answers.every((a) => a.status === 200 && a.json?.accepted === true)).toBe(true);
	const afterFirst = await settledExecutions(n8n, triggerId);
	const byTask = executionsByTask(afterFirst);
	const readsFirst = sim.counts.retrieve + sim.counts.retrieveBatch;

	await n8n.restart();
	await n8n.waitForWebhook('hailuo-batch/hailuo');
	await deliverBatch(sim, tasks, [url]);
	const afterSecond = await settledExecutions(n8n, triggerId);
	process.stderr.write(
		`regular mode, n8n ${n8n.version}: 40 deliveries of 20 tasks -> ${afterFirst.length} executions ` +
			`(same moment ${JSON.stringify(first.together.map((t) => byTask.get(t) ?? 0))}, 1 s apart ${JSON.stringify(first.apart.map((t) => byTask.get(t) ?? 0))}; ` +
			`${readsFirst} API reads); after a restart, 40 more -> ${afterSecond.length - afterFirst.length} new; ` +
			`past Remove Duplicates ${pastNode(afterSecond, 'Remove Duplicates')}, failed in it ${failedIn(afterSecond, 'Remove Duplicates')}\n`,
	);
	expect(tasks.map((t) => byTask.get(t) ?? 0)).toEqual(tasks.map(() => 1));
	expect(afterSecond).toHaveLength(20);
	// n8n's Remove Duplicates is no guard under a batch: see docs/callbacks.md (it is measured here, not relied on).
	expect(pastNode(afterSecond, 'Remove Duplicates') + failedIn(afterSecond, 'Remove Duplicates')).toBeGreaterThanOrEqual(20);
}, 240_000);
