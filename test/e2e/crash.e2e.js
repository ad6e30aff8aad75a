/**
 * n8n stopping mid-run, in a real n8n: killed (SIGKILL) or stopped (SIGTERM)
 * at each moment of a Hailuo run, started again, then n8n's own Retry of the
 * execution. The simulator's task log is the judge: every paid task is
 * findable afterwards, and no Retry pays twice for an item.
 *
 * "[lines]" scenarios run on every n8n of the matrix (the retry guard differs:
 * n8n 2.x says which execution a Retry repeats, 1.x does not).
 */
const fs = require('node:fs');
const { join } = require('node:path');
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator, post } = require('./instance');
const { generateWorkflow, hailuoNode, webhookStart, node, chain } = require('./workflows');
const { pause } = require('./collector');
const { waitFor } = require('../harness/wait');

const TOKEN = 'sk-e2e-crash-token-51c2';
const sim = createSimulator({ token: TOKEN, generationMs: 2000, videoSize: 256 * 1024 });
let n8n;
let credentialId;

const SUBSET = process.env.HAILUO_E2E_SUBSET;
const linesTest = (name, fn, timeout) => test(`[lines] ${name}`, fn, timeout);
const fullTest = SUBSET === 'lines' ? test.skip : test;

beforeAll(async () => {
	// A short grace period, so that the SIGTERM scenarios end within a test's time.
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN, { env: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '8' } }));
}, 2_400_000);

/** What each moment left behind, printed at the end: where the ids were, what the Retry created. */
const report = [];
afterAll(async () => {
	if (report.length > 0) process.stderr.write(`\ncrash suite, n8n ${n8n?.version}:\n${report.map((line) => `  ${line}`).join('\n')}\n`);
	await n8n?.destroy();
	await sim.stop();
});

beforeEach(() => {
	sim.resetCounts();
	sim.set({ generationMs: 2000, submitLatencyMs: 0, downloadDelayMs: 0 });
});

/** Tasks the API created (and billed) since the test began, whether or not n8n heard the answer. */
const createdTasks = () => sim.log.filter((e) => e.kind === 'submit');

let paths = 0;
/** Start (webhook) -> Prompts -> Hailuo; `start(prompts)` runs it; `settings` go on the Hailuo node (e.g. onError). */
async function generator(parameters, settings = {}) {
	const path = `crash-${++paths}`;
	const id = await n8n.createWorkflow(generateWorkflow(`Hailuo crash ${path}`, path, credentialId, parameters, settings));
	await n8n.activate(id, [path]);
	return { id, start: async (prompts) => expect((await n8n.post(`/webhook/${path}`, { prompts })).status).toBe(200) };
}

async function onlyExecution(workflowId, predicate, what, timeoutMs = 60_000) {
	let found;
	await waitFor(async () => {
		found = (await n8n.executions(workflowId)).find(predicate);
		return found !== undefined;
	}, timeoutMs, what);
	return found;
}

async function runningExecution(workflowId) {
	let running;
	await waitFor(async () => {
		[running] = await n8n.executions(workflowId, { status: 'running', includeData: false });
		return running !== undefined;
	}, 30_000, 'a running execution');
	return running;
}

/** The lines n8n logged for accepted Hailuo tasks of one execution: task id per item number. */
function acceptedInLog(executionId) {
	const found = {};
	for (const match of n8n.log().matchAll(/Hailuo task (\S+) accepted for item (\d+) \(execution (\S+),/g)) {
		if (match[3] === executionId) found[Number(match[2])] = match[1];
	}
	return found;
}

/** What n8n's event log (its own record of node starts and ends, read back after a crash) gets from now on. */
function eventLogFrom() {
	const file = join(n8n.userFolder, '.n8n', 'n8nEventLog.log');
	const from = fs.existsSync(file) ? fs.statSync(file).size : 0;
	return () => (fs.existsSync(file) ? fs.readFileSync(file).subarray(from).toString('utf8') : '');
}

/** The execution that n8n's log says accepted a task. */
function executionOfTask(taskId) {
	return n8n.log().match(new RegExp(`Hailuo task ${taskId} accepted for item \\d+ \\(execution (\\S+),`))?.[1];
}

/** n8n marks executions cut short by a stop as crashed while it starts again (1.x may take a few seconds more). */
async function crashed(executionId) {
	let execution;
	await waitFor(async () => {
		execution = await n8n.execution(executionId);
		return execution.status !== 'running' && execution.status !== 'new';
	}, 60_000, `execution ${executionId} marked as ended`);
	return execution;
}

/** Retries an execution and returns the retried run, once it has ended. */
async function retry(executionId, options) {
	const original = await n8n.execution(executionId);
	const earlier = new Set((await n8n.executions(original.workflowId, { includeData: false })).map((e) => e.id));
	await n8n.retry(executionId, options).catch(() => undefined);
	const retried = await onlyExecution(original.workflowId, (e) => e.retryOf === executionId && e.stoppedAt && !earlier.has(e.id), `the retry of ${executionId}`, 120_000);
	return await n8n.execution(retried.id);
}

const hailuoRun = (execution) => execution.data.resultData.runData.Hailuo?.at(-1);
const hailuoItems = (execution) => hailuoRun(execution)?.data?.main?.[0] ?? [];

describe('n8n stops mid-run', () => {
	linesTest('SIGKILL while polling 3 tasks: the 3 ids are in the log; Retry (original and current workflow) creates no task', async () => {
		sim.set({ generationMs: 120_000 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 600 } });
		await wf.start(['kill fox 1', 'kill fox 2', 'kill fox 3']);
		const running = await runningExecution(wf.id);
		await waitFor(() => Object.keys(acceptedInLog(running.id)).length === 3, 30_000, 'three accepted tasks in the log');
		await n8n.kill('SIGKILL');
		await n8n.start();

		const crashedRun = await crashed(running.id);
		expect(crashedRun.status).toBe('crashed');
		const paid = createdTasks().map((e) => e.taskId);
		expect(paid).toHaveLength(3);
		const logged = acceptedInLog(running.id);
		expect(Object.values(logged).sort()).toEqual([...paid].sort());
		expect(Object.keys(logged).sort()).toEqual(['1', '2', '3']);

		for (const loadWorkflow of [false, true]) {
			const retried = await retry(running.id, { loadWorkflow });
			expect(createdTasks()).toHaveLength(3);
			expect(retried.status).toBe('error');
			const error = hailuoRun(retried).error;
			expect(error.message).toBe('Item 1 was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again');
			expect(error.description).toContain("n8n's log");
			// 2.x says which execution a Retry repeats, so the error names the log line exactly.
			expect(error.description).toContain(n8n.major >= 2 ? `accepted for item 1 (execution ${running.id},` : 'accepted for item 1 (execution <id of the execution you retried>');
			expect(error.description).toContain('Task > Wait');
		}

		report.push(`kill mid-poll: ${Object.keys(logged).length}/3 ids in the log, execution ${crashedRun.status}; 2 Retries created ${createdTasks().length - 3} tasks`);
		// Tomorrow's run of the same prompts is a new execution, not a retry: it submits.
		sim.set({ generationMs: 1000 });
		await wf.start(['kill fox 1', 'kill fox 2', 'kill fox 3']);
		const again = await onlyExecution(wf.id, (e) => e.mode !== 'retry' && e.id !== running.id && e.status === 'success', 'the next run');
		expect(hailuoItems(await n8n.execution(again.id)).map((i) => i.json.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(createdTasks()).toHaveLength(6);
	}, 300_000);

	linesTest('SIGKILL mid-submission of 10 items (some accepted, some in flight, some unsent): Retry sends only the unsent; 10 tasks in all', async () => {
		sim.set({ generationMs: 3000, submitLatencyMs: 1500 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 120, concurrency: 2 } }, { onError: 'continueRegularOutput' });
		const prompts = Array.from({ length: 10 }, (_, i) => `batch fox ${i + 1}`);
		await wf.start(prompts);
		const running = await runningExecution(wf.id);
		// Two answered, the next two on their way: killed before their answers arrive.
		await waitFor(() => Object.keys(acceptedInLog(running.id)).length >= 2 && sim.counts.submit >= 4, 30_000, 'two accepted, two in flight');
		await n8n.kill('SIGKILL');
		const inFlight = sim.counts.submit;
		await waitFor(() => createdTasks().length === inFlight, 10_000, 'the in-flight submissions to be created');
		await n8n.start();
		expect(inFlight).toBeLessThan(10);
		const accepted = acceptedInLog(running.id);
		expect(Object.keys(accepted).length).toBeGreaterThanOrEqual(2);

		expect((await crashed(running.id)).status).toBe('crashed');
		sim.set({ submitLatencyMs: 0, generationMs: 1000 });
		const retried = await retry(running.id);
		expect(createdTasks()).toHaveLength(10);
		expect(retried.status).toBe('success');
		const items = hailuoItems(retried);
		expect(items).toHaveLength(10);
		items.forEach((item, index) => {
			if (index < inFlight) expect(item.json.error).toBe(`Item ${index + 1} was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again`);
			else expect(item.json).toMatchObject({ prompt: prompts[index], state: 'succeeded' });
		});
		report.push(`kill mid-submission of 10: ${Object.keys(accepted).length} ids in the log, ${inFlight - Object.keys(accepted).length} in flight (in the provider's console only), ${10 - inFlight} unsent; the Retry created ${createdTasks().length - inFlight} (10 in all), refused ${inFlight}`);
		// The ones sent by the Retry are in the log under its own execution.
		expect(Object.keys(acceptedInLog(retried.id)).map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 - inFlight }, (_, i) => inFlight + i + 1));
	}, 240_000);

	linesTest('a run refused at its first submission (balance used up), then Retry: every item is submitted', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 60, concurrency: 1 } });
		await wf.start(['poor fox 1', 'poor fox 2', 'poor fox 3']);
		const failed = await onlyExecution(wf.id, (e) => e.status === 'error', 'the failed execution');
		expect(createdTasks()).toHaveLength(0);
		const retried = await retry(failed.id);
		expect(retried.status).toBe('success');
		expect(hailuoItems(retried).map((i) => i.json.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(createdTasks()).toHaveLength(3);
		report.push('refused at the first submission (used_up): the Retry created 3, 3 videos out');
	}, 120_000);

	linesTest('a run stopped at item 3 of 10 (balance used up), then Retry: items 1-2 picked up, 3-10 submitted, 10 videos out', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1, skip: 2 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 60, concurrency: 1 } });
		const prompts = Array.from({ length: 10 }, (_, i) => `stopped fox ${i + 1}`);
		await wf.start(prompts);
		const failed = await onlyExecution(wf.id, (e) => e.status === 'error', 'the failed execution');
		const firstTwo = createdTasks().map((e) => e.taskId);
		expect(firstTwo).toHaveLength(2);
		const retried = await retry(failed.id);
		expect(retried.status).toBe('success');
		const items = hailuoItems(retried);
		expect(items.map((i) => i.json.state)).toEqual(prompts.map(() => 'succeeded'));
		expect(items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(items.slice(0, 2).map((i) => i.json.taskId)).toEqual(firstTwo);
		expect(createdTasks()).toHaveLength(10);
		expect(createdTasks().slice(2).map((e) => e.body.prompt)).toEqual(prompts.slice(2));
		report.push('stopped at item 3 of 10 (used_up): the Retry picked up 2, created 8, 10 videos out');
	}, 120_000);

	fullTest('SIGKILL during Task > Wait: nothing to pay; Retry waits again and delivers the videos', async () => {
		sim.set({ generationMs: 20_000 });
		const ids = [];
		for (const prompt of ['waited fox 1', 'waited fox 2']) {
			const answer = await post(`${sim.url}/hailuo/videos`, { action: 'generate', prompt, async: true }, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
			ids.push(answer.json.task_id);
		}
		const path = `crash-wait-${++paths}`;
		const nodes = [
			node('Start', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: `crash-hook-${path}` }),
			node('Tasks', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.ids', options: { destinationFieldName: 'taskId' } }),
			node('Hailuo', 'n8n-nodes-hailuo.hailuo', { resource: 'task', operation: 'wait', taskId: '={{ $json.taskId }}', options: { pollInterval: 1, timeout: 120 } }, {
				credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } },
			}),
		];
		const id = await n8n.createWorkflow({ name: 'Hailuo crash wait', nodes, connections: chain(['Start', 'Tasks', 'Hailuo']) });
		await n8n.activate(id, [path]);
		await n8n.post(`/webhook/${path}`, { ids });
		const running = await runningExecution(id);
		await waitFor(() => sim.counts.retrieveBatch >= 1, 20_000, 'the first status round');
		await n8n.kill('SIGKILL');
		await n8n.start();
		expect((await crashed(running.id)).status).toBe('crashed');
		const retried = await retry(running.id);
		expect(retried.status).toBe('success');
		expect(hailuoItems(retried).map((i) => [i.json.taskId, i.json.state])).toEqual(ids.map((taskId) => [taskId, 'succeeded']));
		expect(createdTasks()).toHaveLength(2);
		report.push('kill during Task > Wait: ids in the input; the Retry waited again, 2 videos, 0 tasks created');
	}, 180_000);

	fullTest('SIGKILL during the download: the task id is in the log; Retry pays nothing', async () => {
		sim.set({ generationMs: 500, downloadDelayMs: 60_000 });
		const wf = await generator({ download: true, options: { pollInterval: 0.5, timeout: 60 } });
		await wf.start(['downloaded fox']);
		const running = await runningExecution(wf.id);
		await waitFor(() => sim.counts.download >= 1, 30_000, 'the download to start');
		await n8n.kill('SIGKILL');
		await n8n.start();
		const [taskId] = createdTasks().map((e) => e.taskId);
		expect(acceptedInLog(running.id)).toEqual({ 1: taskId });
		expect((await crashed(running.id)).status).toBe('crashed');
		sim.set({ downloadDelayMs: 0 });
		const retried = await retry(running.id);
		expect(hailuoRun(retried).error.message).toContain('Item 1 was already sent');
		expect(createdTasks()).toHaveLength(1);
		report.push('kill during the download: the id in the log; the Retry refused the item, 0 tasks created');
	}, 180_000);

	fullTest('SIGTERM (a deploy): n8n lets the run finish within its grace period; past it, the run is lost as on SIGKILL and Retry pays nothing', async () => {
		// Videos ready within N8N_GRACEFUL_SHUTDOWN_TIMEOUT (8 s here): the execution ends normally.
		sim.set({ generationMs: 3000 });
		const quick = await generator({ options: { pollInterval: 0.5, timeout: 60 } });
		await quick.start(['graceful fox 1', 'graceful fox 2']);
		const first = await runningExecution(quick.id);
		await waitFor(() => Object.keys(acceptedInLog(first.id)).length === 2, 20_000, 'two accepted tasks');
		await n8n.kill('SIGTERM');
		await n8n.start();
		const finished = await crashed(first.id);
		expect(finished.status).toBe('success');
		expect(hailuoItems(finished).map((i) => i.json.state)).toEqual(['succeeded', 'succeeded']);

		// Videos that take longer than the grace period: n8n exits with the run unfinished.
		sim.set({ generationMs: 120_000 });
		const slow = await generator({ options: { pollInterval: 1, timeout: 600 } });
		await slow.start(['slow fox 1', 'slow fox 2']);
		const second = await runningExecution(slow.id);
		await waitFor(() => Object.keys(acceptedInLog(second.id)).length === 2, 20_000, 'two accepted tasks');
		await n8n.kill('SIGTERM');
		await n8n.start();
		expect((await crashed(second.id)).status).toBe('crashed');
		expect(Object.keys(acceptedInLog(second.id))).toHaveLength(2);
		const retried = await retry(second.id);
		expect(hailuoRun(retried).error.message).toContain('already sent');
		expect(createdTasks()).toHaveLength(4);
		report.push('SIGTERM: within the grace period the run ended with its videos; past it: crashed, ids in the log, the Retry created 0 tasks');
	}, 240_000);

	fullTest('SIGKILL right after submitting, Return the Task ID at Once: the ids are in the output or the log, and Retry pays nothing', async () => {
		sim.set({ generationMs: 60_000 });
		const wf = await generator({ completion: 'submitOnly' });
		await wf.start(['quick fox 1', 'quick fox 2', 'quick fox 3']);
		await waitFor(() => createdTasks().length === 3, 20_000, 'three submissions');
		await n8n.kill('SIGKILL');
		await n8n.start();
		const paid = createdTasks().map((e) => e.taskId).sort();
		// Found through any task the log names: the last one's line may not have been written before the kill.
		const execution = await crashed(paid.map(executionOfTask).find((id) => id !== undefined));
		// A task whose answer was on its way when n8n died is in no n8n log: the item was marked as sent before it went out.
		const logged = Object.values(acceptedInLog(execution.id));
		expect(logged.length).toBeGreaterThanOrEqual(1);
		expect(paid).toEqual(expect.arrayContaining(logged));
		report.push(`kill right after submitting (Return the Task ID at Once): execution ${execution.status}, ${logged.length}/3 ids in the log${execution.status === 'success' ? ', 3 in the output' : ', the Retry created 0 tasks'}`);
		if (execution.status === 'success') {
			expect(hailuoItems(await n8n.execution(execution.id)).map((i) => i.json.taskId).sort()).toEqual(paid);
		} else {
			expect(execution.status).toBe('crashed');
			const retried = await retry(execution.id);
			expect(hailuoRun(retried).error.message).toContain('already sent');
		}
		expect(createdTasks()).toHaveLength(3);
	}, 180_000);

	fullTest('SIGKILL right after submitting, Pause Until Callback: the execution waits and resumes after the restart (or, if n8n had not saved it yet, Retry pays nothing)', async () => {
		sim.set({ generationMs: 300_000 });
		const wf = await generator({ completion: 'pauseUntilCallback', options: { timeout: 600 } });
		await wf.start(['paused fox']);
		await waitFor(() => createdTasks().length === 1, 20_000, 'the submission');
		await n8n.kill('SIGKILL');
		await n8n.start();
		const [{ taskId }] = createdTasks();
		const execution = await crashed(executionOfTask(taskId));
		report.push(`kill right after submitting (Pause Until Callback): execution ${execution.status}, the id in the log${execution.status === 'waiting' ? ', resumed by the callback after the restart' : ', the Retry created 0 tasks'}`);
		expect(acceptedInLog(execution.id)).toEqual({ 1: taskId });
		if (execution.status === 'waiting') {
			sim.finishNow(taskId);
			await waitFor(async () => (await n8n.execution(execution.id)).status === 'success', 30_000, 'the resumed execution');
			expect(hailuoItems(await n8n.execution(execution.id))[0].json).toMatchObject({ taskId, state: 'succeeded' });
		} else {
			expect(execution.status).toBe('crashed');
			const retried = await retry(execution.id);
			expect(hailuoRun(retried).error.message).toContain('already sent');
		}
		expect(createdTasks()).toHaveLength(1);
	}, 180_000);

	linesTest('SIGKILL in the node after Hailuo: n8n rebuilds the run from its event log with Hailuo done, its Retry runs the workflow again from the start, and Hailuo pays nothing', async () => {
		const path = `crash-${++paths}`;
		const wf = generateWorkflow(`Hailuo then work ${path}`, path, credentialId, { completion: 'submitOnly' });
		wf.nodes.push(pause(30));
		wf.connections = chain(['Start', 'Prompts', 'Hailuo', 'Work']);
		const id = await n8n.createWorkflow(wf);
		await n8n.activate(id, [path]);
		const events = eventLogFrom();
		expect((await n8n.post(`/webhook/${path}`, { prompts: ['rebuilt fox 1', 'rebuilt fox 2'] })).status).toBe(200);
		await waitFor(() => events().split('\n').some((line) => line.includes('"n8n.node.started"') && line.includes('"nodeName":"Work"')), 30_000, 'the Work node started');
		await n8n.kill('SIGKILL');
		await n8n.start();
		expect(createdTasks()).toHaveLength(2);

		const execution = await crashed((await onlyExecution(id, () => true, 'the killed execution')).id);
		expect(execution.status).toBe('crashed');
		// n8n's own recovery: Hailuo's run is a placeholder; what it output (the task ids) is gone, the log has them.
		expect(hailuoItems(execution).map((item) => item.json)).toEqual([{ isArtificialRecoveredEventItem: true }]);
		expect(Object.keys(acceptedInLog(execution.id))).toHaveLength(2);

		const retried = await retry(execution.id);
		expect(hailuoRun(retried).error.message).toBe('Item 1 was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again');
		const again = await retry(retried.id);
		expect(hailuoRun(again).error.message).toContain('already sent');
		expect(createdTasks()).toHaveLength(2);
		report.push(`kill in the node after Hailuo (n8n rebuilt Hailuo as done): the Retry and its Retry created ${createdTasks().length - 2} tasks`);
	}, 240_000);

	linesTest('Retry twice of a run stopped at item 3 of 4, and a Retry of its failed Retry: 4 tasks for 4 items, each paid once', async () => {
		const SENT = (n) => `Item ${n} was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again`;
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1, skip: 2 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 60, concurrency: 1 } });
		const prompts = Array.from({ length: 4 }, (_, i) => `twice fox ${i + 1}`);
		await wf.start(prompts);
		const a = await onlyExecution(wf.id, (e) => e.status === 'error', 'the stopped execution');
		expect(createdTasks()).toHaveLength(2);

		// The first Retry sends item 3, then the balance runs out again at item 4.
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1, skip: 1 });
		const r1 = await retry(a.id);
		expect(r1.status).toBe('error');
		expect(createdTasks().map((e) => e.body.prompt)).toEqual(prompts.slice(0, 3));

		// n8n still offers Retry on the first execution: item 3 went out with R1, so only item 4 is sent.
		const second = await retry(a.id);
		expect(createdTasks().map((e) => e.body.prompt)).toEqual(prompts);
		expect(second.status).toBe('error');
		expect(hailuoRun(second).error.message).toBe(SENT(3));

		// A Retry of the failed Retry: everything is known, nothing is sent.
		const r3 = await retry(r1.id);
		expect(createdTasks()).toHaveLength(4);
		expect(hailuoRun(r3).error?.message ?? '').toMatch(/already sent/);
		report.push(`stopped at item 3 of 4, Retry (stopped at 4), Retry again, Retry of the Retry: ${createdTasks().length} tasks for 4 items`);
	}, 300_000);

	linesTest('Loop Over Items with the same prompt three times, balance used up at the third pass: the Retry sends pass 3 only (3 tasks, 3 different videos)', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1, skip: 2 });
		const path = `crash-${++paths}`;
		const [start, prompts] = webhookStart(path);
		const loop = node('Loop Over Items', 'n8n-nodes-base.splitInBatches', { batchSize: 1, options: {} }, { typeVersion: 3 });
		const done = node('Done', 'n8n-nodes-base.noOp', {});
		const connections = chain(['Start', 'Prompts', 'Loop Over Items']);
		connections['Loop Over Items'] = { main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Hailuo', type: 'main', index: 0 }]] };
		connections.Hailuo = { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] };
		const hailuo = hailuoNode(credentialId, { options: { pollInterval: 1, timeout: 60 } });
		const id = await n8n.createWorkflow({ name: `Hailuo loop ${path}`, nodes: [start, prompts, loop, hailuo, done], connections });
		await n8n.activate(id, [path]);
		expect((await n8n.post(`/webhook/${path}`, { prompts: ['take fox', 'take fox', 'take fox'] })).status).toBe(200);
		const failed = await onlyExecution(id, (e) => e.status === 'error', 'the stopped loop');
		expect(createdTasks()).toHaveLength(2);

		const retried = await retry(failed.id);
		expect(retried.status).toBe('success');
		expect(createdTasks()).toHaveLength(3);
		const passes = retried.data.resultData.runData.Hailuo.map((run) => run.data.main[0][0].json);
		expect(passes.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(passes.map((j) => j.taskId)).toEqual(createdTasks().map((e) => e.taskId));
		expect(retried.data.resultData.runData.Done[0].data.main[0]).toHaveLength(3);

		// Retrying the failed run again picks up nothing new and pays nothing.
		await retry(failed.id).catch(() => undefined);
		expect(createdTasks()).toHaveLength(3);
		report.push(`loop of 3 passes of one prompt, stopped at pass 3: the Retry created ${createdTasks().length - 2}, ${createdTasks().length} tasks in all`);
	}, 240_000);

	linesTest('an IF back-edge "try again while the video failed", balance used up at the second attempt: the Retry makes the second attempt (2 tasks, one video)', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', times: 1, skip: 1 });
		const path = `crash-${++paths}`;
		const [start, prompts] = webhookStart(path);
		// The first attempt's prompt fails in the simulator; the attempts after it do not.
		const hailuo = hailuoNode(credentialId, {
			prompt: "={{ $('Prompts').item.json.prompt }}{{ $runIndex === 0 ? ' [fail]' : '' }}",
			options: { pollInterval: 1, timeout: 60, onTaskFailure: 'output' },
		});
		const ready = node('Video ready?', 'n8n-nodes-base.if', {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: 'a6d2f0c1-0000-4000-8000-000000000001', leftValue: '={{ $json.state }}', rightValue: 'succeeded', operator: { type: 'string', operation: 'equals' } }],
				combinator: 'and',
			},
			options: {},
		}, { typeVersion: 2.2 });
		const use = node('Use the video', 'n8n-nodes-base.noOp', {});
		const connections = chain(['Start', 'Prompts', 'Hailuo', 'Video ready?']);
		connections['Video ready?'] = { main: [[{ node: 'Use the video', type: 'main', index: 0 }], [{ node: 'Hailuo', type: 'main', index: 0 }]] };
		const id = await n8n.createWorkflow({ name: `Hailuo try again ${path}`, nodes: [start, prompts, hailuo, ready, use], connections });
		await n8n.activate(id, [path]);
		expect((await n8n.post(`/webhook/${path}`, { prompts: ['stubborn fox'] })).status).toBe(200);
		const failed = await onlyExecution(id, (e) => e.status === 'error', 'the stopped execution');
		expect(createdTasks().map((e) => e.body.prompt)).toEqual(['stubborn fox [fail]']);

		const retried = await retry(failed.id);
		expect(retried.status).toBe('success');
		expect(createdTasks().map((e) => e.body.prompt)).toEqual(['stubborn fox [fail]', 'stubborn fox']);
		const [video] = retried.data.resultData.runData['Use the video'][0].data.main[0];
		expect(video.json).toMatchObject({ state: 'succeeded', taskId: createdTasks()[1].taskId });
		report.push(`IF back-edge, stopped at the second attempt: the Retry created ${createdTasks().length - 1}, one video out`);
	}, 240_000);

	fullTest("Max Videos per Run: a run that would submit more is refused before anything is paid", async () => {
		const wf = await generator({ options: { maxVideos: 3 } });
		await wf.start(['one', 'two', 'three', 'four', 'five']);
		const failed = await onlyExecution(wf.id, (e) => e.status === 'error', 'the refused execution');
		expect(hailuoRun(await n8n.execution(failed.id)).error.message).toBe("This run would submit 5 videos, more than 'Max Videos per Run' (3)");
		expect(sim.counts.submit).toBe(0);
	});
});
