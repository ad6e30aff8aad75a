'use strict';
/** Workflow JSON for the end-to-end scenarios, as a user would build them in the editor. */
const { randomUUID } = require('node:crypto');

const PKG = 'n8n-nodes-hailuo';

function node(name, type, parameters, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

/** POST /webhook/<path> with {"prompts": [...]} -> one item per prompt. */
function webhookStart(path) {
	return [
		node('Start', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: randomUUID() }),
		node('Prompts', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.prompts', options: { destinationFieldName: 'prompt' } }),
	];
}

function chain(names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

function hailuoNode(credentialId, parameters, settings = {}) {
	return node('Hailuo', `${PKG}.hailuo`, { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', ...parameters }, {
		credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } },
		...settings,
	});
}

/** Start (webhook) -> Prompts -> Hailuo with the given parameters; `settings` go on the Hailuo node (e.g. onError). */
function generateWorkflow(name, path, credentialId, parameters, settings) {
	const nodes = [...webhookStart(path), hailuoNode(credentialId, parameters, settings)];
	return { name, nodes, connections: chain(['Start', 'Prompts', 'Hailuo']) };
}

function triggerWorkflow(name, webhookId, credentialId, parameters) {
	return {
		name,
		nodes: [
			node('Hailuo Trigger', `${PKG}.hailuoTrigger`, parameters, {
				webhookId,
				credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } },
			}),
		],
		connections: {},
	};
}

/** n8n's Remove Duplicates keyed on the task id, the step users put after a trigger (measured, not relied on). */
function removeDuplicatesOnTaskId(name = 'Remove Duplicates') {
	return node(name, 'n8n-nodes-base.removeDuplicates', {
		operation: 'removeItemsSeenInPreviousExecutions',
		logic: 'removeItemsWithAlreadySeenKeyValues',
		dedupeValue: '={{ $json.taskId }}',
		options: {},
	}, { typeVersion: 2 });
}

module.exports = { generateWorkflow, hailuoNode, webhookStart, triggerWorkflow, node, chain, removeDuplicatesOnTaskId };
