/**
 * The Hailuo Trigger's own requests, through n8n-core's webhook context and the
 * simulator: registrations from the Hailuo node, and the catch-up's rounds
 * (signed), with the reads they cost. The scheduled part and real restarts
 * are in test/e2e/catchUp.e2e.js.
 */
const { TOKEN, useInstance } = require('./harness/fixtures');
const triggers = require('./harness/triggers');
const { post } = triggers;
const { signedMessage } = require('../dist/nodes/Hailuo/trigger/messages');

const context = useInstance({ generationMs: 60_000 });
const { sim } = context;
let n8n;
beforeAll(() => (n8n = context.n8n));

/** An active Hailuo Trigger; its URL, its workflow and a way to send signed requests as its own catch-up does. */
function activeTrigger(parameters = {}, options = {}) {
	const { url, wf } = triggers.activeTrigger(n8n, parameters, options);
	const key = `${wf.workflow.id ?? ''}:${wf.workflow.getNode('Hailuo Trigger').id}`;
	const signed = async (kind, processId, settled = [], { token = TOKEN, at } = {}) => {
		const { body, headers } = signedMessage(token, key, { kind, processId, settled, at });
		return await post(url, body, { 'content-type': 'application/json', ...headers });
	};
	return { url, wf, key, signed, stored: () => wf.workflow.staticData['node:Hailuo Trigger'] };
}

const submit = (prompts, callbackUrl) => triggers.submitWithCallback(n8n, callbackUrl, prompts);
const reads = () => sim.counts.retrieve + sim.counts.retrieveBatch;

describe('Hailuo Trigger catch-up (webhook side)', () => {
	test('the Hailuo node registers every task it submits with a trigger URL, in a few requests; nothing is read', async () => {
		const trigger = activeTrigger({ secret: 's3' });
		const ids = await submit(Array.from({ length: 12 }, (_, i) => `fox ${i}`), `${trigger.url}?secret=s3`);
		expect(Object.keys(trigger.stored().awaitedTasks).sort()).toEqual([...ids].sort());
		expect(n8n.started).toHaveLength(0);
		expect(reads()).toBe(0);
	});

	test('a registration: ids checked, a wrong secret refused, no credential said so', async () => {
		const trigger = activeTrigger({ secret: 's3' });
		expect((await post(`${trigger.url}?secret=s3`, { hailuoTrigger: 'await', taskIds: ['task-aaaaaaa1', 'bad id!', 42] })).json).toEqual({ registered: 1 });
		expect((await post(`${trigger.url}?secret=nope`, { hailuoTrigger: 'await', taskIds: ['task-aaaaaaa2'] })).status).toBe(401);
		const bare = activeTrigger({}, { noCredential: true });
		const answer = await post(bare.url, { hailuoTrigger: 'await', taskIds: ['task-aaaaaaa3'] });
		expect(answer.json.registered).toBe(0);
		expect(answer.json.reason).toMatch(/no Hailuo API credential/);
	});

	test('a catch-up request must be signed with the trigger credential, for this trigger, and recent', async () => {
		const trigger = activeTrigger();
		expect((await post(trigger.url, signedMessage(TOKEN, trigger.key, { kind: 'catchUp', processId: 'p1', settled: [] }).body)).status).toBe(401);
		expect((await trigger.signed('catchUp', 'p1', [], { token: 'another-token' })).status).toBe(401);
		expect((await trigger.signed('catchUp', 'p1', [], { at: Date.now() - 10 * 60_000 })).status).toBe(401);
		const other = activeTrigger();
		const { body, headers } = signedMessage(TOKEN, other.key, { kind: 'catchUp', processId: 'p1', settled: [] });
		const forOther = await post(trigger.url, body, { 'content-type': 'application/json', ...headers });
		expect(forOther.status).toBe(401);
		expect((await trigger.signed('catchUp', 'p1')).json).toMatchObject({ due: 0, readRequests: 0, caughtUp: [] });
		expect(reads()).toBe(0);
	});

	test('a round reads the awaited tasks 50 a request and hands over the ended ones once, with the simplified item', async () => {
		const trigger = activeTrigger();
		const ids = await submit(Array.from({ length: 60 }, (_, i) => `round ${i} [no-callback]`), trigger.url);
		const ended = ids.slice(0, 45);
		ended.forEach((id) => sim.finishNow(id));
		sim.resetCounts();
		const round = (await trigger.signed('catchUp', 'p1')).json;
		expect(sim.counts.retrieveBatch).toBe(2);
		expect(sim.counts.retrieve).toBe(0);
		expect(round).toMatchObject({ due: 60, readRequests: 2, stillAwaited: 15 });
		expect(round.caughtUp.map((c) => c.taskId).sort()).toEqual([...ended].sort());
		expect(round.caughtUp[0].json).toMatchObject({ taskId: round.caughtUp[0].taskId, state: 'succeeded', verified: true, deliveredBy: 'catchUp' });
		// The next round reads only what is still running; a callback for a caught-up task is a duplicate.
		sim.resetCounts();
		expect((await trigger.signed('catchUp', 'p1')).json).toMatchObject({ due: 15, readRequests: 1, caughtUp: [] });
		const late = await post(trigger.url, sim.finalResult(ended[0]));
		expect(late.json).toMatchObject({ started: false, reason: 'duplicate callback' });
		expect(n8n.started).toHaveLength(0);
	});

	test('a task its callback delivered is not read again; an unverifiable callback (503) stays awaited and is caught up', async () => {
		const trigger = activeTrigger();
		const [a, b] = await submit(['called back', 'unverifiable'], trigger.url);
		sim.finishNow(a);
		sim.failingReads.add(b);
		sim.finishNow(b);
		await new Promise((r) => setTimeout(r, 300));
		sim.failingReads.clear();
		expect(n8n.started.map((s) => s.json[0].taskId)).toEqual([a]);
		expect(n8n.started[0].json[0].deliveredBy).toBe('callback');
		const round = (await trigger.signed('catchUp', 'p1')).json;
		expect(round.caughtUp.map((c) => c.taskId)).toEqual([b]);
		expect(round.due).toBe(1);
	});

	test('a delivery whose process is gone is delivered again by the next process, until its execution is reported ended', async () => {
		const trigger = activeTrigger();
		const [id] = await submit(['leased'], trigger.url);
		sim.finishNow(id);
		expect((await trigger.signed('catchUp', 'old-process')).json.caughtUp.map((c) => c.taskId)).toEqual([id]);
		// The same process does not get it again; another one (n8n restarted) does.
		expect((await trigger.signed('catchUp', 'old-process')).json.due).toBe(0);
		expect((await trigger.signed('catchUp', 'new-process')).json.caughtUp.map((c) => c.taskId)).toEqual([id]);
		expect((await trigger.signed('settle', 'new-process', [id])).json).toEqual({ settled: 1 });
		expect((await trigger.signed('catchUp', 'newer-process')).json.due).toBe(0);
	});

	test('a task still running a day after it was awaited is given up: an item when "Video Never Finished" is selected, else only marked', async () => {
		for (const [events, handed] of [[['succeeded', 'failed', 'unfinished'], 1], [['succeeded'], 0]]) {
			const trigger = activeTrigger({ events });
			const [id] = await submit([`slow ${handed}`], trigger.url);
			trigger.stored().awaitedTasks[id] = Date.now() - 25 * 3600 * 1000;
			const round = (await trigger.signed('catchUp', 'p1')).json;
			expect(round.gaveUp).toEqual([id]);
			expect(round.caughtUp).toHaveLength(handed);
			if (handed) expect(round.caughtUp[0].json).toMatchObject({ taskId: id, state: 'pending', gaveUp: true, deliveredBy: 'catchUp' });
			else expect(round.ignored).toBe(1);
			expect((await trigger.signed('catchUp', 'p1')).json.due).toBe(0);
		}
	});

	test('an id the API does not know is dropped with the reason, after one read', async () => {
		const trigger = activeTrigger();
		await post(trigger.url, { hailuoTrigger: 'await', taskIds: ['never-existed-1'] });
		const round = (await trigger.signed('catchUp', 'p1')).json;
		expect(round.unknown).toEqual(['never-existed-1']);
		expect((await trigger.signed('catchUp', 'p1')).json.due).toBe(0);
	});

	test('test URLs and URLs of other services are not registered with', async () => {
		const received = [];
		const server = require('node:http').createServer(async (req, res) => {
			const chunks = [];
			for await (const chunk of req) chunks.push(chunk);
			// The question asked before submitting is not a registration.
			if (JSON.parse(Buffer.concat(chunks).toString('utf8')).hailuoTrigger === 'await') received.push(req.url);
			res.end('{}');
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		const base = `http://127.0.0.1:${server.address().port}`;
		try {
			await submit(['a'], `${base}/webhook-test/abc/hailuo`);
			await submit(['b'], `${base}/hooks/hailuo`);
			await submit(['c'], `${base}/webhook/abc/hailuo`);
			expect(received).toEqual(['/webhook/abc/hailuo']);
		} finally {
			server.close();
		}
	});
});
