/**
 * No paid video is left behind: the Hailuo Trigger catches up on tasks whose
 * callback never reached a workflow. A real n8n (regular mode, SQLite), the
 * simulator as the API, and the user's own service at the end of workflow B
 * as the judge of what reached the downstream nodes.
 *
 * Workflow A (Webhook -> Prompts -> Hailuo, Return the Task ID at Once,
 * Callback URL = B's trigger with ?secret=) submits a night's prompts;
 * workflow B (Hailuo Trigger -> Work (a 3 s wait) -> Send to Service) gets
 * them. Then, as in production: callbacks that never come, that come twice,
 * that cannot be verified (the API's reads fail), n8n killed while B runs,
 * callbacks while n8n is down and while it starts.
 */
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator } = require('./instance');
const { generateWorkflow, triggerWorkflow, chain } = require('./workflows');
const { startCollector, postToCollector, pause } = require('./collector');
const { finishedExecutions, nodeOutput } = require('../queue/drive');
const { waitFor } = require('../harness/wait');

const TOKEN = 'sk-e2e-catch-up-token-93d1';
const SECRET = 'night s3cret+&';
// Nothing ends by itself: each group of tasks is finished at the moment the scenario needs.
const sim = createSimulator({ token: TOKEN, generationMs: 3_600_000, queryLatencyMs: 20 });
let n8n;
let credentialId;
let collector;

beforeAll(async () => {
	collector = await startCollector();
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN));
}, 2_400_000);

afterAll(async () => {
	if (process.env.HAILUO_E2E_DEBUG) {
		process.stderr.write(`sim callbacks: ${JSON.stringify(sim.log.filter((e) => e.kind === 'callbackAnswer').slice(0, 10))}\ncollector: ${JSON.stringify(collector.received.slice(0, 5))}\n`);
		require('node:fs').copyFileSync(n8n.logFile, '/tmp/n8n-debug.log');
	}
	await n8n?.destroy();
	await sim.stop();
	await collector?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let hooks = 0;

/** Workflow B: Hailuo Trigger (catch-up every minute) -> Work -> Send to Service. Returns its callback URL (with the secret). */
async function receiver(parameters = {}) {
	const hookId = `catch-up-${++hooks}`;
	const wf = triggerWorkflow(`Hailuo receiver ${hookId}`, hookId, credentialId, { secret: SECRET, catchUpInterval: 1, ...parameters });
	wf.nodes.push(pause(3), postToCollector(collector.url));
	wf.connections = chain(['Hailuo Trigger', 'Work', 'Send to Service']);
	const id = await n8n.createWorkflow(wf);
	await n8n.activate(id, [`${hookId}/hailuo`]);
	return { id, path: `${hookId}/hailuo`, url: `${n8n.url}/webhook/${hookId}/hailuo?secret=${encodeURIComponent(SECRET)}` };
}

/** Workflow A submits `prompts` with B's URL as the Callback URL; returns task id per prompt. */
async function submitNight(callbackUrl, prompts) {
	const path = `night-${++hooks}`;
	const id = await n8n.createWorkflow(generateWorkflow(`Hailuo night ${path}`, path, credentialId, { completion: 'submitOnly', options: { callbackUrl } }));
	await n8n.activate(id, [path]);
	expect((await n8n.post(`/webhook/${path}`, { prompts })).status).toBe(200);
	const [execution] = await finishedExecutions(n8n, id, 1, 120_000);
	expect(execution.status).toBe('success');
	const taskOf = new Map(nodeOutput(execution, 'Hailuo').map((item) => [item.json.prompt, item.json.taskId]));
	return prompts.map((p) => taskOf.get(p));
}

const finish = (taskIds) => taskIds.forEach((id) => sim.finishNow(id));

async function runningExecutions(workflowId) {
	return await n8n.executions(workflowId, { status: 'running', includeData: false });
}

test('[lines] a night of 60 videos: lost, repeated and unverifiable callbacks, n8n killed mid-run, down and starting: every video reaches the service', async () => {
	const b = await receiver();
	const group = (name, n, marker = '') => Array.from({ length: n }, (_, i) => `night ${name} ${i}${marker}`);
	const groups = {
		delivered: group('delivered', 20),
		calledBackTwice: group('twice', 3, ' [twice]'),
		neverCalledBack: group('never-called-back', 3, ' [no-callback]'),
		verificationFailing: group('unverifiable', 2),
		killedMidRun: group('mid-run', 5),
		whileDown: group('down', 10),
		whileStarting: group('starting', 10),
		afterRestart: group('after-restart', 7),
	};
	const prompts = Object.values(groups).flat();
	const ids = await submitNight(b.url, prompts);
	const tasks = Object.fromEntries(Object.entries(groups).map(([name, list]) => [name, list.map((p) => ids[prompts.indexOf(p)])]));
	expect(ids.every((id) => typeof id === 'string')).toBe(true);
	expect(new Set(ids).size).toBe(60);

	// Callbacks that cannot be verified (the API's reads fail at that moment): answered 503.
	for (const id of tasks.verificationFailing) sim.failingReads.add(id);
	finish(tasks.verificationFailing);
	const refusals = () => sim.log.filter((e) => e.kind === 'callbackAnswer' && tasks.verificationFailing.includes(e.taskId)).map((e) => e.status);
	await waitFor(() => refusals().length === 2, 30_000, 'the unverifiable callbacks answered');
	expect(refusals()).toEqual([503, 503]);
	sim.failingReads.clear();

	// Callbacks that arrive and are delivered, twice for some; some that never come.
	finish([...tasks.delivered, ...tasks.calledBackTwice, ...tasks.neverCalledBack]);
	await waitFor(() => [...tasks.delivered, ...tasks.calledBackTwice].every((id) => collector.countOf(id) >= 1), 60_000, 'the called-back videos at the service');
	// Their executions end (n8n saves them) a moment after the service got the video.
	await waitFor(async () => (await runningExecutions(b.id)).length === 0, 30_000, 'B idle');
	await sleep(1_000);

	// n8n killed (SIGKILL) while B's executions for these tasks are in their Work step.
	finish(tasks.killedMidRun);
	await waitFor(async () => (await runningExecutions(b.id)).length >= tasks.killedMidRun.length, 30_000, 'B running for the mid-run tasks');
	await n8n.kill('SIGKILL');
	expect(tasks.killedMidRun.every((id) => collector.countOf(id) === 0)).toBe(true);

	// Callbacks while n8n is down (connection refused), then while it starts.
	finish(tasks.whileDown);
	await sleep(500);
	const starting = n8n.start();
	await sleep(1500);
	finish(tasks.whileStarting);
	await starting;
	await n8n.waitForWebhook(b.path);
	finish(tasks.afterRestart);

	// The catch-up's first round comes 15 s after activation, then every minute.
	const all = Object.values(tasks).flat();
	await waitFor(() => all.every((id) => collector.countOf(id) >= 1), 150_000, 'every video at the service');
	await sleep(5_000);

	// A callback arriving after the catch-up delivered its task is a duplicate.
	const late = [...tasks.neverCalledBack, ...tasks.whileDown];
	const lateAnswers = await Promise.all(late.map((id) => n8n.post(`/webhook/${b.path}?secret=${encodeURIComponent(SECRET)}`, sim.finalResult(id))));
	expect(lateAnswers.map((a) => a.json?.started)).toEqual(late.map(() => false));
	await sleep(4_000);

	const report = Object.entries(tasks).map(([name, list]) => {
		const counts = list.map((id) => collector.countOf(id));
		const via = [...new Set(collector.received.filter((r) => list.includes(r.taskId)).map((r) => r.deliveredBy))].sort().join('+');
		return `${name}: ${list.length} -> once ${counts.filter((c) => c === 1).length}, twice or more ${counts.filter((c) => c > 1).length}, never ${counts.filter((c) => c === 0).length} (${via})`;
	});
	process.stderr.write(`\ncatch-up night, n8n ${n8n.version}:\n  ${report.join('\n  ')}\n`);

	for (const [name, list] of Object.entries(tasks)) {
		const counts = list.map((id) => collector.countOf(id));
		// At least once everywhere; exactly once wherever n8n did not die mid-run.
		if (name === 'killedMidRun') expect(counts.every((c) => c >= 1)).toBe(true);
		else expect({ name, counts }).toEqual({ name, counts: list.map(() => 1) });
	}
	const by = (id) => collector.received.find((r) => r.taskId === id)?.deliveredBy;
	expect(tasks.delivered.map(by)).toEqual(tasks.delivered.map(() => 'callback'));
	expect([...tasks.neverCalledBack, ...tasks.whileDown, ...tasks.verificationFailing].map(by).every((v) => v === 'catchUp')).toBe(true);
	expect(n8n.log()).toMatch(/Hailuo Trigger "Hailuo Trigger" \(workflow \S+\) catch-up: \d+ task\(s\) awaited, read in \d+ request\(s\); started \d+/);
}, 600_000);
