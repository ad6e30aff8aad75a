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

const SUBSET = process.env.HAILUO_E2E_SUBSET;
const fullTest = SUBSET === 'lines' ? test.skip : test;

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

	// Callbacks that arrive and are delivered, twice for some; some that never come: those, and the
	// unverifiable ones, the catch-up delivers within a round (every minute).
	finish([...tasks.delivered, ...tasks.calledBackTwice, ...tasks.neverCalledBack]);
	const beforeKill = [...tasks.delivered, ...tasks.calledBackTwice, ...tasks.neverCalledBack, ...tasks.verificationFailing];
	await waitFor(() => beforeKill.every((id) => collector.countOf(id) >= 1), 100_000, 'the videos ended so far at the service');
	// Their executions end (n8n saves them) a moment after the service got the video; then the
	// catch-up records that they ended. A kill before that delivers them again (at least once): that is
	// the mid-run group's case, not these.
	await waitFor(async () => (await runningExecutions(b.id)).length === 0, 30_000, 'B idle');
	await sleep(3_000);

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
	// Whatever the catch-up could not reach while n8n was down or starting, the trigger's secret never reaches the log.
	for (const written of [SECRET, encodeURIComponent(SECRET)]) expect(n8n.log()).not.toContain(written);
}, 600_000);

fullTest('200 awaited tasks whose callbacks never come: 4 reads a round while they run, all 200 started once, then no reads', async () => {
	const b = await receiver();
	const prompts = Array.from({ length: 200 }, (_, i) => `batch ${i} [no-callback]`);
	sim.resetCounts();
	const ids = await submitNight(b.url, prompts);
	expect(new Set(ids).size).toBe(200);
	const reads = () => sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/tasks');
	const roundsOf = (entries) => {
		// A round's reads go out within a second; rounds are a minute apart.
		const rounds = [];
		for (const e of entries) {
			const last = rounds.at(-1);
			if (last && e.at - last.at < 10_000) last.reads.push(e);
			else rounds.push({ at: e.at, reads: [e] });
		}
		return rounds;
	};
	// A round while they run: read, nothing started.
	await waitFor(() => reads().length >= 4, 90_000, 'a catch-up round');
	await sleep(3_000);
	expect(reads().map((e) => e.action)).toEqual(['retrieve_batch', 'retrieve_batch', 'retrieve_batch', 'retrieve_batch']);
	expect(collector.received.filter((r) => ids.includes(r.taskId))).toHaveLength(0);

	const endedAt = Date.now();
	finish(ids);
	await waitFor(() => ids.every((id) => collector.countOf(id) >= 1), 150_000, '200 videos at the service');
	const firstArrival = Math.min(...collector.received.filter((r) => ids.includes(r.taskId)).map((r) => r.at));
	const lastArrival = Math.max(...collector.received.filter((r) => ids.includes(r.taskId)).map((r) => r.at));
	const readsBefore = reads().length;
	// The next round: nothing awaited, nothing read.
	await sleep(65_000);
	const rounds = roundsOf(reads());
	process.stderr.write(
		`\ncatch-up, 200 tasks, n8n ${n8n.version}: reads per round ${JSON.stringify(rounds.map((r) => r.reads.length))}; ` +
			`tasks ended -> first at the service ${((firstArrival - endedAt) / 1000).toFixed(1)} s, last ${((lastArrival - endedAt) / 1000).toFixed(1)} s (interval 60 s)\n`,
	);
	expect(rounds.map((r) => r.reads.length)).toEqual([4, 4]);
	expect(reads().length).toBe(readsBefore);
	expect(ids.map((id) => collector.countOf(id))).toEqual(ids.map(() => 1));
	expect(lastArrival - endedAt).toBeLessThan(60_000 + 30_000);
}, 420_000);
