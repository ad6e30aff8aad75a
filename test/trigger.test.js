const { PACKAGE } = require('./harness/n8n');
const { TOKEN, useInstance } = require('./harness/fixtures');
const triggers = require('./harness/triggers');
const { post } = triggers;
const { waitFor } = require('./harness/wait');

const context = useInstance({ generationMs: 300 });
const { sim } = context;
let n8n;
beforeAll(() => (n8n = context.n8n));

/** An active workflow starting at a Hailuo Trigger; returns its production URL. */
const activeTrigger = (parameters, options) => triggers.activeTrigger(n8n, parameters, options).url;
const submitWithCallback = (callbackUrl, prompts) => triggers.submitWithCallback(n8n, callbackUrl, prompts);

/** A finished task's genuine callback body. */
async function finishedTask(prompt = 'real') {
	const [taskId] = await submitWithCallback(undefined, [prompt]);
	sim.finishNow(taskId);
	return { taskId, body: sim.finalResult(taskId) };
}

describe('Hailuo Trigger', () => {
	test('starts one execution per finished task, with the verified, simplified task', async () => {
		const url = activeTrigger({ secret: 's3cret' });
		const ids = await submitWithCallback(`${url}?secret=s3cret`, ['one', 'two', '[fail] three']);
		await waitFor(() => n8n.started.length === 3, 5000, 'three executions');
		const byTask = Object.fromEntries(n8n.started.map((s) => [s.json[0].taskId, s.json[0]]));
		expect(Object.keys(byTask).sort()).toEqual([...ids].sort());
		expect(byTask[ids[0]]).toMatchObject({ state: 'succeeded', videoUrl: `${sim.url}/cdn/${ids[0]}.mp4`, verified: true, prompt: 'one' });
		expect(byTask[ids[2]]).toMatchObject({ state: 'failed', error: { code: 'generation_failed' } });
		expect(sim.counts.retrieve).toBe(3);
	});

	test('a callback delivered three times at once starts the workflow once', async () => {
		const url = activeTrigger();
		const { taskId, body } = await finishedTask();
		const answers = await Promise.all([post(url, body), post(url, body), post(url, body)]);
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		expect(answers.filter((a) => a.json?.started === false)).toHaveLength(2);
		expect(n8n.started.map((s) => s.json[0].taskId)).toEqual([taskId]);
	});

	test('Events: callbacks for unselected outcomes are acknowledged and start nothing', async () => {
		const url = activeTrigger({ events: ['failed'] });
		const { body } = await finishedTask();
		const answer = await post(url, body);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ accepted: true, started: false });
		expect(n8n.started).toHaveLength(0);
	});

	test.each([
		['missing', ''],
		['wrong', '?secret=guess'],
		['wrong case', '?secret=S3CRET'],
	])('%s secret: 401, nothing started, the secret is not echoed', async (_, query) => {
		const url = activeTrigger({ secret: 's3cret' });
		const { body } = await finishedTask();
		const answer = await post(`${url}${query}`, body);
		expect(answer.status).toBe(401);
		expect(answer.text).not.toContain('s3cret');
		expect(n8n.started).toHaveLength(0);
	});

	test('a forged body pointing at another video is refused', async () => {
		const url = activeTrigger();
		const { body } = await finishedTask();
		body.data[0].video_url = 'https://evil.example/malware.mp4';
		const answer = await post(url, body);
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain("does not match the API's record");
		expect(n8n.started).toHaveLength(0);
	});

	test('a forged body for a task the API does not know is refused', async () => {
		const url = activeTrigger();
		const answer = await post(url, { success: true, task_id: '12345678-aaaa-bbbb-cccc-1234567890ab', data: [{ video_url: 'https://evil.example/x.mp4', state: 'succeeded' }] });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain('Unknown task');
		expect(n8n.started).toHaveLength(0);
	});

	test('a callback that claims success for a task still running is refused', async () => {
		sim.set({ generationMs: 60_000 });
		const url = activeTrigger();
		const [taskId] = await submitWithCallback(undefined, ['running']);
		const answer = await post(url, { success: true, task_id: taskId, data: [] });
		expect(answer.status).toBe(409);
		expect(n8n.started).toHaveLength(0);
	});

	test('a replayed old callback after it was accepted starts nothing', async () => {
		const url = activeTrigger();
		const { body } = await finishedTask();
		expect((await post(url, body)).status).toBe(200);
		const replay = await post(url, body);
		expect(replay.json).toMatchObject({ accepted: true, started: false, reason: 'duplicate callback' });
		expect(n8n.started).toHaveLength(1);
	});

	test('an accepted callback is answered 200 with JSON naming the task', async () => {
		const url = activeTrigger();
		const { taskId, body } = await finishedTask();
		const answer = await post(url, body);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ accepted: true, started: true, taskId });
		await waitFor(() => n8n.started.length === 1, 5000, 'one execution');
	});

	test('a repeated callback is answered without another API read', async () => {
		const url = activeTrigger();
		const { body } = await finishedTask();
		await post(url, body);
		const reads = sim.counts.retrieve;
		const replay = await post(url, body);
		expect(replay.json).toMatchObject({ started: false, reason: 'duplicate callback' });
		expect(sim.counts.retrieve).toBe(reads);
	});

	test('a forged copy sent before the task ends does not mark the task: its real callback still starts the workflow', async () => {
		sim.set({ generationMs: 60_000 });
		const url = activeTrigger();
		const [taskId] = await submitWithCallback(undefined, ['early']);
		expect((await post(url, { success: true, task_id: taskId, data: [] })).status).toBe(409);
		sim.finishNow(taskId);
		const genuine = await post(url, sim.finalResult(taskId));
		expect(genuine.json).toEqual({ accepted: true, started: true, taskId });
		expect(n8n.started.map((s) => s.json[0].taskId)).toEqual([taskId]);
	});

	test("the seen ids live in the workflow's static data: another n8n process reading it starts nothing for a repeat", async () => {
		const url = activeTrigger();
		const { taskId, body } = await finishedTask();
		await post(url, body);
		const entry = [...n8n.triggers.values()].at(-1);
		const stored = JSON.parse(JSON.stringify(entry.workflow.staticData));
		expect(stored['node:Hailuo Trigger'].seenTasks).toHaveProperty(taskId);

		// Another process: the package loaded afresh (empty memory), the workflow read from the database.
		let other;
		jest.isolateModules(() => {
			const { Instance } = require('./harness/n8n');
			other = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
		});
		await other.listen();
		try {
			const node = { name: 'Hailuo Trigger', type: `${PACKAGE}.hailuoTrigger`, parameters: {} };
			const restored = other.workflow([{ ...node, webhookId: 'other-process-restored' }]);
			Object.assign(restored.workflow.staticData, stored);
			const fresh = other.workflow([{ ...node, webhookId: 'other-process-fresh' }]);
			const reads = sim.counts.retrieve;
			const replay = await post(other.activate(restored, 'Hailuo Trigger'), body);
			expect(replay.json).toMatchObject({ started: false, reason: 'duplicate callback' });
			expect(sim.counts.retrieve).toBe(reads);
			// The same process without the stored ids starts it: what stopped the repeat is the static data.
			expect((await post(other.activate(fresh, 'Hailuo Trigger'), body)).json).toMatchObject({ started: true });
			expect(other.started).toHaveLength(1);
		} finally {
			await other.close();
		}
	});

	test("while testing in the editor, a refused callback comes out as an item saying why (the caller still gets 401)", async () => {
		const wf = n8n.workflow([
			{ name: 'Hailuo Trigger', type: `${PACKAGE}.hailuoTrigger`, webhookId: 'hook-editor-test', parameters: { secret: 'right' } },
		]);
		const url = n8n.activate(wf, 'Hailuo Trigger', { mode: 'manual' });
		const { body } = await finishedTask();
		const answer = await post(`${url}?secret=wrong`, body);
		expect(answer.status).toBe(401);
		expect(answer.json).toEqual({ accepted: false, message: 'Missing or wrong secret.' });
		expect(n8n.started.map((s) => s.json[0])).toEqual([{ accepted: false, status: 401, reason: 'Missing or wrong secret.' }]);
		expect(answer.text).not.toContain('right');
	});

	test('a credential that cannot be used is a refusal (500), not a workflow started in error', async () => {
		const url = activeTrigger();
		const { body } = await finishedTask();
		n8n.setCredentials({ apiToken: TOKEN, baseUrl: 'api.acedata.cloud' });
		const answer = await post(url, body);
		expect(answer.status).toBe(500);
		expect(answer.json).toEqual({ accepted: false, message: 'The Hailuo API credential of this node cannot be used; see the n8n log.' });
		expect(n8n.started).toHaveLength(0);
	});

	test('the API unreachable during verification: 503, nothing started', async () => {
		const url = activeTrigger();
		const { body } = await finishedTask();
		sim.inject({ on: 'tasks', kind: 'status', status: 502, times: 10 });
		const answer = await post(url, body);
		expect(answer.status).toBe(503);
		expect(n8n.started).toHaveLength(0);
	}, 15_000);

	test.each([
		['not JSON', 'hello', { 'content-type': 'text/plain' }, /not JSON/],
		['a JSON list', '[1,2]', { 'content-type': 'application/json' }, /not a JSON object/],
		['an empty object', '{}', { 'content-type': 'application/json' }, /^Body is empty \(\{\}\): a Hailuo callback carries the task_id of the video it reports\.$/],
		['no task id', '{"success":true}', { 'content-type': 'application/json' }, /no valid task_id/],
		['an odd task id', '{"task_id":"../../etc"}', { 'content-type': 'application/json' }, /no valid task_id/],
		['too large', JSON.stringify({ task_id: 'abcdefgh', pad: 'x'.repeat(70_000) }), { 'content-type': 'application/json' }, /too large/],
		['nested too deeply', `{"task_id":"abcdefgh","a":${'['.repeat(40)}${']'.repeat(40)}}`, { 'content-type': 'application/json' }, /nested too deeply/],
	])('a body that is %s gets 400 and starts nothing', async (_, body, headers, message) => {
		const url = activeTrigger();
		const answer = await post(url, body, headers);
		expect(answer.status).toBe(400);
		expect(answer.json.message).toMatch(message);
		expect(n8n.started).toHaveLength(0);
		expect(sim.counts.retrieve).toBe(0);
	});

	test('a JSON body sent without a JSON content type is still read', async () => {
		const url = activeTrigger();
		const { taskId, body } = await finishedTask();
		const answer = await post(url, JSON.stringify(body), { 'content-type': 'text/plain' });
		expect(answer.status).toBe(200);
		expect(n8n.started[0].json[0].taskId).toBe(taskId);
	});

	test('Simplify off: the API\'s own final result, not the body', async () => {
		const url = activeTrigger({ simplify: false });
		const { taskId, body } = await finishedTask();
		body.extra = 'injected';
		await post(url, body);
		expect(n8n.started[0].json[0]).toEqual(sim.finalResult(taskId));
	});

	test('without a credential the body is used as is and marked unverified', async () => {
		const url = activeTrigger({}, { noCredential: true });
		const { taskId, body } = await finishedTask();
		await post(url, body);
		expect(n8n.started[0].json[0]).toMatchObject({ taskId, state: 'succeeded', verified: false });
		expect(sim.counts.retrieve).toBe(0);
		// The item says why, and what to change.
		expect(n8n.started[0].json[0].notVerified).toMatch(/^No Hailuo API credential is chosen in the Hailuo Trigger.*Choose a credential in the trigger\.$/);
	});

	test("with 'Verify With the API' off the item says so; a verified item carries no such note", async () => {
		const off = activeTrigger({ verify: false });
		const first = await finishedTask();
		await post(off, first.body);
		expect(n8n.started[0].json[0]).toMatchObject({ taskId: first.taskId, verified: false });
		expect(n8n.started[0].json[0].notVerified).toMatch(/^'Verify With the API' is off/);
		const on = activeTrigger();
		const second = await finishedTask();
		await post(on, second.body);
		expect(n8n.started[1].json[0]).toMatchObject({ taskId: second.taskId, verified: true });
		expect(n8n.started[1].json[0].notVerified).toBeUndefined();
	});

	test('a JSON callback sent with a form content type (curl -d) is read', async () => {
		const url = activeTrigger();
		const { taskId, body } = await finishedTask();
		const answer = await post(url, JSON.stringify(body), { 'content-type': 'application/x-www-form-urlencoded' });
		expect(answer.json).toMatchObject({ accepted: true, started: true, taskId });
	});

	test('a secret with "+", "&", "%" or spaces matches percent-encoded; "+" and "%" also as typed', async () => {
		for (const secret of ['a+b', 'x&y=z', '50%off', 'with space', 'ü+€']) {
			const url = activeTrigger({ secret });
			const { taskId, body } = await finishedTask(`secret ${secret}`);
			expect((await post(`${url}?secret=${encodeURIComponent(secret)}`, body)).json).toMatchObject({ started: true, taskId });
			expect((await post(`${url}?secret=${encodeURIComponent(secret)}x`, body)).status).toBe(401);
		}
		for (const secret of ['a+b', '50%off']) {
			const url = activeTrigger({ secret });
			const { taskId, body } = await finishedTask(`typed ${secret}`);
			expect((await post(`${url}?secret=${secret}`, body)).json).toMatchObject({ started: true, taskId });
		}
	});
});
