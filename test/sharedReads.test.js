/**
 * Callbacks arriving together share their verification reads: through the
 * in-process webhook layer, the Hailuo Trigger's reads of many callbacks at
 * once go out as retrieve_batch requests, a lone callback is read alone, and
 * every callback still gets its own verdict.
 */
const { request } = require('undici');
const { PACKAGE } = require('./harness/n8n');
const { TOKEN, useInstance } = require('./harness/fixtures');
const { waitFor } = require('./harness/wait');

// Each status query takes 80 ms, as over the internet: callbacks arriving meanwhile wait for the next read.
const context = useInstance({ generationMs: 300, queryLatencyMs: 80 });
const { sim } = context;

let triggers = 0;
function activeTrigger() {
	triggers++;
	const wf = context.n8n.workflow([{ name: 'Hailuo Trigger', type: `${PACKAGE}.hailuoTrigger`, webhookId: `shared-${triggers}`, parameters: {} }]);
	return context.n8n.activate(wf, 'Hailuo Trigger');
}

async function post(url, body) {
	const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.body.text();
	return { status: response.statusCode, json: JSON.parse(text) };
}

/** Finished tasks, created straight at the simulator; counts start afresh. */
async function createTasks(count) {
	const ids = [];
	for (let i = 0; i < count; i++) {
		const response = await request(`${sim.url}/hailuo/videos`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify({ action: 'generate', prompt: `together ${i}`, async: true }),
		});
		ids.push(JSON.parse(await response.body.text()).task_id);
	}
	for (const id of ids) sim.finishNow(id);
	sim.resetCounts();
	return ids;
}

const reads = () => sim.counts.retrieve + sim.counts.retrieveBatch;

test('200 callbacks at once: each verified and started once, in at most 25 API reads (batches of at most 50)', async () => {
	const url = activeTrigger();
	const ids = await createTasks(200);
	const answers = await Promise.all(ids.map((id) => post(url, sim.finalResult(id))));
	expect(answers.every((a) => a.status === 200 && a.json.started === true)).toBe(true);
	await waitFor(() => context.n8n.started.length === 200, 10_000, '200 executions');
	expect(new Set(context.n8n.started.map((s) => s.json[0].taskId))).toEqual(new Set(ids));
	expect(context.n8n.started.every((s) => s.json[0].verified === true)).toBe(true);
	// One read per callback would be 200; how few depends on how closely they arrive (npm run bench measures it).
	expect(reads()).toBeLessThanOrEqual(25);
	const batches = sim.log.filter((e) => e.kind === 'retrieveBatch');
	expect(batches.length).toBeGreaterThan(0);
	expect(Math.max(...batches.map((b) => b.ids.length))).toBeLessThanOrEqual(50);
});

test('a lone callback is read at once, alone', async () => {
	const url = activeTrigger();
	const [id] = await createTasks(1);
	const answer = await post(url, sim.finalResult(id));
	expect(answer.json).toMatchObject({ accepted: true, started: true, taskId: id });
	expect(sim.counts.retrieve).toBe(1);
	expect(sim.counts.retrieveBatch).toBe(0);
});

test('in a shared read, each callback keeps its own verdict: an unknown task and a forged video are refused, the rest start', async () => {
	const url = activeTrigger();
	const ids = await createTasks(30);
	const forged = sim.finalResult(ids[1]);
	forged.data = [{ ...forged.data[0], video_url: 'https://evil.example/x.mp4' }];
	const bodies = ids.map((id, i) => (i === 1 ? forged : sim.finalResult(id)));
	bodies[2] = { ...sim.finalResult(ids[2]), task_id: 'unknown-task-0000' };
	const answers = await Promise.all(bodies.map((body) => post(url, body)));
	expect(answers[1]).toMatchObject({ status: 400, json: { message: "The callback's video does not match the API's record of the task." } });
	expect(answers[2]).toMatchObject({ status: 400, json: { message: 'Unknown task: the API has no such task for this account.' } });
	expect(answers.filter((a) => a.status === 200 && a.json.started)).toHaveLength(28);
	expect(reads()).toBeLessThanOrEqual(15);
});

test('a shared read that fails refuses its callbacks with 503, so the sender may try again', async () => {
	const url = activeTrigger();
	const ids = await createTasks(20);
	sim.inject({ on: 'tasks', kind: 'status', status: 500, code: 'api_error', times: 100 });
	const answers = await Promise.all(ids.map((id) => post(url, sim.finalResult(id))));
	expect(answers.every((a) => a.status === 503)).toBe(true);
	expect(context.n8n.started).toHaveLength(0);
	sim.resetCounts();
	const again = await Promise.all(ids.map((id) => post(url, sim.finalResult(id))));
	expect(again.every((a) => a.status === 200 && a.json.started)).toBe(true);
});
