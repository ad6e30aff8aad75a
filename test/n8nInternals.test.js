/**
 * What the package borrows from n8n's internals is read in one module
 * (transport/n8nInternals.ts), and the package still keeps its promises with
 * each of them absent: the Retry's execution, the node's run index, the
 * execution's custom data, a webhook's raw body, the stored byte count,
 * n8n's "not registered" answer, a sleep that wakes on abort. Through
 * n8n-core's engine and the simulator where the behaviour is the node's.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { createSimulator } = require('./simulator/simulator');
const { Instance, hailuoWorkflow, loopWorkflow, useMemoryDeduplication, withNodeContext } = require('./harness/n8n');
const { TOKEN, textToVideo } = require('./harness/fixtures');
const triggers = require('./harness/triggers');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist/nodes/Hailuo');
const internals = require(path.join(DIST, 'transport/n8nInternals.js'));

const sim = createSimulator({ token: TOKEN, generationMs: 300 });
let n8n;

beforeAll(async () => {
	await sim.start();
	await useMemoryDeduplication();
});
afterAll(async () => {
	await n8n?.close();
	await sim.stop();
});
beforeEach(async () => {
	sim.resetCounts();
	await n8n?.close();
	n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
	await n8n.listen();
});

const created = () => sim.log.filter((e) => e.kind === 'submit');

test('every use of an n8n internal is in transport/n8nInternals.ts and nowhere else', () => {
	const marks = [/retryOf/, /\$runIndex/, /customData/, /\brawBody\b/, /getBinaryMetadata/, /'@tool'/, /'@version'/, /is not registered/, /\bsleep\([^)]*,/];
	const sources = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
	const found = [];
	for (const file of sources(path.join(ROOT, 'nodes'))) {
		const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
		for (const mark of marks) if (mark.test(code)) found.push(`${path.relative(ROOT, file)} ${mark}`);
	}
	expect(found.filter((f) => !f.startsWith('nodes/Hailuo/transport/n8nInternals.ts'))).toEqual([]);
	expect(found.length).toBeGreaterThanOrEqual(marks.length - 1);
});

test("no Retry's execution (n8n 1.x): a Retry after a kill refuses the item it sent and sends the one it never sent", async () => {
	sim.inject({ on: 'submit', kind: 'status', status: 403, code: 'used_up', skip: 1 });
	const first = await n8n.run(hailuoWorkflow(n8n, { parameters: textToVideo({}, { concurrency: 1 }), items: [{ prompt: 'one' }, { prompt: 'two' }] }), 'Items');
	expect(first.status).toBe('error');
	const retried = await n8n.retry(first.executionId, { afterKill: true, saysRetryOf: false });
	expect(retried.error.message).toMatch(/^Item 1 was already sent to the Hailuo API/);
	expect(created().map((e) => e.body.prompt)).toEqual(['one', 'two']);
});

test('no run index: a loop\'s later pass with the same request is refused as already sent, never paid twice', async () => {
	const { WorkflowDataProxy } = require('n8n-workflow');
	const original = WorkflowDataProxy.prototype.getDataProxy;
	WorkflowDataProxy.prototype.getDataProxy = function (...args) {
		const proxy = original.apply(this, args);
		return this.activeNodeName === 'Hailuo' ? new Proxy(proxy, { get: (target, key) => (key === '$runIndex' ? undefined : target[key]) }) : proxy;
	};
	try {
		const run = await n8n.run(loopWorkflow(n8n, { parameters: textToVideo({}), items: [{ prompt: 'a fox in a loop' }], passes: 3 }), 'Items');
		expect(run.error.message).toMatch(/^Item 1 was already sent to the Hailuo API by an earlier run of this execution/);
		expect(created()).toHaveLength(1);
	} finally {
		WorkflowDataProxy.prototype.getDataProxy = original;
	}
});

test("no custom data at all: Pause Until Callback is refused before anything is paid", async () => {
	const { WorkflowDataProxy } = require('n8n-workflow');
	const original = WorkflowDataProxy.prototype.getDataProxy;
	WorkflowDataProxy.prototype.getDataProxy = function (...args) {
		const proxy = original.apply(this, args);
		return new Proxy(proxy, { get: (target, key) => (key === '$execution' ? {} : target[key]) });
	};
	try {
		await withNodeContext('customData', { get: () => undefined }, async () => {
			const run = await n8n.run(hailuoWorkflow(n8n, { parameters: textToVideo({ completion: 'pauseUntilCallback' }), items: [{ prompt: 'paused' }] }), 'Items');
			expect(run.error.message).toBe('Pause Until Callback needs n8n 1.123 or newer');
			expect(created()).toHaveLength(0);
		});
	} finally {
		WorkflowDataProxy.prototype.getDataProxy = original;
	}
});

describe('no raw body on webhook requests', () => {
	beforeEach(() => (n8n.rawBodyAbsent = true));

	test('a callback is read from the parsed body, verified and delivered once; a second copy is a duplicate', async () => {
		const { url } = triggers.activeTrigger(n8n);
		const submitted = await n8n.run(hailuoWorkflow(n8n, { parameters: textToVideo({ completion: 'submitOnly' }), items: [{ prompt: 'raw body absent' }] }), 'Items');
		const [{ taskId }] = submitted.json;
		sim.finishNow(taskId);
		const body = sim.finalResult(taskId);
		expect((await triggers.post(url, body)).json).toMatchObject({ accepted: true, started: true, taskId });
		expect((await triggers.post(url, body)).json).toMatchObject({ started: false, reason: 'duplicate callback' });
		expect(n8n.started).toHaveLength(1);
	});

	test('a body over 64 KB is still refused, by its Content-Length', async () => {
		const { url } = triggers.activeTrigger(n8n);
		const answer = await triggers.post(url, { task_id: '05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60', padding: 'x'.repeat(70_000) });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toMatch(/Body too large/);
	});
});

test('no byte count on stored binary data (n8n 1.x): the size comes from the file metadata', async () => {
	const asked = [];
	const ctx = { helpers: { getBinaryMetadata: async (id) => (asked.push(id), { fileSize: 1234 }) } };
	expect(await internals.storedBytes(ctx, { id: 'filesystem-v2:abc', data: '', mimeType: 'video/mp4' })).toBe(1234);
	expect(asked).toEqual(['filesystem-v2:abc']);
	expect(await internals.storedBytes(ctx, { bytes: 99, id: 'x', data: '', mimeType: 'video/mp4' })).toBe(99);
	expect(await internals.storedBytes(ctx, { data: Buffer.from('12345').toString('base64'), mimeType: 'video/mp4' })).toBe(5);
});

test("n8n's \"not registered\" worded otherwise: a Hailuo Trigger's URL is not refused for it (the run goes on, logged)", async () => {
	const server = http.createServer((req, res) => {
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ code: 404, message: 'Webhook not found' }));
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	try {
		const ids = await triggers.submitWithCallback(n8n, `http://127.0.0.1:${server.address().port}/webhook/abc/hailuo`, ['worded otherwise']);
		expect(ids).toHaveLength(1);
		expect(internals.saysNotRegistered(404, { message: 'The requested webhook "POST abc/hailuo" is not registered.' })).toBe(true);
		expect(internals.saysNotRegistered(404, { message: 'Webhook not found' })).toBe(false);
	} finally {
		server.close();
	}
});

test('a sleep that ignores the abort signal (n8n 1.x): a cancelled wait still ends as cancelled once it runs out', async () => {
	const workflow = require('n8n-workflow');
	const { sleepOrCancel } = require(path.join(DIST, 'transport/hailuoClient.js'));
	const original = workflow.sleep;
	Object.defineProperty(workflow, 'sleep', { configurable: true, writable: true, value: async (ms) => await new Promise((r) => setTimeout(r, ms)) });
	try {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 20);
		const started = Date.now();
		await expect(sleepOrCancel({ getNode: () => ({ name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' }) }, 300, controller.signal)).rejects.toThrow(/cancel/i);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	} finally {
		Object.defineProperty(workflow, 'sleep', { configurable: true, writable: true, value: original });
	}
});
