/**
 * The package's tools in a real n8n, driven as their users drive them, with
 * the shipped examples and every tool setting at its default:
 * - n8n's AI Agent with an OpenAI-compatible chat model played by a script on
 *   loopback (examples/ai-agent-makes-videos.json, started by its Chat Trigger);
 * - n8n's MCP Server Trigger with the official MCP SDK client, over Streamable
 *   HTTP and SSE, at the client's default request timeout (60 s), bearer auth
 *   (examples/mcp-server-video-tools.json).
 * Videos take 90 s: longer than an MCP client waits for one call. The
 * simulator's task log is the judge of what was paid.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { request } = require('undici');
const { NodeHelpers } = require('n8n-workflow');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');
const { DEFAULT_REQUEST_TIMEOUT_MSEC } = require('@modelcontextprotocol/sdk/shared/protocol.js');
const { createSimulator } = require('../simulator/simulator');
const { n8nWithSimulator } = require('./instance');
const { startScriptedModel, toolResults } = require('./scriptedModel');

const ROOT = path.resolve(__dirname, '..', '..');
const { Hailuo } = require(path.join(ROOT, 'dist/nodes/Hailuo/Hailuo.node.js'));
const NODE = new Hailuo().description;
const TOKEN = 'sk-e2e-tools-token-5e1d';
const MCP_TOKEN = 'mcp-client-s3cret-token';
const VIDEO_MS = 90_000;

// 90 s for the MCP clients; the agent's videos take 100 s, so that it calls every tool it has.
const sim = createSimulator({ token: TOKEN, generationMs: (task) => (/ agent /.test(task.request.prompt) ? VIDEO_MS + 10_000 : VIDEO_MS) });
let n8n;
let credentialId;
let model;

/** The description n8n builds for a tool left on "Set Automatically" (n8n-workflow's own function). */
const automatic = (parameters) => NodeHelpers.getToolDescriptionForNode({ parameters: { ...parameters, descriptionType: 'auto' } }, { description: NODE });
const GENERATE = automatic({ resource: 'video', operation: 'textToVideo' });
const ANIMATE = automatic({ resource: 'video', operation: 'imageToVideo' });
const WAIT = automatic({ resource: 'task', operation: 'wait' });

/** Tasks the API created for a prompt. */
const tasksFor = (prompt) => [...sim.tasks.values()].filter((t) => t.request.prompt === prompt);

/** The taskId and videoUrl in a tool result (n8n sends the tool's output items as JSON). */
const field = (text, name) => new RegExp(`"${name}":"([^"]+)"`).exec(text)?.[1];

async function credential(type, data, name) {
	const { id } = await n8n.api('POST', '/credentials', { name, type, data: await n8n.completeCredentialData(type, data) });
	return id;
}

/** A shipped example with this suite's credentials and a fresh webhook id. */
function example(file, credentials) {
	const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) {
		for (const [type, id] of Object.entries(credentials)) if (node.credentials?.[type]) node.credentials[type].id = id;
		if (node.webhookId) node.webhookId = randomUUID();
	}
	return workflow;
}

beforeAll(async () => {
	({ n8n, credentialId } = await n8nWithSimulator(sim, TOKEN));
}, 2_400_000);

afterAll(async () => {
	await model?.stop();
	await n8n?.destroy();
	await sim.stop();
});

describe('as an AI Agent tool', () => {
	test('[lines] the model reads what a call costs and takes, gets the task id within 45 s, a repeated call gets the same task, and Wait for video brings the video: one submission', async () => {
		const prompt = `A red fox runs through fresh snow at dawn, agent ${randomUUID().slice(0, 6)}`;
		const toolTimes = [];
		model = await startScriptedModel((body, requests) => {
			const tools = Object.fromEntries((body.tools ?? []).map((t) => [t.function.description, t.function.name]));
			const generate = tools[GENERATE];
			const wait = tools[WAIT];
			const results = toolResults(body);
			if (requests.length > 1) toolTimes.push(requests.at(-1).at - requests.at(-2).at);
			if (results.length === 0) return { calls: [{ name: generate, args: { prompt } }] };
			// The model "retries" the generate call once with the same arguments, as a model does after a timeout.
			if (results.length === 1) return { calls: [{ name: generate, args: { prompt } }] };
			const last = results.at(-1);
			const videoUrl = field(last, 'videoUrl');
			if (videoUrl) return { text: `Here is your video: ${videoUrl}` };
			return { calls: [{ name: wait, args: { taskId: field(results[0], 'taskId') } }] };
		});
		const openAi = await credential('openAiApi', { apiKey: 'sk-scripted', url: model.url, header: false }, 'Scripted model');
		const workflow = example('ai-agent-makes-videos.json', { hailuoApi: credentialId, openAiApi: openAi });
		const trigger = workflow.nodes.find((n) => n.type.endsWith('.chatTrigger'));
		// The example chats in the editor; to drive it over HTTP the test makes its chat public.
		trigger.parameters.public = true;
		const id = await n8n.createWorkflow(workflow);
		await n8n.activate(id, [`${trigger.webhookId}/chat`]);
		const answer = await request(`${n8n.url}/webhook/${trigger.webhookId}/chat`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: randomUUID(), chatInput: 'Make me a short video of a fox in the snow' }),
			headersTimeout: 600_000,
			bodyTimeout: 600_000,
		});
		const reply = await answer.body.text();

		const first = model.requests[0].body;
		expect(first.tools.map((t) => [t.function.name, t.function.description]).sort()).toEqual([
			['Generate_video', GENERATE],
			['Wait_for_video', WAIT],
		]);
		expect(GENERATE).toMatch(/Each call is billed.*takes 1 to 2 minutes.*answers within 45 seconds.*Do not call this tool again for the same video/);
		const results = toolResults(model.requests.at(-1).body);
		const taskId = field(results[0], 'taskId');
		expect(results[0]).toMatch(/"state":"(pending|processing)"/);
		expect(results[0]).toMatch(/call the tool that waits for a Hailuo task with taskId/);
		expect(field(results[1], 'taskId')).toBe(taskId);
		expect(results[1]).toMatch(/A call with the same arguments \d+ s ago started task/);
		const videoUrl = field(results.at(-1), 'videoUrl');
		expect(videoUrl).toMatch(/^http/);
		expect(reply).toContain(videoUrl);
		expect(tasksFor(prompt).map((t) => t.id)).toEqual([taskId]);
		// Every tool call answered within the tool's 45 s (plus n8n's own time).
		for (const ms of toolTimes) expect(ms).toBeLessThan(50_000);
		process.stderr.write(`AI Agent, n8n ${n8n.version}: tool calls answered after ${toolTimes.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; ${tasksFor(prompt).length} submission\n`);
	}, 400_000);
});

describe('as an MCP tool (MCP Server Trigger, official MCP SDK client)', () => {
	let mcpPath;

	beforeAll(async () => {
		const bearer = await credential('httpBearerAuth', { token: MCP_TOKEN }, 'MCP clients');
		const workflow = example('mcp-server-video-tools.json', { hailuoApi: credentialId, httpBearerAuth: bearer });
		mcpPath = workflow.nodes.find((n) => n.type.endsWith('.mcpTrigger')).parameters.path;
		const id = await n8n.createWorkflow(workflow);
		await n8n.activate(id);
		// Registration lags activation a little; an unregistered path answers 404.
		for (let tries = 0; tries < 60; tries++) {
			const answer = await request(`${n8n.url}/mcp/${mcpPath}`, { method: 'GET', headers: { authorization: 'Bearer probe' } });
			await answer.body.text();
			if (answer.statusCode !== 404) break;
			await new Promise((r) => setTimeout(r, 250));
		}
	}, 60_000);

	const url = () => new URL(`${n8n.url}/mcp/${mcpPath}`);
	const transports = {
		'Streamable HTTP': (token) => new StreamableHTTPClientTransport(url(), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
		SSE: (token) => new SSEClientTransport(url(), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
	};

	test('[lines] a wrong bearer token gets 403 on both transports and submits nothing', async () => {
		const before = sim.counts.submit;
		for (const method of ['POST', 'GET']) {
			const answer = await request(url(), {
				method,
				headers: { authorization: 'Bearer wrong-token', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
				body: method === 'POST' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }) : undefined,
			});
			await answer.body.text();
			expect({ method, status: answer.statusCode }).toEqual({ method, status: 403 });
		}
		for (const make of Object.values(transports)) {
			const client = new Client({ name: 'e2e-wrong-token', version: '1.0.0' });
			await expect(client.connect(make('wrong-token'))).rejects.toThrow();
		}
		expect(sim.counts.submit).toBe(before);
	}, 60_000);

	test('[lines] over Streamable HTTP and SSE at the default timeout: every call answers in time, a 90 s video arrives through Wait for video, a repeated call gets it too: one submission', async () => {
		expect(DEFAULT_REQUEST_TIMEOUT_MSEC).toBe(60_000);
		const runs = await Promise.all(
			Object.entries(transports).map(async ([name, make]) => {
				const client = new Client({ name: `e2e-${name}`, version: '1.0.0' });
				await client.connect(make(MCP_TOKEN));
				const { tools } = await client.listTools();
				const calls = [];
				/** One tools/call with the SDK's default options (60 s), timed. */
				const call = async (tool, args) => {
					const started = Date.now();
					const result = await client.callTool({ name: tool, arguments: args });
					const text = result.content.map((c) => c.text ?? '').join('');
					calls.push({ tool, seconds: (Date.now() - started) / 1000, state: /"state":"([^"]+)"/.exec(text)?.[1] ?? (result.isError ? 'error' : '?') });
					return text;
				};
				const prompt = `A lighthouse in a storm, waves crashing, over ${name} ${randomUUID().slice(0, 6)}`;
				const started = await call('Generate_video', { prompt });
				const taskId = field(started, 'taskId');
				let last = started;
				while (!field(last, 'videoUrl') && calls.length < 8) last = await call('Wait_for_video', { taskId });
				// A client that calls again with the same arguments (a model that retries) gets the same task, here its video.
				const repeated = await call('Generate_video', { prompt });
				await client.close();
				return { name, tools, calls, started, repeated, last, prompt, taskId };
			}),
		);
		for (const run of runs) {
			expect(run.tools.map((t) => [t.name, t.description]).sort()).toEqual([
				['Animate_image', ANIMATE],
				['Generate_video', GENERATE],
				['Wait_for_video', WAIT],
			]);
			expect(Object.keys(run.tools.find((t) => t.name === 'Generate_video').inputSchema.properties)).toEqual(['prompt']);
			expect(run.started).toMatch(/"state":"(pending|processing)"/);
			expect(field(run.last, 'videoUrl')).toMatch(/^http/);
			expect(field(run.repeated, 'taskId')).toBe(run.taskId);
			expect(field(run.repeated, 'videoUrl')).toBe(field(run.last, 'videoUrl'));
			expect(run.repeated).toMatch(/A call with the same arguments \d+ s ago started task/);
			for (const c of run.calls) expect(c.seconds).toBeLessThan(50);
			expect(tasksFor(run.prompt).map((t) => t.id)).toEqual([run.taskId]);
			process.stderr.write(
				`MCP over ${run.name}, n8n ${n8n.version}, 90 s video: ${run.calls.map((c) => `${c.tool} ${c.seconds.toFixed(1)} s (${c.state})`).join(', ')}; ${tasksFor(run.prompt).length} submission\n`,
			);
		}
	}, 400_000);
});

describe("an MCP tool's limits (a Timeout added in the editor, 'Max Videos (All Calls)')", () => {
	test('[lines] a tool whose workflow carries the node\'s 900 s Timeout still answers inside the client\'s 60 s; past its cap of 2 a call is refused before paying', async () => {
		const bearer = await credential('httpBearerAuth', { token: MCP_TOKEN }, 'MCP clients (limits)');
		const workflow = example('mcp-server-video-tools.json', { hailuoApi: credentialId, httpBearerAuth: bearer });
		const trigger = workflow.nodes.find((n) => n.type.endsWith('.mcpTrigger'));
		trigger.parameters.path = `hailuo-limits-${randomUUID().slice(0, 6)}`;
		// The node's Timeout as an earlier version pre-filled it when a user added it to the tool, and a cap of 2.
		workflow.nodes.find((n) => n.name === 'Generate video').parameters.options = { timeout: 900, toolMaxVideos: 2 };
		const id = await n8n.createWorkflow(workflow);
		await n8n.activate(id);
		const url = new URL(`${n8n.url}/mcp/${trigger.parameters.path}`);
		for (let tries = 0; tries < 60; tries++) {
			const answer = await request(url, { method: 'GET', headers: { authorization: 'Bearer probe' } });
			await answer.body.text();
			if (answer.statusCode !== 404) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		const client = new Client({ name: 'e2e-limits', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } } }));
		const prompts = [0, 1, 2].map((i) => `A paper boat on a river, call ${i} ${randomUUID().slice(0, 6)}`);
		const calls = await Promise.all(
			prompts.map(async (prompt) => {
				const started = Date.now();
				const result = await client.callTool({ name: 'Generate_video', arguments: { prompt } });
				return { seconds: (Date.now() - started) / 1000, text: result.content.map((c) => c.text ?? '').join(''), isError: result.isError === true };
			}),
		);
		await client.close();
		process.stderr.write(`MCP limits, the answers: ${JSON.stringify(calls.map((c) => ({ ...c, text: c.text.slice(0, 300) })))}\n`);
		const answered = calls.filter((c) => field(c.text, 'taskId'));
		const refused = calls.filter((c) => /Max Videos \(All Calls\)/.test(c.text));
		expect(answered).toHaveLength(2);
		expect(refused).toHaveLength(1);
		for (const c of answered) expect(c.seconds).toBeLessThan(50);
		expect(prompts.flatMap(tasksFor)).toHaveLength(2);
		process.stderr.write(`MCP limits, n8n ${n8n.version}: answers after ${calls.map((c) => `${c.seconds.toFixed(1)} s`).join(', ')}; ${prompts.flatMap(tasksFor).length} submissions for 3 calls\n`);
	}, 200_000);
});
