/**
 * A Callback URL that cannot deliver is refused before anything is paid:
 * placeholders in every spelling, a test URL in a production run, and a
 * Hailuo Trigger's URL that its n8n says nobody listens on or whose secret it
 * refuses (asked once per URL and run). What cannot be told for sure (no
 * answer) refuses nothing. Through n8n-core's engine, the in-process webhook
 * layer and the simulator.
 */
const http = require('node:http');
const { useInstance, textToVideo } = require('./harness/fixtures');
const { hailuoWorkflow } = require('./harness/n8n');
const triggers = require('./harness/triggers');

const context = useInstance({ generationMs: 60_000 });
const { sim } = context;

async function submit(callbackUrl, { prompts = ['a fox'], mode, continueOnFail = false } = {}) {
	const wf = hailuoWorkflow(context.n8n, {
		parameters: textToVideo({ completion: 'submitOnly' }, { callbackUrl }),
		items: prompts.map((prompt) => (typeof prompt === 'string' ? { prompt } : prompt)),
		continueOnFail,
	});
	return await context.n8n.run(wf, 'Items', mode ? { mode } : {});
}

/** A server on a loopback port that records what it is sent and answers `reply(body)`. */
async function recordingServer(reply = () => [200, {}]) {
	const bodies = [];
	const server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
		bodies.push({ url: req.url, body });
		const [status, answer] = reply(body);
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(answer));
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { base: `http://127.0.0.1:${server.address().port}`, bodies, close: () => server.close() };
}

describe('Callback URL: what the URL itself shows', () => {
	test.each([
		['a host in capitals, as examples write it', 'https://YOUR-N8N-HOST/webhook/hailuo-videos-done/hailuo?secret=s', /"your-n8n-host" is a placeholder/],
		['example.com', 'https://example.com/webhook/abc/hailuo', /"example.com" is a placeholder/],
		['a subdomain of example.org', 'https://n8n.example.org/webhook/abc/hailuo', /placeholder/],
		['example.net with a trailing dot', 'https://hooks.example.net./cb', /placeholder/],
		['the .example domain', 'https://n8n.example/cb', /placeholder/],
		['the .invalid domain', 'https://n8n.invalid/cb', /placeholder/],
		['a "your-" label', 'https://your-n8n.acme.io/webhook/abc/hailuo', /placeholder/],
		['"yourdomain"', 'https://n8n.yourdomain.com/cb', /placeholder/],
		['a secret left as CHANGE-ME', 'https://n8n.acme.io/webhook/abc/hailuo?secret=CHANGE-ME', /still carries a placeholder/],
		['a secret left as change_me, percent-encoded', 'https://n8n.acme.io/webhook/abc/hailuo?secret=change%5Fme', /still carries a placeholder/],
		['a secret left as YOUR_SECRET', 'https://n8n.acme.io/webhook/abc/hailuo?secret=YOUR_SECRET', /still carries a placeholder/],
	])('%s is refused before anything is paid', async (_, url, message) => {
		const run = await submit(url);
		expect(run.status).toBe('error');
		expect(run.error.message).toMatch(/^Callback URL: /);
		expect(run.error.message).toMatch(message);
		expect(run.error.description).toMatch(/Production URL|Secret/);
		expect(sim.counts.submit).toBe(0);
	});

	test('the nightly example, imported and run as shipped, pays for nothing', async () => {
		const example = require('../examples/submit-nightly-batch.json');
		const { callbackUrl } = example.nodes.find((node) => node.parameters?.options?.callbackUrl).parameters.options;
		const run = await submit(callbackUrl, { prompts: ['one', 'two', 'three'] });
		expect(run.status).toBe('error');
		expect(run.error.message).toMatch(/^Callback URL: .* is a placeholder/);
		expect(sim.counts.submit).toBe(0);
	});

	test('real hosts that merely look alike are not refused', async () => {
		const run = await submit('https://yourls.org/callback', { prompts: ['a', 'b'] });
		expect(run.status).toBe('success');
		expect(sim.counts.submit).toBe(2);
	});

	test('a test URL is refused in a production run (a trigger, a schedule, a webhook, a Retry) and taken in a manual one', async () => {
		const testUrl = 'https://n8n.acme.io/webhook-test/abc/hailuo';
		for (const mode of ['trigger', 'webhook', 'retry']) {
			const run = await submit(testUrl, { mode });
			expect(run.status).toBe('error');
			expect(run.error.message).toMatch(/is a test URL \(\/webhook-test\/\)/);
			expect(run.error.description).toMatch(/Production URL/);
		}
		expect(sim.counts.submit).toBe(0);
		expect((await submit(testUrl)).status).toBe('success');
		expect(sim.counts.submit).toBe(1);
	});
});

describe("Callback URL: a Hailuo Trigger's URL is asked first", () => {
	test('a trigger whose workflow is not published: refused, nothing paid, nothing registered', async () => {
		const run = await submit(`${context.n8n.baseUrl}/webhook/hook-gone/hailuo`, { prompts: ['a', 'b', 'c'] });
		expect(run.status).toBe('error');
		expect(run.error.message).toMatch(/Callback URL: leads to no published Hailuo Trigger/);
		expect(run.error.description).toMatch(/Publish/);
		expect(sim.counts.submit).toBe(0);
	});

	test('a secret the trigger refuses: refused, nothing paid', async () => {
		const { url } = triggers.activeTrigger(context.n8n, { secret: 'right' });
		const run = await submit(`${url}?secret=wrong`);
		expect(run.status).toBe('error');
		expect(run.error.message).toMatch(/its \?secret= is not the trigger's Secret/);
		expect(sim.counts.submit).toBe(0);
	});

	test("the trigger's own URL and secret: submitted and registered; the question changes nothing in the trigger", async () => {
		const { url, wf } = triggers.activeTrigger(context.n8n, { secret: 'right' });
		const ids = await triggers.submitWithCallback(context.n8n, `${url}?secret=right`, ['a', 'b']);
		expect(Object.keys(wf.workflow.staticData['node:Hailuo Trigger'].awaitedTasks).sort()).toEqual([...ids].sort());
		expect(context.n8n.started).toHaveLength(0);
		const before = JSON.stringify(wf.workflow.staticData);
		expect((await triggers.post(`${url}?secret=right`, { hailuoTrigger: 'ping' })).json).toEqual({ hailuoTrigger: 'ready' });
		expect(JSON.stringify(wf.workflow.staticData)).toBe(before);
	});

	test('one question per URL and run, whatever the number of items; Continue On Fail keeps the items of other URLs', async () => {
		const server = await recordingServer((body) => (body.hailuoTrigger === 'ping' ? [404, { message: 'The requested webhook "POST gone/hailuo" is not registered.' }] : [200, {}]));
		try {
			const { url } = triggers.activeTrigger(context.n8n);
			const gone = `${server.base}/webhook/gone/hailuo`;
			const items = [
				...Array.from({ length: 8 }, (_, i) => ({ prompt: `to nowhere ${i}` })),
				{ prompt: 'to the trigger' },
			];
			const wf = hailuoWorkflow(context.n8n, {
				parameters: textToVideo({ completion: 'submitOnly' }, { callbackUrl: `={{ $json.prompt === 'to the trigger' ? '${url}' : '${gone}' }}` }),
				items,
				continueOnFail: true,
			});
			const run = await context.n8n.run(wf, 'Items');
			expect(run.status).toBe('success');
			expect(server.bodies.filter((b) => b.body.hailuoTrigger === 'ping')).toHaveLength(1);
			expect(run.json.slice(0, 8).every((j) => /no published Hailuo Trigger/.test(j.error))).toBe(true);
			expect(run.json[8].taskId).toBeDefined();
			expect(sim.counts.submit).toBe(1);
		} finally {
			server.close();
		}
	});

	test('no answer, or one that says nothing for sure, refuses nothing (n8n often cannot reach its own public address)', async () => {
		const closed = await recordingServer();
		closed.close();
		await new Promise((r) => setTimeout(r, 50));
		expect((await submit(`${closed.base}/webhook/abc/hailuo`)).status).toBe('success');
		const proxy = await recordingServer(() => [502, { message: 'Bad gateway' }]);
		try {
			expect((await submit(`${proxy.base}/webhook/abc/hailuo`)).status).toBe('success');
		} finally {
			proxy.close();
		}
		expect(sim.counts.submit).toBe(2);
	});
});
