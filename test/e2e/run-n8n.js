#!/usr/bin/env node
'use strict';
/**
 * npm run n8n: a local n8n to click around in. Builds the package, starts the
 * API simulator and n8n (pinned version, installed once) with the package
 * loaded, creates the owner account and a Hailuo credential, imports the
 * example workflows, and prints the editor URL and the login.
 *
 * HAILUO_API_TOKEN (and optionally HAILUO_BASE_URL) points the credential at
 * the real API instead of the simulator. N8N_PORT picks the port (5678).
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { createSimulator } = require('../simulator/simulator');
const { N8nInstance } = require('./instance');

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, '.n8n-local');

/**
 * The examples as their sticky notes say to set them up, for this n8n: its
 * credentials filled in (by credential type; a type without one here, the AI
 * Agent's OpenAI account, is left for the user to pick), and every Callback
 * URL's placeholder host and secret replaced by this n8n's address and one
 * secret, which the receivers get too.
 */
function exampleWorkflows(credentialIds, n8nUrl, secret) {
	const dir = path.join(ROOT, 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
			for (const node of workflow.nodes) {
				const callbackUrl = node.parameters?.options?.callbackUrl;
				if (typeof callbackUrl === 'string' && callbackUrl !== '') {
					const url = new URL(callbackUrl);
					url.searchParams.set('secret', secret);
					node.parameters.options.callbackUrl = `${n8nUrl}${url.pathname}${url.search}`;
				}
				if (node.type.endsWith('.hailuoTrigger') && node.parameters?.secret !== undefined) node.parameters.secret = secret;
				for (const type of Object.keys(node.credentials ?? {})) {
					if (credentialIds[type]) node.credentials[type].id = credentialIds[type];
					else delete node.credentials[type];
				}
			}
			return { file, workflow };
		});
}

/** Simulator (or the real API), n8n, owner, credential and the examples; returns what was made. */
async function startLocalN8n({ port = Number(process.env.N8N_PORT ?? 5678), dataDir = DATA } = {}) {
	const realToken = process.env.HAILUO_API_TOKEN;
	let sim;
	let credential;
	if (realToken) {
		credential = { apiToken: realToken, baseUrl: process.env.HAILUO_BASE_URL ?? 'https://api.acedata.cloud' };
	} else {
		sim = createSimulator({ token: 'sim-token', generationMs: [8000, 15000], videoSize: 2 * 1024 * 1024 });
		credential = { apiToken: 'sim-token', baseUrl: await sim.start(Number(process.env.SIMULATOR_PORT ?? 0)) };
	}
	fs.rmSync(dataDir, { recursive: true, force: true });
	fs.mkdirSync(dataDir, { recursive: true });
	console.log('Starting n8n (the first run installs it: about 5 minutes)...');
	const n8n = await N8nInstance.create({ userFolder: dataDir, port });
	const owner = await n8n.setupOwner();
	const { id: credentialId } = await n8n.createCredential(credential, realToken ? 'Hailuo API' : 'Hailuo API (simulator)');
	// MCP clients of the MCP example authenticate with this token.
	const mcpToken = `mcp-${randomBytes(12).toString('hex')}`;
	const mcp = await n8n.api('POST', '/credentials', { name: 'MCP clients', type: 'httpBearerAuth', data: await n8n.completeCredentialData('httpBearerAuth', { token: mcpToken }) });
	const imported = [];
	const secret = randomBytes(9).toString('base64url');
	for (const { file, workflow } of exampleWorkflows({ hailuoApi: credentialId, httpBearerAuth: mcp.id }, n8n.url, secret)) {
		const id = await n8n.createWorkflow(workflow);
		imported.push({ file, id, name: workflow.name, workflow });
	}
	for (const file of ['receive-finished-videos.json', 'mcp-server-video-tools.json']) {
		const active = imported.find((w) => w.file === file);
		if (active) await n8n.activate(active.id);
	}
	const mcpPath = imported.find((w) => w.file === 'mcp-server-video-tools.json')?.workflow.nodes.find((n) => n.type.endsWith('.mcpTrigger'))?.parameters.path;
	const mcpServer = mcpPath ? { url: `${n8n.url}/mcp/${mcpPath}`, token: mcpToken } : undefined;
	const stop = async () => {
		await n8n.stop();
		await sim?.stop();
	};
	return { n8n, owner, credential, imported, realToken, mcpServer, stop };
}

async function main() {
	const { n8n, owner, credential, imported, realToken, mcpServer, stop } = await startLocalN8n();
	console.log(`
n8n with n8n-nodes-hailuo is running.

  Editor:   ${n8n.url}
  Login:    ${owner.email} / ${owner.password}
  API:      ${realToken ? `the real Hailuo API at ${credential.baseUrl}` : `the bundled simulator at ${credential.baseUrl} (videos take 8-15 s)`}

Workflows:
${imported.map((w) => `  ${n8n.url}/workflow/${w.id}  ${w.name}`).join('\n')}
${mcpServer ? `\n  MCP server (active): ${mcpServer.url}\n  MCP clients send:    Authorization: Bearer ${mcpServer.token}\n` : ''}
Press Ctrl+C to stop (n8n's data is in .n8n-local/, removed on the next start).`);

	const exit = async () => {
		await stop();
		process.exit(0);
	};
	process.on('SIGINT', exit);
	process.on('SIGTERM', exit);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}

module.exports = { startLocalN8n };
