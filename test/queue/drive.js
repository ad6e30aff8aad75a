'use strict';
/** Driving a queue-mode cluster over HTTP: workflows, executions, files, callbacks. */
const { request } = require('undici');
const { post } = require('../e2e/instance');
const { generateWorkflow } = require('../e2e/workflows');
const { waitFor } = require('../harness/wait');

let paths = 0;

/**
 * Creates and activates Start(webhook) -> Prompts -> Hailuo on the main; the
 * returned start() posts through the load balancer, as a user's traffic would.
 */
async function generator(cluster, credentialId, parameters) {
	const path = `queue-${++paths}`;
	const id = await cluster.main.createWorkflow(generateWorkflow(`Hailuo queue ${path}`, path, credentialId, parameters));
	await cluster.main.activate(id);
	await cluster.waitForWebhook(path);
	return {
		id,
		async start(prompts) {
			const answer = await postJson(`${cluster.balancer.url}/webhook/${path}`, { prompts });
			if (answer.status !== 200) throw new Error(`start ${path}: ${answer.status} ${answer.text}`);
		},
	};
}

const isFinished = (e) => e.finished || ['error', 'success', 'crashed', 'canceled'].includes(e.status);

/** Waits for at least `count` finished executions of a workflow and returns them. */
async function finishedExecutions(main, workflowId, count, timeoutMs = 60_000) {
	let executions = [];
	await waitFor(
		async () => {
			executions = (await main.executions(workflowId)).filter(isFinished);
			return executions.length >= count;
		},
		timeoutMs,
		`${count} finished execution(s) of workflow ${workflowId}`,
	);
	return executions;
}

/** All executions of a workflow once nothing has changed for `quietMs` and none is running. */
async function settledExecutions(main, workflowId, { quietMs = 4000, timeoutMs = 60_000 } = {}) {
	const end = Date.now() + timeoutMs;
	let last = '';
	let stableSince = Date.now();
	for (;;) {
		const executions = await main.executions(workflowId);
		const signature = executions.map((e) => `${e.id}:${e.status}`).join(',');
		if (signature !== last) {
			last = signature;
			stableSince = Date.now();
		}
		if (executions.every(isFinished) && Date.now() - stableSince >= quietMs) return executions;
		if (Date.now() > end) throw new Error(`executions of ${workflowId} did not settle: ${signature}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** POSTs JSON; the answer's status, content type, text and JSON. */
const postJson = async (url, body) => await post(url, body);

/** The file the main process serves for a binary id, as the editor downloads it. */
async function servedBytes(main, binaryId) {
	const response = await request(`${main.url}/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`, {
		headers: { cookie: main.cookie },
	});
	const bytes = Buffer.from(await response.body.arrayBuffer());
	return { status: response.statusCode, bytes };
}

/** A task submitted straight to the API (no n8n involved), as another system would. */
async function submitTask(sim, token, prompt, callbackUrl) {
	const body = { action: 'generate', prompt, ...(callbackUrl ? { callback_url: callbackUrl } : { async: true }) };
	const response = await request(`${sim.url}/hailuo/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const json = await response.body.json();
	if (!json.task_id) throw new Error(`submission refused: ${JSON.stringify(json)}`);
	return json.task_id;
}

/** The output items of node `name` in an execution (its last run), or []. */
function nodeOutput(execution, name) {
	return execution.data?.resultData?.runData?.[name]?.at(-1)?.data?.main?.[0] ?? [];
}

module.exports = { generator, finishedExecutions, settledExecutions, postJson, servedBytes, submitTask, nodeOutput, isFinished };
