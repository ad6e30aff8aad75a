'use strict';
/** Workflows the browser suite opens in the editor, saved through n8n's public API. */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const PKG = 'n8n-nodes-hailuo';
const ROOT = path.resolve(__dirname, '..', '..');

function node(name, type, parameters, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

function manualTrigger(position = [0, 0]) {
	return node('Manual', 'n8n-nodes-base.manualTrigger', {}, { position });
}

function hailuo(credentialId, parameters, position = [260, 0]) {
	return node('Hailuo', `${PKG}.hailuo`, { resource: 'video', operation: 'textToVideo', ...parameters }, {
		position,
		credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } },
	});
}

const after = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

/** A Manual Trigger alone: the nodes panel opened from its output is the "what happens next" panel. */
const manualOnly = () => ({ name: 'Browser: manual trigger', nodes: [manualTrigger()], connections: {} });

/** Manual Trigger -> Hailuo (Text to Video, Poll) with the given prompt. */
function textToVideo(credentialId, prompt) {
	return {
		name: 'Browser: text to video',
		nodes: [manualTrigger(), hailuo(credentialId, { prompt })],
		connections: after('Manual', 'Hailuo'),
	};
}

/** Manual Trigger -> Code (one item per prompt) -> Hailuo reading {{ $json.prompt }}. */
function promptsToVideo(credentialId, prompts) {
	const code = node('Prompts', 'n8n-nodes-base.code', { jsCode: `return ${JSON.stringify(prompts.map((prompt) => ({ json: { prompt } })))};` }, { typeVersion: 2, position: [220, 0] });
	return {
		name: 'Browser: prompts to video',
		nodes: [manualTrigger(), code, hailuo(credentialId, { prompt: '={{ $json.prompt }}' }, [440, 0])],
		connections: { ...after('Manual', 'Prompts'), ...after('Prompts', 'Hailuo') },
	};
}

function trigger(credentialId, webhookId) {
	return {
		name: 'Browser: trigger',
		nodes: [node('Hailuo Trigger', `${PKG}.hailuoTrigger`, {}, { webhookId, credentials: { hailuoApi: { id: credentialId, name: 'Hailuo API' } } })],
		connections: {},
	};
}

/** The README's example, with the credential made by the suite. */
function example(file, credentialId) {
	const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	for (const n of workflow.nodes) {
		if (n.credentials?.hailuoApi) n.credentials.hailuoApi.id = credentialId;
	}
	return workflow;
}

module.exports = { manualOnly, textToVideo, promptsToVideo, trigger, example };
