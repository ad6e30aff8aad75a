'use strict';
/** Hailuo Triggers in the in-process n8n (harness/n8n.js): activating one, feeding it tasks, posting to it. */
const { request } = require('undici');
const { hailuoWorkflow, PACKAGE } = require('./n8n');
const { FAST } = require('./fixtures');

let count = 0;

/** An active workflow starting at a Hailuo Trigger: its production URL and the workflow. */
function activeTrigger(n8n, parameters = {}, { noCredential = false } = {}) {
	count++;
	const wf = n8n.workflow([
		{ name: 'Hailuo Trigger', type: `${PACKAGE}.hailuoTrigger`, webhookId: `hook-${count}`, parameters, noCredential },
	]);
	return { url: n8n.activate(wf, 'Hailuo Trigger'), wf };
}

/** Runs Items -> Hailuo (Return the Task ID at Once) with the Callback URL; the task ids. */
async function submitWithCallback(n8n, callbackUrl, prompts) {
	const run = await n8n.run(
		hailuoWorkflow(n8n, {
			parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', completion: 'submitOnly', options: { ...FAST, callbackUrl } },
			items: prompts.map((prompt) => ({ prompt })),
		}),
		'Items',
	);
	expect(run.status).toBe('success');
	return run.json.map((j) => j.taskId);
}

async function post(url, body, headers = { 'content-type': 'application/json' }) {
	const response = await request(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await response.body.text();
	return { status: response.statusCode, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

module.exports = { activeTrigger, submitWithCallback, post };
