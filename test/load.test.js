/**
 * Load rows of the fault matrix: 1,000 callbacks to the trigger, and 200 items
 * through the node against an API that rate-limits at 10 requests per second.
 */
const { request } = require('undici');
const { createSimulator } = require('./simulator/simulator');
const { Instance, hailuoWorkflow, PACKAGE } = require('./harness/n8n');
const { TOKEN } = require('./harness/fixtures');
const { waitFor } = require('./harness/wait');

jest.setTimeout(180_000);

test('1,000 callbacks (each sent twice, 20 at a time): one execution per task, none lost', async () => {
	const sim = createSimulator({ token: TOKEN, generationMs: 600_000 });
	await sim.start();
	const n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
	await n8n.listen();
	try {
		const url = n8n.activate(n8n.workflow([{ name: 'T', type: `${PACKAGE}.hailuoTrigger`, webhookId: 'load', parameters: {} }]), 'T');
		const ids = [];
		for (let i = 0; i < 1000; i++) {
			const answer = await request(`${sim.url}/hailuo/videos`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'generate', prompt: `load ${i}`, async: true }),
			});
			ids.push((await answer.body.json()).task_id);
		}
		ids.forEach((id) => sim.finishNow(id));
		const deliveries = [...ids, ...ids].map((id) => sim.finalResult(id));
		let next = 0;
		const statuses = {};
		await Promise.all(
			Array.from({ length: 20 }, async () => {
				while (next < deliveries.length) {
					const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(deliveries[next++]) });
					await response.body.text();
					statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
				}
			}),
		);
		expect(statuses).toEqual({ 200: 2000 });
		expect(n8n.started).toHaveLength(1000);
		expect(new Set(n8n.started.map((s) => s.json[0].taskId)).size).toBe(1000);
	} finally {
		await n8n.close();
		await sim.stop();
	}
});

test('200 items against 10 requests/s: every video made exactly once, the 429s absorbed', async () => {
	const sim = createSimulator({ token: TOKEN, generationMs: [500, 2000], rateLimitPerSecond: 10 });
	await sim.start();
	try {
		const n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
		const items = Array.from({ length: 200 }, (_, i) => ({ prompt: `rate ${i}` }));
		const run = await n8n.run(
			hailuoWorkflow(n8n, {
				parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 2, timeout: 120, maxRetries: 8 } },
				items,
			}),
			'Items',
			{ timeoutMs: 170_000 },
		);
		expect(run.status).toBe('success');
		expect(run.json.map((j) => j.prompt)).toEqual(items.map((i) => i.prompt));
		expect(run.json.every((j) => j.state === 'succeeded')).toBe(true);
		expect(sim.counts.submit).toBe(200);
		expect(sim.tasks.size).toBe(200);
		expect(sim.counts.rateLimited).toBeGreaterThan(0);
	} finally {
		await sim.stop();
	}
});
