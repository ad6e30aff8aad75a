/**
 * End to end in a real n8n (N8N_VERSION, else the pinned version; installed
 * once and cached): the package loaded under its real type names, the
 * simulator as the API, every scenario driven over HTTP and checked on n8n's
 * own executions and on the simulator's request counts.
 *
 * Scenarios named "[lines]" use n8n APIs that differ between the 1.x and 2.x
 * lines (custom data, resume URLs, webhook responses and static data, binary
 * data): HAILUO_E2E_SUBSET=lines runs only those (the version matrix does so on
 * every version but the pinned one). `jest -t "\[lines\]"` selects the same.
 */
const fs = require('node:fs');
const { request } = require('undici');
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator, freePort } = require('./instance');
const { generateWorkflow, triggerWorkflow } = require('./workflows');
const { waitFor } = require('../harness/wait');

const TOKEN = 'sk-e2e-simulator-token-7d3a';
const sim = createSimulator({ token: TOKEN, generationMs: 2000, videoSize: 512 * 1024 });
let n8n;
let credentialId;

beforeAll(async () => {
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN));
}, 2_400_000); // a cold install of n8n took up to 20 min on a loaded machine

afterAll(async () => {
	await n8n?.destroy();
	await sim.stop();
});

beforeEach(() => {
	sim.resetCounts();
	sim.set({ generationMs: 2000, duplicateCallbacks: 0, rateLimitPerSecond: 0, retryAfterSeconds: null });
});

let paths = 0;
/** Creates and activates Start(webhook) -> Prompts -> Hailuo; returns a function that runs it. */
async function generator(parameters, credential = credentialId) {
	const path = `e2e-${++paths}`;
	const id = await n8n.createWorkflow(generateWorkflow(`Hailuo e2e ${path}`, path, credential, parameters));
	await n8n.activate(id, [path]);
	return {
		id,
		start: async (prompts) => {
			const answer = await n8n.post(`/webhook/${path}`, { prompts });
			expect(answer.status).toBe(200);
		},
	};
}

async function finishedExecutions(workflowId, count, timeoutMs = 60_000) {
	let executions = [];
	await waitFor(
		async () => {
			executions = (await n8n.executions(workflowId)).filter((e) => e.finished || ['error', 'success', 'crashed'].includes(e.status));
			return executions.length >= count;
		},
		timeoutMs,
		`${count} finished execution(s)`,
	);
	return executions;
}

const hailuoOutput = (execution) => execution.data.resultData.runData.Hailuo.at(-1).data.main[0];

const SUBSET = process.env.HAILUO_E2E_SUBSET;
if (SUBSET !== undefined && SUBSET !== '' && SUBSET !== 'lines') throw new Error(`HAILUO_E2E_SUBSET: unknown subset "${SUBSET}" (only "lines")`);
/** A scenario whose n8n APIs differ between lines: always runs. */
const linesTest = (name, fn, timeout) => test(`[lines] ${name}`, fn, timeout);
/** A scenario of the package's own logic, the same on every line: skipped in the "lines" subset. */
const fullTest = SUBSET === 'lines' ? test.skip : test;

async function waitingExecution(workflowId) {
	let waiting;
	await waitFor(async () => {
		[waiting] = await n8n.executions(workflowId, { status: 'waiting' });
		return waiting !== undefined;
	}, 20_000, 'a waiting execution');
	return waiting;
}

describe('in a real n8n', () => {
	linesTest("0. the credential's Test button: OK with a good token; a refused token, a used-up balance and an unreachable server each told apart", async () => {
		expect(await n8n.testCredential(credentialId, { apiToken: TOKEN, baseUrl: sim.url })).toMatchObject({ status: 'OK' });
		const wrong = await n8n.testCredential(credentialId, { apiToken: 'wrong-token', baseUrl: sim.url });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toContain('The Hailuo API rejected the token (invalid_token)');
		sim.inject({ on: 'tasks', kind: 'status', status: 403, code: 'used_up', times: 1 });
		const usedUp = await n8n.testCredential(credentialId, { apiToken: TOKEN, baseUrl: sim.url });
		expect(usedUp).toMatchObject({ status: 'Error', message: expect.stringContaining("The account's balance is used up (used_up)") });
		const closed = await freePort();
		const unreachable = await n8n.testCredential(credentialId, { apiToken: TOKEN, baseUrl: `http://127.0.0.1:${closed}` });
		expect(unreachable.status).toBe('Error');
		// n8n's own words for a network failure: the code on 2.x, a sentence on 1.x.
		expect(unreachable.message).toMatch(n8n.major >= 2 ? /^ECONNREFUSED$/ : /refused the connection/);
		expect(unreachable.message).not.toContain('token');
		expect(sim.counts.submit).toBe(0);
	});

	fullTest('1. several prompts with Poll: one output per input, in order, one status request per round', async () => {
		const wf = await generator({ options: { pollInterval: 1, timeout: 60 } });
		const prompts = ['first fox', 'second fox', 'third fox'];
		await wf.start(prompts);
		const [execution] = await finishedExecutions(wf.id, 1);
		expect(execution.status).toBe('success');
		const items = hailuoOutput(execution);
		expect(items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(items.every((i) => i.json.state === 'succeeded' && i.json.videoUrl.startsWith(sim.url))).toBe(true);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.counts.submit).toBe(3);
		const rounds = sim.log.filter((e) => e.kind === 'retrieveBatch');
		expect(rounds[0].ids).toHaveLength(3);
		expect(sim.counts.retrieve).toBe(0);
		expect(rounds.length).toBeLessThanOrEqual(4);
	});

	linesTest('2. Pause Until Callback: waits, survives a restart, refuses an unsigned resume, resumes on the callback', async () => {
		// Long enough that the API's own callback cannot come during a slow restart: finishNow() sends it.
		sim.set({ generationMs: 300_000 });
		const wf = await generator({ completion: 'pauseUntilCallback', options: { timeout: 600 } });
		await wf.start(['paused fox']);
		const waiting = await waitingExecution(wf.id);
		expect(sim.counts.submit).toBe(1);
		const { taskId, body } = sim.log.find((e) => e.kind === 'submit');

		// 2.x signs resume URLs and answers 401 without the signature; 1.x does not
		// sign them, so there the node itself refuses: the API says the task runs.
		const unsigned = new URL(body.callback_url);
		unsigned.searchParams.delete('signature');
		expect(unsigned.pathname).toBe(`/webhook-waiting/${waiting.id}`);
		const forged = await n8n.post(`${unsigned.pathname}${unsigned.search}`, sim.finalResult(taskId));
		expect(forged.status).toBe(n8n.major >= 2 ? 401 : 409);

		await n8n.restart();
		expect((await n8n.executions(wf.id, { status: 'waiting' })).map((e) => e.id)).toEqual([waiting.id]);

		sim.finishNow(taskId);
		await waitFor(async () => (await n8n.executions(wf.id, { status: 'success' })).length === 1, 30_000, 'the resumed execution');
		const [execution] = await n8n.executions(wf.id, { status: 'success' });
		expect(execution.id).toBe(waiting.id);
		const [item] = hailuoOutput(execution);
		expect(item.json).toMatchObject({ taskId, state: 'succeeded', videoUrl: `${sim.url}/cdn/${taskId}.mp4` });
		expect(sim.counts.retrieveBatch).toBe(0);
		expect(sim.counts.submit).toBe(1);
	}, 180_000);

	linesTest('2b. Pause Until Callback past its time limit: the execution goes on, the task id is in its custom data and the log', async () => {
		// No callback comes within the limit: generation takes far longer.
		sim.set({ generationMs: 600_000 });
		const wf = await generator({ completion: 'pauseUntilCallback', options: { timeout: 2 } });
		await wf.start(['late fox']);
		const waiting = await waitingExecution(wf.id);
		const { taskId } = sim.log.find((e) => e.kind === 'submit');
		// n8n looks for due executions every 60 s.
		await waitFor(async () => (await n8n.executions(wf.id, { status: 'success' })).length === 1, 100_000, 'the execution after its time limit');
		const execution = await n8n.execution(waiting.id);
		expect(execution.status).toBe('success');
		expect(hailuoOutput(execution).map((i) => i.json)).toEqual([{ prompt: 'late fox' }]);
		expect(await n8n.customData(waiting.id)).toMatchObject({ hailuoTaskId: taskId });
		expect(fs.readFileSync(n8n.logFile, 'utf8')).toContain(taskId);
		expect(sim.counts.submit).toBe(1);
	}, 150_000);

	linesTest('3. Submit-only to an active Hailuo Trigger: one execution per task; duplicates and forgeries start nothing', async () => {
		sim.set({ duplicateCallbacks: 1 });
		const webhookId = 'hailuo-e2e-trigger';
		const triggerId = await n8n.createWorkflow(triggerWorkflow('Hailuo Trigger e2e', webhookId, credentialId, { secret: 's3cret' }));
		await n8n.activate(triggerId, [`${webhookId}/hailuo`]);
		const triggerUrl = `${n8n.url}/webhook/${webhookId}/hailuo`;

		const wf = await generator({ completion: 'submitOnly', options: { callbackUrl: `${triggerUrl}?secret=s3cret` } });
		await wf.start(['cb one', 'cb two', '[fail] cb three']);
		await finishedExecutions(wf.id, 1);
		const submitted = sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);
		expect(submitted).toHaveLength(3);

		await waitFor(() => sim.counts.callbacks === 6, 20_000, 'six deliveries (three duplicated)');
		const executions = await finishedExecutions(triggerId, 3);
		await new Promise((r) => setTimeout(r, 1500));
		const all = await n8n.executions(triggerId);
		expect(all).toHaveLength(3);
		const delivered = all.map((e) => e.data.resultData.runData['Hailuo Trigger'][0].data.main[0][0].json);
		expect(delivered.map((j) => j.taskId).sort()).toEqual([...submitted].sort());
		expect(delivered.filter((j) => j.state === 'failed')).toHaveLength(1);
		expect(delivered.every((j) => j.verified === true)).toBe(true);
		expect(executions.every((e) => e.status === 'success')).toBe(true);

		// A finished task this trigger has never heard of: the forgery cannot pass as a repeat.
		const quiet = await generator({ completion: 'submitOnly' });
		await quiet.start(['never called back']);
		await finishedExecutions(quiet.id, 1);
		const unseen = sim.log.filter((e) => e.kind === 'submit').at(-1).taskId;
		sim.finishNow(unseen);
		const genuine = sim.finalResult(unseen);
		expect((await n8n.post(`/webhook/${webhookId}/hailuo?secret=wrong`, genuine)).status).toBe(401);
		const forged = { ...genuine, data: [{ ...genuine.data[0], video_url: 'https://evil.example/x.mp4' }] };
		const answer = await n8n.post(`/webhook/${webhookId}/hailuo?secret=s3cret`, forged);
		expect(answer.status).toBe(400);
		await new Promise((r) => setTimeout(r, 1000));
		expect(await n8n.executions(triggerId)).toHaveLength(3);
	}, 120_000);

	linesTest('4. Download Video: the binary in the execution is byte-identical to the file served', async () => {
		const wf = await generator({ download: true, options: { pollInterval: 1, timeout: 60 } });
		await wf.start(['download me']);
		const [execution] = await finishedExecutions(wf.id, 1);
		expect(execution.status).toBe('success');
		const [item] = hailuoOutput(execution);
		expect(item.binary.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${item.json.taskId}.mp4` });
		// 2.x records the exact size as `bytes`; 1.x only a rounded `fileSize` text.
		if (n8n.major >= 2) expect(item.binary.data.bytes).toBe(512 * 1024);
		else expect(item.binary.data.fileSize).toBe('524 kB');
		const file = await request(`${n8n.url}/rest/binary-data?id=${encodeURIComponent(item.binary.data.id)}&action=download`, {
			headers: { cookie: n8n.cookie },
		});
		expect(file.statusCode).toBe(200);
		const bytes = Buffer.from(await file.body.arrayBuffer());
		expect(bytes.equals(sim.videoBytes(item.json.taskId))).toBe(true);
	}, 60_000);

	fullTest('5a. a failing task ends as the README says: a "failed" item, the execution succeeds', async () => {
		const wf = await generator({ options: { pollInterval: 1, timeout: 60 } });
		await wf.start(['[fail] refused']);
		const [execution] = await finishedExecutions(wf.id, 1);
		expect(execution.status).toBe('success');
		expect(hailuoOutput(execution)[0].json).toMatchObject({ state: 'failed', error: { code: 'generation_failed' } });
	});

	fullTest('5b. a wrong token: the execution fails with the token message, nothing is submitted', async () => {
		const { id: badCredential } = await n8n.createCredential({ apiToken: 'wrong-token', baseUrl: sim.url }, 'Hailuo API (wrong)');
		const wf = await generator({ options: { pollInterval: 1 } }, badCredential);
		await wf.start(['nope']);
		const [execution] = await finishedExecutions(wf.id, 1);
		expect(execution.status).toBe('error');
		expect(execution.data.resultData.error.message).toBe('The Hailuo API rejected the token (invalid_token)');
		expect(JSON.stringify(execution)).not.toContain('wrong-token');
		expect(sim.counts.submit).toBe(0);
	});

	fullTest('5c. a 429 burst is absorbed by backoff: every video made once', async () => {
		sim.set({ rateLimitPerSecond: 2, retryAfterSeconds: 1, generationMs: 1000 });
		const wf = await generator({ options: { pollInterval: 1, timeout: 120, concurrency: 5 } });
		const prompts = Array.from({ length: 6 }, (_, i) => `burst ${i}`);
		await wf.start(prompts);
		const [execution] = await finishedExecutions(wf.id, 1, 120_000);
		expect(execution.status).toBe('success');
		expect(hailuoOutput(execution).map((i) => i.json.state)).toEqual(prompts.map(() => 'succeeded'));
		expect(sim.counts.rateLimited).toBeGreaterThan(0);
		expect(sim.counts.submit).toBe(6);
	}, 150_000);
});
