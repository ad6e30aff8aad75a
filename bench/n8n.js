'use strict';
/**
 * The figures that need a real n8n (the e2e harness's pinned install):
 * 3b. Pause Until Callback: time from the task's end to the execution's end.
 * 5.  Callbacks per second accepted by the Hailuo Trigger vs n8n's stock Webhook node.
 */
const { request } = require('undici');
const { createSimulator } = require('../test/simulator/simulator');
const { N8nInstance } = require('../test/e2e/instance');
const { generateWorkflow, triggerWorkflow, node } = require('../test/e2e/workflows');
const { waitFor } = require('../test/harness/wait');
const { median, sized, finishedCallbackBodies } = require('./lib');
const { TOKEN } = require('./scenarios');

async function load(url, bodies, concurrency) {
	let next = 0;
	let failures = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++];
				const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
				await response.body.text();
				if (response.statusCode !== 200) failures++;
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return { perSecond: bodies.length / seconds, failures };
}

async function realN8nFigures({ pauseRuns, callbacks, rounds } = sized('realN8n'), { concurrency = 10, env = {} } = {}) {
	const sim = createSimulator({ token: TOKEN, generationMs: 600_000 });
	await sim.start();
	const n8n = await N8nInstance.create({ env: { N8N_LOG_LEVEL: 'warn', ...env } });
	try {
		await n8n.setupOwner();
		const { id: credentialId } = await n8n.createCredential({ apiToken: TOKEN, baseUrl: sim.url });

		// 3b. Pause Until Callback.
		const pauseId = await n8n.createWorkflow(generateWorkflow('bench pause', 'bench-pause', credentialId, { completion: 'pauseUntilCallback', options: { timeout: 600 } }));
		await n8n.activate(pauseId, ['bench-pause']);
		const delays = [];
		for (let i = 0; i < pauseRuns; i++) {
			sim.resetCounts();
			await n8n.post('/webhook/bench-pause', { prompts: [`pause ${i}`] });
			await waitFor(() => sim.log.some((e) => e.kind === 'submit'), 10_000, 'submission');
			const { taskId } = sim.log.find((e) => e.kind === 'submit');
			await waitFor(async () => (await n8n.executions(pauseId, { status: 'waiting', includeData: false })).length === 1, 10_000, 'waiting');
			const finishedAt = Date.now();
			sim.finishNow(taskId);
			let succeeded = [];
			await waitFor(async () => {
				succeeded = await n8n.executions(pauseId, { status: 'success', includeData: false });
				return succeeded.length === i + 1;
			}, 20_000, 'the resumed execution');
			const latest = Math.max(...succeeded.map((e) => new Date(e.stoppedAt).getTime()));
			delays.push((latest - finishedAt) / 1000);
		}

		// 5. Trigger vs stock Webhook, same instance, same bodies.
		const bodiesFor = async (count) => await finishedCallbackBodies(sim, TOKEN, count);
		const triggerId = await n8n.createWorkflow(triggerWorkflow('bench trigger', 'bench-trigger', credentialId, {}));
		await n8n.activate(triggerId, ['bench-trigger/hailuo']);
		const plainId = await n8n.createWorkflow(triggerWorkflow('bench trigger unverified', 'bench-trigger-plain', credentialId, { verify: false }));
		await n8n.activate(plainId, ['bench-trigger-plain/hailuo']);
		const webhookId = await n8n.createWorkflow({
			name: 'bench stock webhook',
			nodes: [node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: 'bench-stock', responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: 'bench-stock-id' })],
			connections: {},
		});
		await n8n.activate(webhookId, ['bench-stock']);

		const results = { trigger: [], triggerUnverified: [], webhook: [] };
		for (let round = 0; round < rounds; round++) {
			results.webhook.push(await load(`${n8n.url}/webhook/bench-stock`, await bodiesFor(callbacks), concurrency));
			results.trigger.push(await load(`${n8n.url}/webhook/bench-trigger/hailuo`, await bodiesFor(callbacks), concurrency));
			results.triggerUnverified.push(await load(`${n8n.url}/webhook/bench-trigger-plain/hailuo`, await bodiesFor(callbacks), concurrency));
		}
		const rate = (list) => median(list.map((r) => r.perSecond));
		const failures = (list) => list.reduce((sum, r) => sum + r.failures, 0);
		const trigger = rate(results.trigger);
		const unverified = rate(results.triggerUnverified);
		const webhook = rate(results.webhook);
		const pause = delays.length ? median(delays) : NaN;
		return [
			{
				name: '3b. Time to notice completion (Pause Until Callback, real n8n)',
				figure: `${pause.toFixed(3)} s median`,
				baseline: '7-8 s median (a 15 s polling loop, figure 3)',
				ratio: '',
				target: '< 1 s',
				met: pause < 1,
				raw: { delays },
			},
			{
				name: `5a. Callbacks/s, Hailuo Trigger without verification (real n8n, ${callbacks} x ${rounds}, ${concurrency} at a time)`,
				figure: `${unverified.toFixed(0)}/s`,
				baseline: `${webhook.toFixed(0)}/s stock Webhook node`,
				ratio: `${(unverified / webhook).toFixed(2)}x`,
				target: 'within 15% of the stock node',
				met: unverified >= 0.85 * webhook,
				raw: { unverified: results.triggerUnverified, webhook: results.webhook, failures: failures(results.triggerUnverified) + failures(results.webhook) },
			},
			{
				name: `5b. Callbacks/s, Hailuo Trigger verifying each with the API (real n8n, ${callbacks} x ${rounds}, ${concurrency} at a time)`,
				figure: `${trigger.toFixed(0)}/s`,
				baseline: `${webhook.toFixed(0)}/s stock Webhook node`,
				ratio: `${(trigger / webhook).toFixed(2)}x`,
				target: 'within 15% of the stock node',
				met: trigger >= 0.85 * webhook,
				raw: { trigger: results.trigger, webhook: results.webhook, failures: failures(results.trigger) },
			},
		];
	} finally {
		await n8n.destroy();
		await sim.stop();
	}
}

module.exports = { realN8nFigures };
