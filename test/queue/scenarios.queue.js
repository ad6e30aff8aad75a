/**
 * Queue mode end to end: Postgres, Redis, an n8n main, 2 workers and 2 webhook
 * processors behind a load balancer, all started here on loopback ports and
 * stopped whatever happens. Every scenario is checked on n8n's executions and
 * on the simulator's request counts. Scenarios share the cluster and run in
 * order (c1 -> b3 -> c2 span one restart of every process).
 */
const { createSimulator } = require('../simulator/simulator');
const { triggerWorkflow, node, chain, removeDuplicatesOnTaskId } = require('../e2e/workflows');
const { waitFor } = require('../harness/wait');
const { QueueCluster } = require('./cluster');
const { generator, finishedExecutions, settledExecutions, postJson, servedBytes, submitTask, nodeOutput } = require('./drive');
const { deliverBatch, executionsByTask, pastNode, failedIn } = require('../e2e/batchCallbacks');
const { startCollector, postToCollector } = require('../e2e/collector');

const TOKEN = 'sk-queue-simulator-token-51c9';
const VIDEO_SIZE = 256 * 1024;
const SECRET = 'q-s3cret';
const sim = createSimulator({ token: TOKEN, generationMs: 2000, videoSize: VIDEO_SIZE });
const suiteStart = Date.now();
let cluster;
let credentialId;

beforeAll(async () => {
	await sim.start();
	cluster = await QueueCluster.start({ workers: 2, webhooks: 2 });
	await cluster.main.setupOwner();
	({ id: credentialId } = await cluster.main.createCredential({ apiToken: TOKEN, baseUrl: sim.url }));
	console.log(`queue cluster up in ${(cluster.bootMs / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(async () => {
	await cluster?.stop();
	await sim.stop();
	console.log(`queue suite wall time: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
}, 120_000);

beforeEach(() => {
	sim.resetCounts();
	sim.set({ generationMs: 2000, duplicateCallbacks: 0, callbackDelayMs: 0, queryLatencyMs: 0 });
});

/** The Postgres credential for n8n's own Postgres node, on the suite's database. */
const pgCredentialData = (pg) => ({ host: pg.env.DB_POSTGRESDB_HOST, port: Number(pg.env.DB_POSTGRESDB_PORT), database: pg.env.DB_POSTGRESDB_DATABASE, user: pg.env.DB_POSTGRESDB_USER, password: pg.env.DB_POSTGRESDB_PASSWORD });

const statusRequests = () => sim.counts.retrieve + sim.counts.retrieveBatch;
const total = (runs) => Object.values(runs).reduce((a, b) => a + b, 0);

async function waitingExecution(workflowId, timeoutMs = 30_000) {
	let waiting;
	await waitFor(
		async () => {
			[waiting] = await cluster.main.executions(workflowId, { status: 'waiting' });
			return waiting !== undefined;
		},
		timeoutMs,
		'a waiting execution',
	);
	return waiting;
}

describe('n8n in queue mode (main + 2 workers + 2 webhook processors)', () => {
	test('a. 20 prompts with Poll on a worker: 20 outputs in order, 20 submissions, batched status calls', async () => {
		sim.set({ generationMs: [1500, 5000] });
		const wf = await generator(cluster, credentialId, { options: { pollInterval: 1, timeout: 120 } });
		const prompts = Array.from({ length: 20 }, (_, i) => `queue fox ${i + 1}`);
		await wf.start(prompts);
		const [execution] = await finishedExecutions(cluster.main, wf.id, 1, 120_000);
		expect(execution.status).toBe('success');
		expect(total(cluster.runsByWorker(execution.id))).toBe(1);

		const items = nodeOutput(execution, 'Hailuo');
		expect(items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(items.every((i) => i.json.state === 'succeeded')).toBe(true);
		expect(items.map((i) => i.pairedItem.item)).toEqual(prompts.map((_, i) => i));
		expect(sim.counts.submit).toBe(20);
		const rounds = sim.log.filter((e) => e.kind === 'retrieveBatch');
		expect(rounds[0].ids).toHaveLength(20);
		expect(sim.counts.retrieve).toBe(0);
		// Batched: one request per round for all tasks still running, never one per task.
		expect(statusRequests()).toBe(rounds.length);
		expect(rounds.length).toBeLessThanOrEqual(10);
	}, 180_000);

	describe('b. Pause Until Callback', () => {
		let wf;
		beforeAll(async () => {
			wf = await generator(cluster, credentialId, { completion: 'pauseUntilCallback', download: true, options: { timeout: 900 } });
		}, 60_000);

		async function pauseOne(prompt) {
			sim.set({ generationMs: 600_000 }); // ends only when the test says so
			await wf.start([prompt]);
			const waiting = await waitingExecution(wf.id);
			expect(sim.counts.submit).toBe(1);
			const submission = sim.log.find((e) => e.kind === 'submit');
			// The callback goes to the balancer in front of the webhook processors, never to a worker.
			expect(submission.body.callback_url.startsWith(`${cluster.balancer.url}/webhook-waiting/${waiting.id}`)).toBe(true);
			const pausedOn = Object.entries(cluster.runsByWorker(waiting.id)).filter(([, n]) => n === 1).map(([name]) => name);
			expect(pausedOn).toHaveLength(1);
			return { waiting, taskId: submission.taskId, pausedOn: pausedOn[0] };
		}

		async function resumed(waiting, taskId) {
			const before = new Map(cluster.balancer.counts);
			sim.finishNow(taskId);
			await waitFor(async () => (await cluster.main.executions(wf.id, { status: 'success' })).some((e) => e.id === waiting.id), 60_000, 'the resumed execution');
			const execution = (await cluster.main.executions(wf.id, { status: 'success' })).find((e) => e.id === waiting.id);
			const [item] = nodeOutput(execution, 'Hailuo');
			expect(item.json).toMatchObject({ taskId, state: 'succeeded', videoUrl: `${sim.url}/cdn/${taskId}.mp4` });
			// Received by a webhook processor (through the balancer), verified with one read, no polling.
			const through = cluster.webhooks.filter((w) => (cluster.balancer.counts.get(w.url) ?? 0) > (before.get(w.url) ?? 0));
			expect(through.length).toBeGreaterThanOrEqual(1);
			expect(sim.counts.retrieveBatch).toBe(0);
			expect(sim.counts.retrieve).toBe(1);
			expect(sim.counts.submit).toBe(1);
			return { execution, item };
		}

		test('b1. waits, then resumes through a webhook processor on a worker', async () => {
			const { waiting, taskId, pausedOn } = await pauseOne('paused queue fox');
			await resumed(waiting, taskId);
			const runs = cluster.runsByWorker(waiting.id);
			expect(total(runs)).toBe(2);
			console.log(`b1: paused on ${pausedOn}, resumed on ${Object.entries(runs).filter(([n, c]) => c > (n === pausedOn ? 1 : 0)).map(([n]) => n)}`);
		}, 120_000);

		test('b2. the pausing worker goes down during the wait: the other worker resumes, the worker comes back', async () => {
			const { waiting, taskId, pausedOn } = await pauseOne('paused fox, worker restarted');
			const worker = cluster.workers.find((w) => w.name === pausedOn);
			const other = cluster.workers.find((w) => w !== worker);
			await worker.stop();
			expect((await cluster.main.executions(wf.id, { status: 'waiting' })).map((e) => e.id)).toContain(waiting.id);
			await resumed(waiting, taskId);
			expect(cluster.runsByWorker(waiting.id)[other.name]).toBe(1);
			await worker.start();
		}, 240_000);
	});

	describe('c. Trigger: each callback twice, split across the two webhook processors', () => {
		const tasks = [];
		const answers = [];
		let triggerId;
		const triggerPath = 'hailuo-queue-trigger/hailuo';

		/** Copy 1 to webhook processor 1, copy 2 to processor 2: together, or 1 s apart. */
		async function deliverTwice(taskId, together) {
			const body = sim.finalResult(taskId);
			const [a, b] = cluster.webhooks.map((w) => `${w.url}/webhook/${triggerPath}?secret=${SECRET}`);
			if (together) {
				answers.push(...(await Promise.all([postJson(a, body), postJson(b, body)])));
			} else {
				answers.push(await postJson(a, body));
				await new Promise((r) => setTimeout(r, 1000));
				answers.push(await postJson(b, body));
			}
		}

		async function deliverAll() {
			for (const [i, taskId] of tasks.entries()) await deliverTwice(taskId, i < 5);
		}

		/** Answers counted by what they said, e.g. {"200 started": 15, "200 duplicate callback": 5}. */
		const tally = (list) => {
			const counts = {};
			for (const a of list) {
				const said = a.json ? (a.json.started ? 'started' : (a.json.reason ?? 'not started')) : a.text.slice(0, 40);
				counts[`${a.status} ${said}`] = (counts[`${a.status} ${said}`] ?? 0) + 1;
			}
			return counts;
		};

		const executionsByTask = (executions) => {
			const byTask = new Map();
			for (const e of executions) {
				const taskId = nodeOutput(e, 'Hailuo Trigger')[0]?.json.taskId;
				byTask.set(taskId, (byTask.get(taskId) ?? 0) + 1);
			}
			return byTask;
		};

		beforeAll(async () => {
			// The recipe for copies n8n cannot tell apart: Remove Duplicates keyed on the task id.
			const workflow = triggerWorkflow('Hailuo Trigger queue', 'hailuo-queue-trigger', credentialId, { secret: SECRET });
			workflow.nodes.push(
				removeDuplicatesOnTaskId(),
				node('Delivered', 'n8n-nodes-base.noOp', {}),
			);
			workflow.connections = chain(['Hailuo Trigger', 'Remove Duplicates', 'Delivered']);
			triggerId = await cluster.main.createWorkflow(workflow);
			await cluster.main.activate(triggerId);
			await cluster.waitForWebhook(triggerPath);
			for (let i = 0; i < 10; i++) tasks.push(await submitTask(sim, TOKEN, `trigger fox ${i}`));
			for (const taskId of tasks) sim.finishNow(taskId);
		}, 60_000);

		/** Accepted or not, n8n must answer a callback with JSON, never its own placeholder text. */
		function expectJsonAnswers(expected) {
			for (const answer of answers) {
				expect(answer.status).toBe(200);
				expect(answer.contentType).toMatch(/application\/json/);
				expect(answer.json).toMatchObject(expected);
			}
		}

		test('c1. 20 deliveries of 10 tasks: accepted ones answered 200 JSON; copies 1 s apart start one execution', async () => {
			await deliverAll();
			expect(answers).toHaveLength(20);
			const executions = await settledExecutions(cluster.main, triggerId);
			const byTask = executionsByTask(executions);
			const together = tasks.slice(0, 5).map((t) => byTask.get(t) ?? 0);
			const apart = tasks.slice(5).map((t) => byTask.get(t) ?? 0);
			const delivered = executions.filter((e) => nodeOutput(e, 'Delivered').length > 0).length;
			const failed = executions.filter((e) => e.status !== 'success');
			console.log(
				`c1: ${executions.length} executions for 20 deliveries; per task, copies at the same moment ${JSON.stringify(together)}, ` +
					`1 s apart ${JSON.stringify(apart)}; past Remove Duplicates ${delivered}, failed in it ${failedIn(executions, 'Remove Duplicates')}; ` +
					`API reads ${sim.counts.retrieve}; answers ${JSON.stringify(tally(answers))}`,
			);
			// n8n's Remove Duplicates creates its row on first use without a lock: executions that start together
			// can collide there (docs/callbacks.md). Whatever fails, fails there, never in the Hailuo Trigger.
			expect(failed.length).toBe(failedIn(failed, 'Remove Duplicates'));
			expect(failedIn(executions, 'Hailuo Trigger')).toBe(0);
			expect([...byTask.keys()].sort()).toEqual([...tasks].sort());
			expect(delivered).toBeGreaterThanOrEqual(10);
			expect(delivered).toBeLessThanOrEqual(executions.length);
			// Two processes at the same instant: n8n gives a webhook no atomic shared store (see docs/callbacks.md).
			expect(together.every((n) => n === 1 || n === 2)).toBe(true);
			expect(apart).toEqual([1, 1, 1, 1, 1]);
			expectJsonAnswers({ accepted: true });
			expect(answers.filter((a) => a.json.started === true)).toHaveLength(executions.length);
		}, 180_000);

		test('b3. Pause on a worker without WEBHOOK_URL refuses before submitting (every process restarted meanwhile)', async () => {
			const wf = await generator(cluster, credentialId, { completion: 'pauseUntilCallback', options: { timeout: 600 } });
			await Promise.all([cluster.main.stop(), ...cluster.workers.map((w) => w.stop()), ...cluster.webhooks.map((w) => w.stop())]);
			await cluster.main.start();
			// One worker configured as many are by mistake: no WEBHOOK_URL, so n8n's default base URL.
			const [misconfigured] = cluster.workers;
			await Promise.all([misconfigured.start({ WEBHOOK_URL: '' }), ...cluster.webhooks.map((w) => w.start())]);
			try {
				sim.resetCounts();
				await wf.start(['fox on a misconfigured worker']);
				const [execution] = await finishedExecutions(cluster.main, wf.id, 1, 30_000);
				expect(execution.status).toBe('error');
				expect(JSON.stringify(execution.data.resultData.error)).toContain('WEBHOOK_URL');
				expect(sim.counts.submit).toBe(0);
			} finally {
				await misconfigured.stop();
				await Promise.all(cluster.workers.map((w) => w.start()));
			}
		}, 420_000);

		test('c2. after every process restarted, the same 20 deliveries start nothing', async () => {
			const before = (await cluster.main.executions(triggerId)).length;
			answers.length = 0;
			await deliverAll();
			const executions = await settledExecutions(cluster.main, triggerId);
			console.log(`c2: ${executions.length - before} new executions for 20 repeated deliveries; ${executions.length} in all for 40; answers ${JSON.stringify(tally(answers))}`);
			expect(executions.length).toBe(before);
			expectJsonAnswers({ accepted: true, started: false });
		}, 180_000);
	});

	describe('d. Download Video in database binary mode: the main serves the exact bytes', () => {
		const expectServed = async (item, taskId) => {
			expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${taskId}.mp4`, bytes: VIDEO_SIZE });
			expect(item.binary.data.id.startsWith('database:')).toBe(true);
			const served = await servedBytes(cluster.main, item.binary.data.id);
			expect(served.status).toBe(200);
			expect(served.bytes.equals(sim.videoBytes(taskId))).toBe(true);
		};

		test('d1. Poll', async () => {
			const wf = await generator(cluster, credentialId, { download: true, options: { pollInterval: 1, timeout: 60 } });
			await wf.start(['download on a worker']);
			const [execution] = await finishedExecutions(cluster.main, wf.id, 1);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution, 'Hailuo');
			await expectServed(item, item.json.taskId);
		}, 90_000);

		test('d2. Pause Until Callback (downloaded by the webhook processor that resumes it)', async () => {
			sim.set({ generationMs: 3000 });
			const wf = await generator(cluster, credentialId, { completion: 'pauseUntilCallback', download: true, options: { timeout: 600 } });
			await wf.start(['download after a pause']);
			const [execution] = await finishedExecutions(cluster.main, wf.id, 1, 60_000);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution, 'Hailuo');
			await expectServed(item, item.json.taskId);
		}, 90_000);

		test('d3. Trigger without download, then Task > Get with Download Video (the queue-mode path)', async () => {
			const workflow = triggerWorkflow('Hailuo Trigger then Get', 'hailuo-queue-get', credentialId, { secret: SECRET });
			workflow.nodes.push(
				node('Get Video', 'n8n-nodes-hailuo.hailuo', { resource: 'task', operation: 'get', taskId: '={{ $json.taskId }}', download: true }, {
					credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } },
				}),
			);
			workflow.connections = chain(['Hailuo Trigger', 'Get Video']);
			const id = await cluster.main.createWorkflow(workflow);
			await cluster.main.activate(id);
			await cluster.waitForWebhook('hailuo-queue-get/hailuo');
			const taskId = await submitTask(sim, TOKEN, 'trigger then get', `${cluster.balancer.url}/webhook/hailuo-queue-get/hailuo?secret=${SECRET}`);
			const [execution] = await finishedExecutions(cluster.main, id, 1, 60_000);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution, 'Get Video');
			expect(item.json.taskId).toBe(taskId);
			await expectServed(item, taskId);
		}, 90_000);
	});

	describe("e. A batch's callbacks together: 20 tasks, each twice on both webhook processors, then every process restarted and all again", () => {
		test('e1. executions per task in each phase, and the runs past Remove Duplicates', async () => {
			// Status reads take 50 ms, as over the internet: callbacks overlap as in production.
			sim.set({ queryLatencyMs: 50 });
			const workflow = triggerWorkflow('Hailuo Trigger batch', 'hailuo-queue-batch', credentialId, { secret: SECRET });
			workflow.nodes.push(
				removeDuplicatesOnTaskId(),
			);
			// The recipe that holds under this load: one row per task id in Postgres, claimed atomically.
			cluster.pg.sql('CREATE TABLE IF NOT EXISTS hailuo_claimed (task_id text PRIMARY KEY)');
			const { id: pgCredential } = await cluster.main.api('POST', '/credentials', {
				name: 'Postgres (queue suite)',
				type: 'postgres',
				data: await cluster.main.completeCredentialData('postgres', { ...pgCredentialData(cluster.pg), ssl: 'disable', allowUnauthorizedCerts: false, sshTunnel: false }),
			});
			workflow.nodes.push(
				node('Claim Task', 'n8n-nodes-base.postgres', {
					operation: 'executeQuery',
					query: 'INSERT INTO hailuo_claimed (task_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING task_id',
					options: { queryReplacement: '={{ $json.taskId }}' },
				}, { typeVersion: 2.6, credentials: { postgres: { id: pgCredential, name: 'Postgres' } } }),
				node('Claimed', 'n8n-nodes-base.filter', {
					conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'loose' }, conditions: [{ leftValue: '={{ $json.task_id }}', rightValue: '', operator: { type: 'string', operation: 'notEmpty', singleValue: true } }], combinator: 'and' },
					options: {},
				}, { typeVersion: 2.2 }),
			);
			workflow.connections = {
				'Hailuo Trigger': { main: [[{ node: 'Remove Duplicates', type: 'main', index: 0 }, { node: 'Claim Task', type: 'main', index: 0 }]] },
				'Claim Task': { main: [[{ node: 'Claimed', type: 'main', index: 0 }]] },
			};
			const id = await cluster.main.createWorkflow(workflow);
			await cluster.main.activate(id);
			await cluster.waitForWebhook('hailuo-queue-batch/hailuo');
			const tasks = [];
			for (let i = 0; i < 20; i++) tasks.push(await submitTask(sim, TOKEN, `batch fox ${i}`));
			for (const taskId of tasks) sim.finishNow(taskId);
			sim.resetCounts();
			const urls = cluster.webhooks.map((w) => `${w.url}/webhook/hailuo-queue-batch/hailuo?secret=${SECRET}`);

			const first = await deliverBatch(sim, tasks, urls);
			const reads = sim.counts.retrieve + sim.counts.retrieveBatch;
			const afterFirst = await settledExecutions(cluster.main, id);
			const perTask = executionsByTask(afterFirst);
			const same = first.together.map((t) => perTask.get(t) ?? 0);
			const apart = first.apart.map((t) => perTask.get(t) ?? 0);

			await cluster.restartAll();
			await cluster.waitForWebhook('hailuo-queue-batch/hailuo');
			const second = await deliverBatch(sim, tasks, urls);
			const afterSecond = await settledExecutions(cluster.main, id);
			const restarted = executionsByTask(afterSecond);
			const again = tasks.map((t) => (restarted.get(t) ?? 0) - (perTask.get(t) ?? 0));
			console.log(
				`e1: 40 deliveries of 20 tasks -> ${afterFirst.length} executions (${reads} API reads): copies at the same moment on both processors ${JSON.stringify(same)}, ` +
					`1 s apart ${JSON.stringify(apart)}; after every process restarted, 40 more -> ${afterSecond.length - afterFirst.length} new ${JSON.stringify(again)}; ` +
					`past Remove Duplicates ${pastNode(afterSecond, 'Remove Duplicates')} of ${afterSecond.length}, failed in it ${failedIn(afterSecond, 'Remove Duplicates')}; ` +
					`past the Postgres claim ${pastNode(afterSecond, 'Claimed')}`,
			);
			expect(pastNode(afterSecond, 'Claimed')).toBe(20);
			expect(executionsByTask(afterSecond.filter((e) => pastNode([e], 'Claimed') === 1)).size).toBe(20);
			expect([...first.answers, ...second.answers].every((a) => a.status === 200 && a.json?.accepted === true)).toBe(true);
			expect(tasks.every((t) => (perTask.get(t) ?? 0) >= 1)).toBe(true);
			expect(apart).toEqual(apart.map(() => 1));
			// Two processes accepting one task's copies in the same instant: n8n gives a webhook no atomic shared store.
			expect(same.every((n) => n === 1 || n === 2)).toBe(true);
			expect(again).toEqual(tasks.map(() => 0));
			expect(reads).toBeLessThan(40);
		}, 420_000);
	});

	test('f1. callbacks due while the main and both webhook processors are down, and callbacks that never come: the catch-up delivers every video once', async () => {
		const collector = await startCollector();
		try {
			sim.set({ generationMs: 3_600_000 });
			const hook = 'hailuo-queue-catch-up';
			const wf = triggerWorkflow('Hailuo queue catch-up', hook, credentialId, { secret: SECRET, catchUpInterval: 1 });
			wf.nodes.push(postToCollector(collector.url));
			wf.connections = chain(['Hailuo Trigger', 'Send to Service']);
			const triggerId = await cluster.main.createWorkflow(wf);
			await cluster.main.activate(triggerId);
			await cluster.waitForWebhook(`${hook}/hailuo`);
			const callbackUrl = `${cluster.balancer.url}/webhook/${hook}/hailuo?secret=${SECRET}`;
			const submitter = await generator(cluster, credentialId, { completion: 'submitOnly', options: { callbackUrl } });
			const prompts = [
				...Array.from({ length: 5 }, (_, i) => `queue night called back ${i}`),
				...Array.from({ length: 5 }, (_, i) => `queue night never called back ${i} [no-callback]`),
				...Array.from({ length: 10 }, (_, i) => `queue night while down ${i}`),
			];
			await submitter.start(prompts);
			const [execution] = await finishedExecutions(cluster.main, submitter.id, 1, 120_000);
			expect(execution.status).toBe('success');
			const ids = nodeOutput(execution, 'Hailuo').map((i) => i.json.taskId);
			expect(new Set(ids).size).toBe(20);
			const [calledBack, never, whileDown] = [ids.slice(0, 5), ids.slice(5, 10), ids.slice(10)];

			[...calledBack, ...never].forEach((id) => sim.finishNow(id));
			await waitFor(() => calledBack.every((id) => collector.countOf(id) === 1), 60_000, 'the called-back videos');
			await settledExecutions(cluster.main, triggerId);

			await Promise.all([cluster.main.stop(), ...cluster.webhooks.map((w) => w.stop())]);
			whileDown.forEach((id) => sim.finishNow(id));
			await new Promise((r) => setTimeout(r, 1000));
			const lost = sim.log.filter((e) => e.kind === 'callbackAnswer' && whileDown.includes(e.taskId)).map((e) => e.status);
			await cluster.main.start();
			await Promise.all(cluster.webhooks.map((w) => w.start()));

			await waitFor(() => ids.every((id) => collector.countOf(id) >= 1), 150_000, 'every video at the service');
			await settledExecutions(cluster.main, triggerId);
			const counts = ids.map((id) => collector.countOf(id));
			const via = (list) => [...new Set(collector.received.filter((r) => list.includes(r.taskId)).map((r) => r.deliveredBy))].join('+');
			console.log(
				`f1: 20 tasks -> at the service once ${counts.filter((c) => c === 1).length}, more ${counts.filter((c) => c > 1).length}; ` +
					`callbacks while down answered ${JSON.stringify([...new Set(lost)])}; delivered by: called back ${via(calledBack)}, never called back ${via(never)}, while down ${via(whileDown)}`,
			);
			expect(counts).toEqual(ids.map(() => 1));
			expect(via(never)).toBe('catchUp');
			expect(via(whileDown)).toBe('catchUp');
		} finally {
			await collector.close();
		}
	}, 420_000);
});

