/**
 * n8n's Retry of an execution whose Hailuo run was cut short, through n8n-core
 * (the crash suite in test/e2e/crash.e2e.js does the same in a real n8n with
 * real kills): tasks the execution created are picked up, items it sent are
 * never sent again, items it never sent are sent. The simulator's task log is
 * the judge of what was paid.
 */
const { Container } = require('@n8n/di');
const { Logger } = require('@n8n/backend-common');
const { createSimulator } = require('./simulator/simulator');
const { Instance, hailuoWorkflow, loopWorkflow, useMemoryDeduplication } = require('./harness/n8n');
const { TOKEN, FAST, textToVideo } = require('./harness/fixtures');

const sim = createSimulator({ token: TOKEN, generationMs: 300 });
let n8n;
let store;

beforeAll(async () => {
	await sim.start();
	store = await useMemoryDeduplication();
});
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.resetCounts();
	n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
});

const created = () => sim.log.filter((e) => e.kind === 'submit');
const prompts = (count, name = 'fox') => Array.from({ length: count }, (_, i) => ({ prompt: `${name} ${i + 1}` }));
const SENT = (n) => `Item ${n} was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again`;

/** One workflow (Items -> Hailuo) and its first run. */
async function firstRun(items, { parameters = textToVideo({}, { concurrency: 1 }), continueOnFail = false } = {}) {
	const wf = hailuoWorkflow(n8n, { parameters, items, continueOnFail });
	return await n8n.run(wf, 'Items');
}

describe('Retry after a run that failed (n8n saved it)', () => {
	test('stopped at item 3 of 10: items 1-2 are picked up, 3-10 submitted, 10 videos out, 10 tasks in all', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await firstRun(prompts(10));
		expect(first.status).toBe('error');
		const firstTwo = created().map((e) => e.taskId);
		expect(firstTwo).toHaveLength(2);

		const retried = await n8n.retry(first.executionId);
		expect(retried.status).toBe('success');
		expect(retried.json.map((j) => j.state)).toEqual(Array(10).fill('succeeded'));
		expect(retried.json.slice(0, 2).map((j) => j.taskId)).toEqual(firstTwo);
		expect(retried.items.map((i) => i.pairedItem)).toEqual(prompts(10).map((_, item) => ({ item })));
		expect(created()).toHaveLength(10);
		expect(created().slice(2).map((e) => e.body.prompt)).toEqual(prompts(10).slice(2).map((p) => p.prompt));
	});

	test('refused at the first submission: the Retry submits every item', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up' });
		const first = await firstRun(prompts(3));
		expect(first.status).toBe('error');
		expect(created()).toHaveLength(0);
		const retried = await n8n.retry(first.executionId);
		expect(retried.json.map((j) => j.state)).toEqual(Array(3).fill('succeeded'));
		expect(created()).toHaveLength(3);
	});

	test('Return the Task ID at Once: a Retry outputs the earlier task ids without submitting them again', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
		const first = await firstRun(prompts(2), { parameters: textToVideo({ completion: 'submitOnly' }, { concurrency: 1 }) });
		expect(first.status).toBe('error');
		const [earlier] = created().map((e) => e.taskId);
		const retried = await n8n.retry(first.executionId);
		expect(retried.json.map((j) => j.taskId)).toEqual([earlier, created()[1].taskId]);
		expect(created()).toHaveLength(2);
	});
});

describe('Retry after n8n was killed (nothing of the run saved)', () => {
	test('items the killed run sent are refused with where their ids are; items it never sent are sent (Continue On Fail)', async () => {
		// The first run sends items 1-2, then stops: what n8n would find after a kill is its markers only.
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await firstRun(prompts(4), { continueOnFail: true });
		expect(created()).toHaveLength(2);

		const retried = await n8n.retry(first.executionId, { afterKill: true });
		expect(retried.status).toBe('success');
		expect(retried.json[0]).toEqual({ error: SENT(1), details: { description: expect.stringContaining("n8n's log") } });
		expect(retried.json[1].error).toBe(SENT(2));
		expect(retried.json[1].details.description).toContain(`"Hailuo task <task id> accepted for item 2 (execution ${first.executionId}, …"`);
		expect(retried.json.slice(2).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
		expect(created()).toHaveLength(4);
	});

	test('without Continue On Fail: the unsent items are still sent, then the Retry fails naming every task it has', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await firstRun(prompts(4));
		const retried = await n8n.retry(first.executionId, { afterKill: true });
		expect(retried.status).toBe('error');
		expect(retried.error.message).toBe(SENT(1));
		const newTasks = created().slice(2).map((e) => e.taskId);
		expect(newTasks).toHaveLength(2);
		for (const id of newTasks) expect(retried.error.description).toContain(id);

		// Retry of that Retry (saved, so its context is carried): its tasks are picked up, nothing is paid.
		const again = await n8n.retry(retried.executionId);
		expect(again.error.message).toBe(SENT(1));
		expect(created()).toHaveLength(4);
		// And a second Retry of the first, killed run: the first Retry marked what it sent under it too.
		const second = await n8n.retry(first.executionId, { afterKill: true });
		expect(second.error.message).toBe(SENT(1));
		expect(second.error.description).not.toContain(newTasks[0]);
		expect(created()).toHaveLength(4);
	});

	test('killed right after the node finished (n8n rebuilt the run from its event log, the node counted as done): the Retry runs it again and pays nothing', async () => {
		// n8n's recovery gives every node that had started one placeholder run; the Retry runs the workflow again after them.
		const first = await firstRun(prompts(2), { parameters: textToVideo({ completion: 'submitOnly' }), continueOnFail: true });
		expect(created()).toHaveLength(2);
		const retried = await n8n.retry(first.executionId, { afterKill: true, recovered: { Items: 'finished', Hailuo: 'finished' } });
		expect(retried.json.map((j) => j.error)).toEqual([SENT(1), SENT(2)]);
		expect(created()).toHaveLength(2);
		// And killed while the node ran (its run rebuilt as crashed): the same.
		const again = await n8n.retry(first.executionId, { afterKill: true, recovered: { Items: 'finished', Hailuo: 'crashed' } });
		expect(again.json.map((j) => j.error)).toEqual([SENT(1), SENT(2)]);
		expect(created()).toHaveLength(2);
	});

	test('a submission that certainly created nothing (400) is sent again; one without a usable answer (HTTP 500) never is', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 500, code: 'api_error' });
		sim.inject({ on: 'submit', kind: 'status', status: 400, code: 'bad_request', message: 'model is invalid.' });
		const first = await firstRun(prompts(3), { continueOnFail: true });
		expect(first.json.map((j) => j.error ?? j.state)).toEqual([
			expect.stringContaining('HTTP 500'),
			expect.stringContaining('bad_request'),
			'succeeded',
		]);
		const retried = await n8n.retry(first.executionId, { afterKill: true });
		expect(retried.json.map((j) => j.error ?? j.state)).toEqual([SENT(1), 'succeeded', SENT(3)]);
		expect(created().map((e) => e.body.prompt)).toEqual(['fox 3', 'fox 2']);
	});

	test('markers are per execution where n8n says which one a Retry repeats (2.x); on n8n 1.x any earlier run of the same item counts', async () => {
		const done = await firstRun(prompts(2));
		expect(done.status).toBe('success');
		// Another execution of the same items, refused before it sent anything.
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up' });
		const refused = await n8n.run(n8n.finished.get(done.executionId), 'Items');
		expect(refused.status).toBe('error');
		expect(created()).toHaveLength(2);

		const on1x = await n8n.retry(refused.executionId, { afterKill: true, saysRetryOf: false });
		expect(on1x.error.message).toBe(SENT(1));
		expect(created()).toHaveLength(2);
		const on2x = await n8n.retry(refused.executionId, { afterKill: true });
		expect(on2x.json.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
		expect(created()).toHaveLength(4);
	});

	test('n8n running the same execution again (1.x queue mode after a worker died) sends nothing twice', async () => {
		const first = await firstRun(prompts(2), { continueOnFail: true });
		expect(created()).toHaveLength(2);
		const entry = n8n.finished.get(first.executionId);
		const again = await n8n.run(entry, 'Items', { mode: 'webhook', executionId: first.executionId });
		expect(again.json.map((j) => j.error)).toEqual([SENT(1), SENT(2)]);
		expect(again.json[0].details.description).toContain(`accepted for item 1 (execution ${first.executionId},`);
		expect(created()).toHaveLength(2);
	});

	test('a new execution of the same items is not a Retry: it submits them', async () => {
		const first = await firstRun(prompts(2));
		const next = await n8n.run(n8n.finished.get(first.executionId), 'Items');
		expect(next.json.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
		expect(created()).toHaveLength(4);
	});

	test("every accepted task is in n8n's log at once: task id, item number, execution and workflow", async () => {
		const info = jest.spyOn(Container.get(Logger), 'info');
		try {
			const run = await firstRun(prompts(2));
			const lines = info.mock.calls.map(([line]) => line).filter((line) => line.startsWith('Hailuo task'));
			const wf = n8n.finished.get(run.executionId).workflowData;
			expect(lines).toEqual(
				created().map((e, i) => `Hailuo task ${e.taskId} accepted for item ${i + 1} (execution ${run.executionId}, workflow "${wf.name}" ${wf.id}, node "Hailuo")`),
			);
			expect(JSON.stringify(info.mock.calls)).not.toContain(TOKEN);
		} finally {
			info.mockRestore();
		}
	});
});

describe("n8n's deduplication store failing", () => {
	test('a call that fails once (two executions creating the row at once) is tried again: the marks hold', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
		store.failNext(1);
		const first = await firstRun(prompts(2), { continueOnFail: true });
		const retried = await n8n.retry(first.executionId, { afterKill: true });
		expect(retried.json.map((j) => j.error ?? j.state)).toEqual([SENT(1), 'succeeded']);
		expect(created()).toHaveLength(2);
	});

	test('a store that cannot be used: the run goes on and says so once in the log', async () => {
		const warn = jest.spyOn(Container.get(Logger), 'warn');
		try {
			store.failNext(1000);
			const run = await firstRun(prompts(3));
			expect(run.json.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
			const lines = warn.mock.calls.map(([line]) => line).filter((line) => line.includes('deduplication store'));
			expect(lines).toEqual([expect.stringContaining('a Retry after n8n stops mid-run will not know which items were sent')]);
		} finally {
			store.failNext(0);
			warn.mockRestore();
		}
	});
});

describe('Retries of Retries: every earlier run of the execution counts', () => {
	test('a second Retry of the same failed execution does not send again what the first Retry sent', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const a = await firstRun(prompts(4));
		expect(created()).toHaveLength(2);
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
		const r1 = await n8n.retry(a.executionId);
		expect(r1.status).toBe('error');
		expect(created().map((e) => e.body.prompt)).toEqual(['fox 1', 'fox 2', 'fox 3']);
		// n8n still offers Retry on the first execution: item 3 was sent by R1, only item 4 is sent.
		const r2 = await n8n.retry(a.executionId);
		expect(created().map((e) => e.body.prompt)).toEqual(['fox 1', 'fox 2', 'fox 3', 'fox 4']);
		expect(r2.error.message).toBe(SENT(3));
	});

	test('a Retry of the first Retry, after a second Retry of the original sent what the first could not: nothing is paid twice', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const a = await firstRun(prompts(4));
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
		const r1 = await n8n.retry(a.executionId);
		expect(r1.status).toBe('error');
		// The second Retry of A sends item 4, which R1 could not.
		await n8n.retry(a.executionId);
		expect(created().map((e) => e.body.prompt)).toEqual(['fox 1', 'fox 2', 'fox 3', 'fox 4']);
		// R1 knows nothing of that sibling; the chain both belong to does.
		const r3 = await n8n.retry(r1.executionId);
		expect(created()).toHaveLength(4);
		expect(r3.error.message).toBe(SENT(4));
		// And a Retry of that Retry, once more.
		await n8n.retry(r3.executionId);
		expect(created()).toHaveLength(4);
	});

	test('a Retry of a Retry that n8n killed (the database holds for it the data it was created with) pays nothing twice', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const a = await firstRun(prompts(4));
		const r1 = await n8n.retry(a.executionId);
		expect(r1.status).toBe('success');
		expect(created()).toHaveLength(4);
		// Killed before it was saved: what n8n has for R1 is A's data.
		n8n.finished.get(r1.executionId).result = JSON.parse(JSON.stringify(n8n.finished.get(a.executionId).result));
		const r2 = await n8n.retry(r1.executionId);
		expect(created()).toHaveLength(4);
		expect(r2.error.message).toBe(SENT(3));
	});

	test("a Retry whose look-up in n8n's store fails twice sends nothing (it cannot tell what was sent), and says so", async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
		const first = await firstRun(prompts(3), { continueOnFail: true });
		expect(created()).toHaveLength(1);
		store.failNext(2);
		const retried = await n8n.retry(first.executionId, { afterKill: true });
		expect(retried.status).toBe('error');
		expect(retried.error.message).toBe('Not submitted: this Retry could not read which items were already sent');
		expect(created()).toHaveLength(1);
		// Once the store answers again, the Retry sends exactly what was never sent.
		const again = await n8n.retry(first.executionId, { afterKill: true });
		expect(again.json.map((j) => j.error ?? j.state)).toEqual([SENT(1), 'succeeded', 'succeeded']);
		expect(created()).toHaveLength(3);
	});

	test('a Retry of a run stopped by a failed video (On Task Failure: Error) makes a new attempt, billed once', async () => {
		const first = await firstRun([{ prompt: 'ok fox' }, { prompt: 'a fox [fail]' }], { parameters: textToVideo({}, { concurrency: 1, onTaskFailure: 'error' }) });
		expect(first.status).toBe('error');
		expect(created()).toHaveLength(2);
		sim.set({ failureRate: 0 });
		const retried = await n8n.retry(first.executionId);
		// The succeeded task is picked up; the failed one is sent again (the simulator fails "[fail]" prompts again).
		expect(created().map((e) => e.body.prompt)).toEqual(['ok fox', 'a fox [fail]', 'a fox [fail]']);
		expect(retried.error?.message ?? '').not.toContain('already sent');
		const again = await n8n.retry(retried.executionId);
		expect(created()).toHaveLength(4);
		expect(again.error?.message ?? '').not.toContain('already sent');
	});
});

describe('the node in a loop (Loop Over Items, an IF back-edge): each pass is its own submission', () => {
	/** Runs the loop; `passes` runs of the Hailuo node with the same item and prompt. */
	const loop = async (passes, parameters = textToVideo({ completion: 'submitOnly' }), continueOnFail = false) =>
		await n8n.run(loopWorkflow(n8n, { parameters, items: [{ prompt: 'looping fox' }], passes, continueOnFail }), 'Items');

	test('three passes, three tasks; a Retry of the saved run picks up each pass\'s own task', async () => {
		const first = await loop(3);
		expect(first.status).toBe('success');
		expect(created()).toHaveLength(3);
		const taskIds = n8n.finished.get(first.executionId).result.data.resultData.runData.Hailuo.map((r) => r.data.main[0][0].json.taskId);
		expect(new Set(taskIds).size).toBe(3);
	});

	test('a Retry after the third pass failed to submit: passes 1-2 picked up, pass 3 sent (3 tasks, was 2: pass 3 got pass 1\'s)', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await loop(3);
		expect(first.status).toBe('error');
		expect(created()).toHaveLength(2);
		const retried = await n8n.retry(first.executionId);
		expect(retried.status).toBe('success');
		expect(created()).toHaveLength(3);
	});

	test('after a kill that n8n rebuilt from its event log (placeholder runs before the passes), a Retry still tells pass from pass', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await loop(3, textToVideo({ completion: 'submitOnly' }), true);
		expect(created()).toHaveLength(2);
		const retried = await n8n.retry(first.executionId, { afterKill: true, recovered: { Items: 'finished', Passes: 'finished', Hailuo: 'finished' } });
		expect(created()).toHaveLength(3);
		const passes = n8n.finished.get(retried.executionId).result.data.resultData.runData.Hailuo.slice(1).map((r) => r.data.main[0][0].json);
		expect(passes.map((j) => j.error ?? j.state)).toEqual([SENT(1), SENT(1), 'pending']);
		// A Retry of that Retry (saved: its context carried, the placeholder run still first): nothing more is paid.
		const again = await n8n.retry(retried.executionId);
		expect(created()).toHaveLength(3);
		const picked = n8n.finished.get(again.executionId).result.data.resultData.runData.Hailuo.slice(1).map((r) => r.data.main[0][0].json);
		expect(picked.map((j) => j.error ?? j.state)).toEqual([SENT(1), SENT(1), 'pending']);
	});

	test('after a kill, a Retry refuses the passes that were sent and sends the one that never was', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await loop(3, textToVideo({ completion: 'submitOnly' }), true);
		expect(created()).toHaveLength(2);
		const retried = await n8n.retry(first.executionId, { afterKill: true });
		// Passes 1 and 2 were sent (refused, ids in the log); pass 3 never was: sent now (Continue On Fail lets the loop go on).
		expect(created()).toHaveLength(3);
		const passes = n8n.finished.get(retried.executionId).result.data.resultData.runData.Hailuo.map((r) => r.data.main[0][0].json);
		expect(passes.map((j) => j.error ?? j.state)).toEqual([SENT(1), SENT(1), 'pending']);
	});
});

describe('Max Videos per Run', () => {
	test('a run at the limit goes; one over it is refused before anything is paid, saying how many and where to raise it', async () => {
		const atLimit = await firstRun(prompts(3), { parameters: textToVideo({}, { maxVideos: 3 }) });
		expect(atLimit.status).toBe('success');
		sim.resetCounts();
		const over = await firstRun(prompts(4), { parameters: textToVideo({}, { maxVideos: 3 }) });
		expect(over.status).toBe('error');
		expect(over.error.message).toBe("This run would submit 4 videos, more than 'Max Videos per Run' (3)");
		expect(over.error.description).toContain("raise 'Max Videos per Run' in the node's Options");
		expect(sim.counts.submit).toBe(0);
	});

	test('the default (200) lets a 200-video night through and stops a fan-out to 201', async () => {
		sim.set({ generationMs: 50 });
		const over = await firstRun(prompts(201), { parameters: textToVideo({ completion: 'submitOnly' }) });
		expect(over.error.message).toBe("This run would submit 201 videos, more than 'Max Videos per Run' (200)");
		expect(sim.counts.submit).toBe(0);
		const night = await firstRun(prompts(200), { parameters: textToVideo({ completion: 'submitOnly' }, { concurrency: 20 }) });
		expect(night.json).toHaveLength(200);
		expect(sim.counts.submit).toBe(200);
	});

	test('items refused for bad input or picked up by a Retry are not counted', async () => {
		const items = [...prompts(3), { prompt: '' }];
		const run = await firstRun(items, { parameters: textToVideo({}, { maxVideos: 3 }), continueOnFail: true });
		expect(run.json.map((j) => j.state ?? 'refused')).toEqual(['succeeded', 'succeeded', 'succeeded', 'refused']);

		sim.resetCounts();
		sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 2 });
		const first = await firstRun(prompts(4), { parameters: textToVideo({}, { maxVideos: 2, concurrency: 1 }) });
		expect(first.error.message).toBe("This run would submit 4 videos, more than 'Max Videos per Run' (2)");
		const limited = await firstRun(prompts(4), { parameters: textToVideo({}, { maxVideos: 4, concurrency: 1 }) });
		expect(limited.status).toBe('error');
		// 2 picked up, 2 to send: within a limit of 2 only because the picked-up ones are not counted.
		n8n.finished.get(limited.executionId).workflow.getNode('Hailuo').parameters.options.maxVideos = 2;
		const retried = await n8n.retry(limited.executionId);
		expect(retried.json.map((j) => j.state)).toEqual(Array(4).fill('succeeded'));
	});
});
