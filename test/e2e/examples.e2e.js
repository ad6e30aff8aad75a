/**
 * The shipped examples (examples/*.json) in a real n8n (N8N_VERSION, else the
 * pinned one), on every line ("[lines]"):
 * - each imports as shipped through the public API: n8n knows every node type
 *   at its version (its own /types/nodes.json), keeps every node, parameter,
 *   connection and sticky note, and its own node descriptions drop none of the
 *   parameters (n8n-workflow's getNodeParameters, as the editor opens a node);
 * - set up as their sticky notes say (credential, host, the same secret on
 *   both sides), the receivers listen where the sender calls back, and the pair
 *   delivers every video once, down the IF's true branch, a failed one down
 *   the false branch;
 * - no-public-url.json and generate-and-download.json run, with one failing
 *   prompt each: the video on the true branch, the failure on the false one.
 * Manual and schedule triggers are swapped for a Webhook node of the same name
 * so the test can start them; the Wait of no-public-url.json is shortened.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { NodeHelpers } = require('n8n-workflow');
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator } = require('./instance');
const { settledExecutions } = require('../queue/drive');

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, 'examples');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const TOKEN = 'sk-e2e-examples-token-51c0';
const SECRET = `e2e-${randomUUID().slice(0, 8)}`;
const sim = createSimulator({ token: TOKEN, generationMs: 2000, videoSize: 256 * 1024 });
let n8n;
let credentialId;
/** n8n's node types: "<type>@<version>" -> description. */
let knownTypes;

const load = (file) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
const isNote = (node) => node.type === 'n8n-nodes-base.stickyNote';

/** A Postgres credential for the queue receiver's claim (n8n refuses to publish without one; no callback reaches that node here). */
let postgresCredential;

/** The example with this n8n's Hailuo credential (and a Postgres one where asked for); others are left for the user, as `npm run n8n` does. */
function withCredential(workflow) {
	for (const node of workflow.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			if (type === 'hailuoApi') node.credentials[type].id = credentialId;
			else delete node.credentials[type];
		}
		if (node.credentials && Object.keys(node.credentials).length === 0) delete node.credentials;
		if (node.type === 'n8n-nodes-base.postgres') node.credentials = { postgres: postgresCredential };
	}
	return workflow;
}

/** What the sticky notes say to do: this n8n's address instead of the placeholder host, one secret on both sides. */
function setUpAsTheNotesSay(workflow) {
	for (const node of workflow.nodes) {
		const callbackUrl = node.parameters.options?.callbackUrl;
		if (callbackUrl) {
			const url = new URL(callbackUrl);
			url.searchParams.set('secret', SECRET);
			node.parameters.options.callbackUrl = `${n8n.url}${url.pathname}${url.search}`;
		}
		if (node.type === 'n8n-nodes-hailuo.hailuoTrigger') node.parameters.secret = SECRET;
	}
	return withCredential(workflow);
}

/** Replaces a manual or schedule trigger with a Webhook node of the same name (same connections), started by POST /webhook/<path>. */
function startedByWebhook(workflow, triggerName) {
	const at = workflow.nodes.findIndex((n) => n.name === triggerName);
	const old = workflow.nodes[at];
	const webhookPath = `examples-${randomUUID().slice(0, 8)}`;
	workflow.nodes[at] = {
		id: old.id,
		name: old.name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: old.position,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	};
	return webhookPath;
}

/** Makes the prompt that contains `text` one the simulator fails. */
function failOnePrompt(workflow, text) {
	const code = workflow.nodes.find((n) => n.name === 'Prompts');
	expect(code.parameters.jsCode).toContain(text);
	code.parameters.jsCode = code.parameters.jsCode.replace(text, `${text} [fail]`);
}

/** The items a node put out on each of its outputs in an execution (none when it did not run). */
function itemsOf(execution, name) {
	const run = execution.data.resultData.runData[name]?.at(-1);
	return (run?.data?.main ?? []).map((items) => (items ?? []).map((i) => i.json));
}

/** A description's parameters that n8n keeps for a node, as the editor does when it opens it. */
function droppedParameters(node, description) {
	const kept = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
	const dropped = [];
	for (const [name, value] of Object.entries(node.parameters)) {
		if (!(name in (kept ?? {}))) {
			dropped.push(name);
			continue;
		}
		const property = description.properties.find((p) => p.name === name && p.type === 'collection');
		if (property && value && typeof value === 'object') {
			for (const key of Object.keys(value)) if (!(key in (kept[name] ?? {}))) dropped.push(`${name}.${key}`);
		}
	}
	return dropped;
}

beforeAll(async () => {
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN));
	// The editor's API (the public one wants every SSH field on 1.123).
	const { data: postgres } = await n8n.rest('POST', '/rest/credentials', {
		name: 'Postgres (unused)',
		type: 'postgres',
		data: { host: '127.0.0.1', port: 5432, database: 'n8n', user: 'n8n', password: 'unused' },
	});
	postgresCredential = { id: postgres.id, name: postgres.name };
	const types = await n8n.rest('GET', '/types/nodes.json');
	knownTypes = new Map();
	for (const description of types) for (const version of [].concat(description.version)) knownTypes.set(`${description.name}@${version}`, description);
}, 2_400_000);

afterAll(async () => {
	await n8n?.destroy();
	await sim.stop();
});

beforeEach(() => {
	sim.resetCounts();
});

describe('every example imports as shipped', () => {
	test.each(FILES)('[lines] %s: n8n knows every node type at its version and keeps every node, parameter, connection and sticky note', async (file) => {
		const shipped = load(file);
		const id = await n8n.createWorkflow(withCredential(load(file)));
		const stored = await n8n.api('GET', `/workflows/${id}`);

		const unknown = shipped.nodes.filter((n) => !knownTypes.has(`${n.type}@${n.typeVersion}`)).map((n) => `${n.name}: ${n.type} v${n.typeVersion}`);
		expect({ file, n8n: n8n.version, unknown }).toEqual({ file, n8n: n8n.version, unknown: [] });

		expect(stored.name).toBe(shipped.name);
		const byName = new Map(stored.nodes.map((n) => [n.name, n]));
		expect([...byName.keys()].sort()).toEqual(shipped.nodes.map((n) => n.name).sort());
		for (const node of shipped.nodes) {
			const kept = byName.get(node.name);
			// n8n gives a webhook id to every node with webhooks that has none (the Hailuo node's pause): kept where the example sets one.
			expect({ node: node.name, type: kept.type, typeVersion: kept.typeVersion, webhookId: node.webhookId && kept.webhookId }).toEqual({
				node: node.name,
				type: node.type,
				typeVersion: node.typeVersion,
				webhookId: node.webhookId,
			});
			expect({ node: node.name, parameters: kept.parameters }).toEqual({ node: node.name, parameters: node.parameters });
		}
		expect(stored.connections).toEqual(shipped.connections);
		expect(stored.nodes.filter(isNote).length).toBeGreaterThanOrEqual(1);

		// This n8n's own descriptions of each node (its version of n8n-nodes-base and the package) drop nothing.
		const dropped = shipped.nodes
			.filter((n) => !isNote(n))
			.flatMap((n) => droppedParameters(n, knownTypes.get(`${n.type}@${n.typeVersion}`)).map((p) => `${n.name}: ${p}`));
		expect({ file, n8n: n8n.version, dropped }).toEqual({ file, n8n: n8n.version, dropped: [] });
	});
});

describe('the sender and the receivers, set up as their notes say', () => {
	const sender = () => load('submit-nightly-batch.json');
	const callbackPath = () => new URL(sender().nodes.find((n) => n.parameters.options?.callbackUrl).parameters.options.callbackUrl).pathname;

	test.each(['receive-finished-videos.json', 'receive-finished-videos-queue.json'])(
		"[lines] %s, published, answers at the sender's callback path: a wrong secret is refused (401), the right one reaches the trigger",
		async (file) => {
			const id = await n8n.createWorkflow(setUpAsTheNotesSay(load(file)));
			await n8n.activate(id, [callbackPath().replace(/^\/webhook\//, '')]);
			try {
				const wrong = await n8n.post(`${callbackPath()}?secret=change-me`, { task_id: randomUUID() });
				expect(wrong.status).toBe(401);
				// A task the API does not know: the trigger read it and refused it, nothing started.
				const unknown = await n8n.post(`${callbackPath()}?secret=${SECRET}`, { task_id: randomUUID() });
				expect({ status: unknown.status, started: unknown.json?.started ?? false }).toEqual({ status: 400, started: false });
			} finally {
				await n8n.api('POST', `/workflows/${id}/deactivate`);
			}
		},
	);

	test("[lines] submit-nightly-batch.json into receive-finished-videos.json: each video starts the receiver once, succeeded down the true branch, failed down the false", async () => {
		const receiver = setUpAsTheNotesSay(load('receive-finished-videos.json'));
		const receiverId = await n8n.createWorkflow(receiver);
		await n8n.activate(receiverId, [callbackPath().replace(/^\/webhook\//, '')]);
		try {
			const workflow = setUpAsTheNotesSay(sender());
			const start = startedByWebhook(workflow, 'Every night at 02:00');
			failOnePrompt(workflow, 'a koi pond in the rain');
			const senderId = await n8n.createWorkflow(workflow);
			await n8n.activate(senderId, [start]);
			expect((await n8n.post(`/webhook/${start}`, {})).status).toBe(200);

			const [sent] = await settledExecutions(n8n, senderId);
			expect(sent.status).toBe('success');
			const submitted = itemsOf(sent, 'Hailuo: submit')[0];
			expect(submitted.map((i) => i.state)).toEqual(['pending', 'pending', 'pending']);
			expect(sim.counts.submit).toBe(3);

			let received = [];
			await waitUntil(async () => (received = (await n8n.executions(receiverId)).filter((e) => e.finished || e.status === 'success' || e.status === 'error')).length >= 3, 60_000);
			received = await settledExecutions(n8n, receiverId);
			const outcome = received.map((e) => {
				const [task] = itemsOf(e, 'Hailuo Trigger')[0];
				const [yes = [], no = []] = itemsOf(e, 'Succeeded?');
				return { taskId: task.taskId, state: task.state, branch: yes.length ? 'true' : no.length ? 'false' : 'none', downloaded: itemsOf(e, 'Download the video')[0]?.length ?? 0 };
			});
			expect(outcome.map((o) => o.taskId).sort()).toEqual(submitted.map((i) => i.taskId).sort());
			expect(outcome.filter((o) => o.state === 'succeeded').map((o) => [o.branch, o.downloaded])).toEqual([
				['true', 1],
				['true', 1],
			]);
			expect(outcome.filter((o) => o.state === 'failed').map((o) => o.branch)).toEqual(['false']);
			expect(received.filter((e) => itemsOf(e, 'Video failed or never finished (task id kept)')[0]?.length === 1)).toHaveLength(1);
		} finally {
			await n8n.api('POST', `/workflows/${receiverId}/deactivate`);
		}
	}, 180_000);
});

/** Resolves when `predicate()` holds (polled every 500 ms), or fails after `ms`. */
async function waitUntil(predicate, ms) {
	const end = Date.now() + ms;
	while (!(await predicate())) {
		if (Date.now() > end) throw new Error(`not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** Runs an example from its (swapped) trigger and returns its one execution. */
async function runOnce(workflow, triggerName) {
	const start = startedByWebhook(workflow, triggerName);
	const id = await n8n.createWorkflow(workflow);
	await n8n.activate(id, [start]);
	try {
		expect((await n8n.post(`/webhook/${start}`, {})).status).toBe(200);
		let done = [];
		await waitUntil(async () => (done = (await n8n.executions(id)).filter((e) => ['success', 'error', 'crashed'].includes(e.status))).length > 0, 120_000);
		return done[0];
	} finally {
		await n8n.api('POST', `/workflows/${id}/deactivate`);
	}
}

test('[lines] no-public-url.json runs: submitted at once, the Wait, Task > Wait on the task ids, the video down the true branch and a failed one down the false', async () => {
	const workflow = withCredential(load('no-public-url.json'));
	// The example waits 3 minutes; 3 s here (a wait under 65 s stays in the process, a longer one is stored: both resume the same way).
	const wait = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.wait');
	Object.assign(wait.parameters, { amount: 3, unit: 'seconds' });
	failOnePrompt(workflow, 'a cyclist passes');
	const execution = await runOnce(workflow, "When clicking 'Execute workflow'");
	expect(execution.status).toBe('success');
	expect(itemsOf(execution, 'Hailuo: submit')[0].map((i) => i.state)).toEqual(['pending', 'pending']);
	const [ready] = itemsOf(execution, 'Use the video');
	const [notReady] = itemsOf(execution, 'Video not ready (task id kept)');
	expect(ready.map((i) => [i.state, typeof i.videoUrl])).toEqual([['succeeded', 'string']]);
	expect(notReady.map((i) => [i.state, typeof i.taskId])).toEqual([['failed', 'string']]);
	expect(sim.counts.submit).toBe(2);
}, 180_000);

test('[lines] generate-and-pause.json runs: the video comes through the callback; when the callback never comes, past the Timeout the task is read by the id in custom data and the video still comes', async () => {
	const prompt = (workflow) => workflow.nodes.find((n) => n.name === 'Prompt').parameters.assignments.assignments[0];
	const called = withCredential(load('generate-and-pause.json'));
	const normal = await runOnce(called, "When clicking 'Execute workflow'");
	expect(normal.status).toBe('success');
	const [[viaCallback]] = itemsOf(normal, 'Use the video');
	expect(viaCallback).toMatchObject({ state: 'succeeded' });
	expect(itemsOf(normal, 'Hailuo: read the task')).toEqual([]);

	// The API never calls back; the Timeout is 2 s instead of 1800 (n8n looks for due executions every 60 s).
	const lost = withCredential(load('generate-and-pause.json'));
	prompt(lost).value = `${prompt(lost).value} [no-callback]`;
	lost.nodes.find((n) => n.name === 'Hailuo').parameters.options.timeout = 2;
	const late = await runOnce(lost, "When clicking 'Execute workflow'");
	expect({ status: late.status, error: late.data.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
	const [submitted] = sim.log.filter((e) => e.kind === 'submit').slice(-1);
	expect(itemsOf(late, 'Hailuo')[0]).toEqual([{ prompt: prompt(lost).value }]);
	expect(itemsOf(late, 'Use the video')).toHaveLength(1);
	const [[collected]] = itemsOf(late, 'Use the video');
	expect(collected).toMatchObject({ taskId: submitted.taskId, state: 'succeeded', videoUrl: `${sim.url}/cdn/${submitted.taskId}.mp4` });
	expect(itemsOf(late, 'No video (failed, or not finished)')).toEqual([]);
	expect(sim.counts.submit).toBe(2);
}, 300_000);

test('[lines] generate-and-download.json runs: the downloaded video down the true branch, a failed one down the false', async () => {
	const workflow = withCredential(load('generate-and-download.json'));
	failOnePrompt(workflow, 'A lighthouse in a storm');
	const execution = await runOnce(workflow, "When clicking 'Execute workflow'");
	expect(execution.status).toBe('success');
	const run = execution.data.resultData.runData['Use the video files']?.at(-1);
	expect(run.data.main[0].map((i) => [i.json.state, Object.keys(i.binary ?? {})])).toEqual([['succeeded', ['data']]]);
	expect(itemsOf(execution, 'Video not ready (task id kept)')[0].map((i) => i.state)).toEqual(['failed']);
}, 180_000);
