/**
 * The node as a tool of an AI Agent or an MCP client ("Hailuo Tool"), through
 * n8n-core with the tool's type name, as n8n 2.x's agent runs it: what the
 * model reads with the tool description on "Set Automatically" (built by
 * n8n-workflow's own function), a call that answers within its time, and a
 * repeated call that does not pay twice. The real AI Agent and MCP Server
 * Trigger are in test/e2e/tools.e2e.js.
 */
const path = require('node:path');
const { NodeHelpers, Workflow } = require('n8n-workflow');
const { createSimulator } = require('./simulator/simulator');
const { Instance, hailuoWorkflow, PACKAGE, useMemoryDeduplication } = require('./harness/n8n');
const { TOKEN } = require('./harness/fixtures');

const DIST = path.resolve(__dirname, '..', 'dist');
const { Hailuo } = require(path.join(DIST, 'nodes/Hailuo/Hailuo.node.js'));
const NODE = new Hailuo().description;
const TOOL = `${PACKAGE}.hailuoTool`;

const sim = createSimulator({ token: TOKEN, generationMs: 300 });
let n8n;

beforeAll(async () => await sim.start());
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.set({ generationMs: 300, submitLatencyMs: 0, rateLimitPerSecond: 0, retryAfterSeconds: null });
	sim.resetCounts();
	n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
});

const submissions = () => sim.log.filter((e) => e.kind === 'submit').length;

/** `timeout` as the variant reads it: a tool has its own Timeout option (toolTimeout). */
function timeoutFor(type, { timeout, ...options }) {
	if (timeout === undefined) return options;
	return type === TOOL ? { toolTimeout: timeout, ...options } : { timeout, ...options };
}

/** Items -> "Generate video" (the tool, or the node in a workflow). */
function generator(prompt, options = {}, { type = TOOL, operation = 'textToVideo', extra = {} } = {}) {
	return hailuoWorkflow(n8n, {
		parameters: { resource: 'video', operation, prompt: '={{ $json.prompt }}', options: { pollInterval: 0.2, ...timeoutFor(type, options) }, ...extra },
		items: [{ prompt }],
		nodeSettings: { type },
	});
}

function waiter(taskId, options = {}) {
	return hailuoWorkflow(n8n, {
		parameters: { resource: 'task', operation: 'wait', taskId, options: { pollInterval: 0.2, ...timeoutFor(TOOL, options) } },
		nodeSettings: { type: TOOL },
	});
}

async function timed(run) {
	const started = Date.now();
	const result = await run();
	return { ...result, ms: Date.now() - started };
}

describe('what the model reads with the tool description on "Set Automatically"', () => {
	/** The text n8n sends the model, from n8n-workflow's own function (the one n8n calls when it makes the tool). */
	const described = (resource, operation) =>
		NodeHelpers.getToolDescriptionForNode({ parameters: { resource, operation, descriptionType: 'auto' } }, { description: NODE });

	test.each([
		['video', 'textToVideo', 'a text prompt'],
		['video', 'imageToVideo', 'a public image URL'],
	])('%s > %s: what it does, that it is billed, how long it takes, what comes back, and not to call again', (resource, operation, input) => {
		const text = described(resource, operation);
		expect(text).toContain(input);
		expect(text).toMatch(/Each call is billed/);
		expect(text).toMatch(/takes 1 to 2 minutes/);
		expect(text).toMatch(/answers within 45 seconds: with videoUrl when the video is ready, otherwise with taskId and its state, "pending" or "processing"/);
		expect(text).toMatch(/pass that taskId to the tool that waits for a Hailuo task/);
		expect(text).toMatch(/Do not call this tool again for the same video: the same arguments within 10 minutes return the same task/);
		expect(text).toMatch(/vary the prompt in Hailuo$/);
		expect(text.length).toBeLessThan(1024);
	});

	test("the README quotes the text the model reads, word for word", () => {
		const readme = require('node:fs').readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
		const quote = /reads, word for word[^\n]*\n[^\n]*\n\n((?:> .*\n)+)/.exec(readme)?.[1];
		expect(quote?.replace(/^> /gm, '').replace(/\n/g, ' ').trim()).toBe(described('video', 'textToVideo'));
	});

	test('task > wait says it is free and to call it again while the task is pending; get and get many that they are free', () => {
		expect(described('task', 'wait')).toMatch(/^Wait for a video started earlier, given its taskId.*Free: reading a task is not billed.*call this tool again with the same taskId/);
		expect(described('task', 'get')).toMatch(/at once and for free/);
		expect(described('task', 'getMany')).toMatch(/at once and for free/);
	});

	test('the editor keeps its short labels: the copy with the tool texts is shown in no version, the Operation shown has the actions the nodes panel lists', () => {
		for (const resource of ['video', 'task']) {
			const operations = NODE.properties.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			const shown = operations.filter((p) =>
				[NODE, { ...NODE, name: `${NODE.name}Tool` }].some((type) => NodeHelpers.displayParameter({ resource }, p, { typeVersion: 1 }, type)),
			);
			expect(shown).toHaveLength(1);
			expect(shown[0].displayOptions.show['@version']).toBeUndefined();
			for (const option of shown[0].options) expect(option.action.length).toBeLessThan(30);
		}
	});

	test('the operation a workflow saved is the one the editor shows, for the node and for the tool', () => {
		const node = { name: 'Hailuo', type: TOOL, typeVersion: 1, parameters: { resource: 'task', operation: 'wait', taskId: 'x' } };
		for (const description of [NODE, { ...NODE, name: `${NODE.name}Tool` }]) {
			const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
			expect({ resource: parameters.resource, operation: parameters.operation }).toEqual({ resource: 'task', operation: 'wait' });
		}
	});
});

describe('a call answers within its time (as a tool the Timeout counts from the start of the call)', () => {
	/** The Timeout options a user can add in the editor, for the node or its tool variant, per operation. */
	function timeoutOptions(type, parameters) {
		const collections = type.properties.filter((p) => p.name === 'options' && NodeHelpers.displayParameter(parameters, p, { typeVersion: 1 }, type));
		expect(collections).toHaveLength(1);
		return collections[0].options.filter((o) => o.displayName === 'Timeout (Seconds)' && NodeHelpers.displayParameter({}, o, { typeVersion: 1 }, type, parameters));
	}

	test.each([
		['video', { resource: 'video', operation: 'textToVideo', completion: 'poll' }],
		['task wait', { resource: 'task', operation: 'wait' }],
	])("%s: adding Timeout to a tool pre-fills the tool's 45 s (saying what an MCP client does past 60 s); to the node, 900 s", (_, parameters) => {
		const [tool] = timeoutOptions({ ...NODE, name: `${NODE.name}Tool` }, parameters);
		expect(tool).toMatchObject({ name: 'toolTimeout', default: 45 });
		expect(tool.description).toMatch(/MCP clients give up on a call after 60 s by default: past that, the video is paid for and its task ID never reaches the model/);
		const [node] = timeoutOptions(NODE, parameters);
		expect(node).toMatchObject({ name: 'timeout', default: 900 });
		expect(timeoutOptions({ ...NODE, name: `${NODE.name}Tool` }, parameters)).toHaveLength(1);
		expect(timeoutOptions(NODE, parameters)).toHaveLength(1);
	});

	test("a tool reads its own Timeout, never the node's (a workflow's 900 s, or one left from before)", async () => {
		sim.set({ generationMs: 20_000 });
		const wf = hailuoWorkflow(n8n, {
			parameters: { resource: 'video', operation: 'textToVideo', prompt: 'a fox, own timeout', options: { pollInterval: 0.2, timeout: 1, toolTimeout: 3 } },
			nodeSettings: { type: TOOL },
		});
		const tool = await timed(() => n8n.run(wf, 'Items'));
		expect(tool.json[0]).toMatchObject({ state: 'pending', taskId: expect.any(String) });
		expect(tool.ms).toBeGreaterThanOrEqual(3000);
		expect(tool.ms).toBeLessThan(3000 + 900);
	}, 20_000);

	test('a slow submission and a long video: the tool answers at its Timeout with the task id and what to call next; the workflow node waits its Timeout after submitting', async () => {
		sim.set({ submitLatencyMs: 1500, generationMs: 20_000 });
		const tool = await timed(() => n8n.run(generator('slow fox', { timeout: 3 }), 'Items'));
		expect(tool.status).toBe('success');
		expect(tool.ms).toBeLessThan(3000 + 900);
		expect(tool.json[0]).toMatchObject({ state: 'pending', taskId: expect.any(String) });
		expect(tool.json[0].hint).toMatch(/^The video is still being generated\. To get it, call the tool that waits for a Hailuo task with taskId "[^"]+"\. Do not call this tool again for it/);

		const node = await timed(() => n8n.run(generator('slow fox in a workflow', { timeout: 3 }, { type: `${PACKAGE}.hailuo` }), 'Items'));
		expect(node.ms).toBeGreaterThanOrEqual(1500 + 3000);
		expect(node.json[0].hint).toMatch(/a Hailuo node with Task > Wait and this task id picks it up later/);
	}, 20_000);

	test('rate limited with Retry-After 20 s: the tool does not wait past its Timeout for a retry, says why, nothing submitted', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 429, times: 10, headers: { 'retry-after': '20' } });
		const tool = await timed(() => n8n.run(generator('rate limited fox', { timeout: 3 }), 'Items'));
		expect(tool.ms).toBeLessThan(3000);
		expect(tool.status).toBe('error');
		expect(tool.error.message).toMatch(/429|rate/i);
		expect(submissions()).toBe(0);
	}, 20_000);

	test('task > wait as a tool: a task still running after its Timeout comes back pending, with "call this tool again"', async () => {
		sim.set({ generationMs: 20_000 });
		const first = await n8n.run(generator('waited fox', { timeout: 1 }), 'Items');
		const { taskId } = first.json[0];
		const waited = await timed(() => n8n.run(waiter(taskId, { timeout: 2 }), 'Items'));
		expect(waited.ms).toBeLessThan(2900);
		expect(waited.json[0]).toMatchObject({ taskId, state: expect.stringMatching(/pending|processing/) });
		expect(waited.json[0].hint).toBe(`The video is still being generated. Call this tool again with taskId "${taskId}" to keep waiting.`);
		sim.finishNow(taskId);
		const done = await n8n.run(waiter(taskId), 'Items');
		expect(done.json[0]).toMatchObject({ taskId, state: 'succeeded', videoUrl: expect.stringMatching(/^http/) });
	}, 20_000);
});

describe('a repeated call does not pay twice (tool calls only)', () => {
	test('the same arguments again: the task of the first call, said so, one submission; then its video', async () => {
		sim.set({ generationMs: 20_000 });
		const wf = generator('a fox, repeated', { timeout: 1 });
		const first = await n8n.run(wf, 'Items');
		const second = await n8n.run(wf, 'Items');
		expect(submissions()).toBe(1);
		expect(second.json[0].taskId).toBe(first.json[0].taskId);
		expect(second.json[0].hint).toMatch(/^A call with the same arguments \d+ s ago started task [^:]+: this is that task, not a new video, and nothing more is billed\. For another version, vary the prompt\. The video is still being generated/);
		sim.finishNow(first.json[0].taskId);
		const third = await n8n.run(wf, 'Items');
		expect(third.json[0]).toMatchObject({ taskId: first.json[0].taskId, state: 'succeeded', videoUrl: expect.stringMatching(/^http/) });
		expect(submissions()).toBe(1);
	}, 20_000);

	test('MCP calls run outside any execution (no execution id): a repeat is answered with the task, not refused as a Retry of the first', async () => {
		await useMemoryDeduplication();
		const wf = generator('a fox, over MCP', { timeout: 5 });
		const first = await n8n.run(wf, 'Items', { executionId: '' });
		const second = await n8n.run(wf, 'Items', { executionId: '' });
		expect(second.status).toBe('success');
		expect(second.json[0].taskId).toBe(first.json[0].taskId);
		expect(submissions()).toBe(1);
	});

	test('two identical calls at the same moment: one submission, both get its task', async () => {
		sim.set({ submitLatencyMs: 300 });
		const wf = generator('a fox, twice at once', { timeout: 5 });
		const [a, b] = await Promise.all([n8n.run(wf, 'Items'), n8n.run(wf, 'Items')]);
		expect(submissions()).toBe(1);
		expect(a.json[0].taskId).toBe(b.json[0].taskId);
		expect([a.json[0].state, b.json[0].state]).toEqual(['succeeded', 'succeeded']);
	});

	test('a workflow that submits the same prompt twice gets two videos; a varied prompt is a new video', async () => {
		const node = generator('a fox, in a workflow', { timeout: 5 }, { type: `${PACKAGE}.hailuo` });
		await n8n.run(node, 'Items');
		await n8n.run(node, 'Items');
		expect(submissions()).toBe(2);
		await n8n.run(generator('a fox, version 1', { timeout: 5 }), 'Items');
		await n8n.run(generator('a fox, version 2', { timeout: 5 }), 'Items');
		expect(submissions()).toBe(4);
	});

	test('the first call got no answer to its submission: the repeat is refused, not sent, and says what to do', async () => {
		sim.inject({ on: 'submit', kind: 'drop' });
		const wf = generator('a fox, lost answer', { timeout: 5 });
		const first = await n8n.run(wf, 'Items');
		expect(first.status).toBe('error');
		const second = await n8n.run(wf, 'Items');
		expect(second.status).toBe('error');
		expect(second.error.message).toBe('Not submitted: the same call a moment ago may already have started this video');
		expect(second.error.description).toMatch(/Look for it with Task > Get Many, or vary the prompt/);
		// One request reached the API in all: the dropped one.
		expect({ submit: sim.counts.submit, dropped: sim.counts.faults }).toEqual({ submit: 0, dropped: 1 });
	});

	test('the first call was refused (nothing created) or its video failed: the repeat submits anew', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 400, code: 'bad_request' });
		const refused = generator('a fox, refused once', { timeout: 5 });
		expect((await n8n.run(refused, 'Items')).status).toBe('error');
		expect((await n8n.run(refused, 'Items')).json[0].state).toBe('succeeded');

		const failing = generator('a fox [fail]', { timeout: 5 });
		expect((await n8n.run(failing, 'Items')).json[0].state).toBe('failed');
		await n8n.run(failing, 'Items');
		expect(submissions()).toBe(3);
	});

	test('another process (queue mode, a restart): the workflow static data n8n saved finds the task; past 10 minutes it is a new video', async () => {
		sim.set({ generationMs: 20_000 });
		const wf = generator('a fox, another worker', { timeout: 1 });
		const first = await n8n.run(wf, 'Items');
		const saved = JSON.parse(JSON.stringify(wf.workflow.staticData));
		expect(Object.values(saved['node:Hailuo'].hailuoToolCalls)).toEqual([{ taskId: first.json[0].taskId, at: expect.any(Number) }]);

		/** The same workflow in a fresh process: the package loaded anew, the static data as n8n stored it. */
		const elsewhere = (staticData) => {
			let other;
			jest.isolateModules(() => {
				other = new (require('./harness/n8n').Instance)({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
			});
			return { workflowData: wf.workflowData, workflow: new Workflow({ ...wf.workflowData, staticData, nodeTypes: other.nodeTypes }), other };
		};
		const again = elsewhere(JSON.parse(JSON.stringify(saved)));
		const second = await again.other.run(again, 'Items');
		expect(second.json[0].taskId).toBe(first.json[0].taskId);
		expect(submissions()).toBe(1);

		const old = JSON.parse(JSON.stringify(saved));
		for (const call of Object.values(old['node:Hailuo'].hailuoToolCalls)) call.at -= 11 * 60_000;
		const later = elsewhere(old);
		const third = await later.other.run(later, 'Items');
		expect(third.json[0].taskId).not.toBe(first.json[0].taskId);
		expect(submissions()).toBe(2);
	}, 20_000);

	test('calls in flight at once keep each other\'s tasks: the copy of the static data written last has both', async () => {
		// Two calls of one tool that loaded the same stored static data; the second is written after the first.
		const a = generator('a fox, call one', { timeout: 1 });
		const bData = { ...generator('a fox, call two', { timeout: 1 }).workflowData, id: a.workflowData.id };
		const b = { workflowData: bData, workflow: new Workflow({ ...bData, staticData: JSON.parse(JSON.stringify(a.workflow.staticData)), nodeTypes: n8n.nodeTypes }) };
		const one = await n8n.run(a, 'Items');
		const two = await n8n.run(b, 'Items');
		const written = Object.values(b.workflow.staticData['node:Hailuo'].hailuoToolCalls).map((c) => c.taskId).sort();
		expect(written).toEqual([one.json[0].taskId, two.json[0].taskId].sort());
	}, 20_000);
});

describe("a tool's spending across calls ('Max Videos (All Calls)')", () => {
	beforeAll(async () => await useMemoryDeduplication());

	/** One tool node called with other prompts each time, as an agent in a loop or an MCP client does. */
	function toolNode(options) {
		const wf = generator('first', { timeout: 2, toolMaxVideos: 3, ...options });
		return (prompt) => {
			const workflowData = structuredClone(wf.workflowData);
			workflowData.nodes[0].parameters.items = JSON.stringify([{ prompt }]);
			return n8n.run({ workflowData, workflow: new Workflow({ ...workflowData, nodeTypes: n8n.nodeTypes }) }, 'Items');
		};
	}

	test('calls past the cap are refused before paying, naming the option and when the count starts again; a repeat of an earlier call still gets its task', async () => {
		const call = toolNode({});
		const paid = [];
		for (const prompt of ['one', 'two', 'three']) paid.push(await call(prompt));
		expect(paid.map((r) => r.status)).toEqual(['success', 'success', 'success']);
		const fourth = await call('four');
		expect(fourth.status).toBe('error');
		expect(fourth.error.message).toBe("Not submitted: this tool has made its 3 videos for this day ('Max Videos (All Calls)')");
		expect(fourth.error.description).toMatch(/^This call asked for a video, none is left before \d{4}-\d\d-\d\dT00:00:00Z, when the count starts again\. Nothing was paid\. If more videos are intended, raise 'Max Videos \(All Calls\)'/);
		expect(submissions()).toBe(3);
		const repeat = await call('two');
		expect(repeat.json[0].taskId).toBe(paid[1].json[0].taskId);
		expect(submissions()).toBe(3);
	});

	test('per hour: the refusal names the next full hour; another tool node counts apart', async () => {
		const call = toolNode({ toolMaxVideos: 1, toolMaxVideosPeriod: 'hour' });
		expect((await call('hourly one')).status).toBe('success');
		const refused = await call('hourly two');
		expect(refused.error.message).toMatch(/its 1 videos for this hour/);
		expect(refused.error.description).toMatch(/before \d{4}-\d\d-\d\dT\d\d:00:00Z/);
		expect((await toolNode({ toolMaxVideos: 1, toolMaxVideosPeriod: 'hour' })('another node')).status).toBe('success');
		expect(submissions()).toBe(2);
	});

	test('a copy of the workflow (its tool nodes keep their ids) counts apart from the original', async () => {
		const wf = generator('original', { timeout: 2, toolMaxVideos: 1 });
		const runWith = (data, prompt) => {
			const copy = structuredClone(data);
			copy.nodes[0].parameters.items = JSON.stringify([{ prompt }]);
			return n8n.run({ workflowData: copy, workflow: new Workflow({ ...copy, nodeTypes: n8n.nodeTypes }) }, 'Items');
		};
		expect((await runWith(wf.workflowData, 'original')).status).toBe('success');
		expect((await runWith(wf.workflowData, 'original, another prompt')).error.message).toMatch(/Max Videos \(All Calls\)/);
		const copied = { ...structuredClone(wf.workflowData), id: `${wf.workflowData.id}-copy` };
		expect((await runWith(copied, 'in the copy')).status).toBe('success');
		expect(submissions()).toBe(2);
	});

	test('ten calls at the same moment with a cap of 3: exactly 3 paid, 7 refused', async () => {
		sim.set({ submitLatencyMs: 200 });
		const call = toolNode({});
		const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => call(`at once ${i}`)));
		expect(runs.filter((r) => r.status === 'success')).toHaveLength(3);
		expect(runs.filter((r) => r.status === 'error' && /Max Videos \(All Calls\)/.test(r.error.message))).toHaveLength(7);
		expect(submissions()).toBe(3);
	});

	test('a call the API refuses without creating a task gives its place back', async () => {
		const call = toolNode({ toolMaxVideos: 1 });
		sim.inject({ on: 'submit', kind: 'status', status: 400, code: 'api_not_implemented', message: 'prompt is invalid' });
		expect((await call('refused by the API')).status).toBe('error');
		expect((await call('accepted')).status).toBe('success');
		expect(submissions()).toBe(1);
	});

	test('the node in a workflow has no such cap (Max Videos per Run guards a run)', async () => {
		const wf = hailuoWorkflow(n8n, {
			parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', completion: 'submitOnly', options: { toolMaxVideos: 1 } },
			items: Array.from({ length: 4 }, (_, i) => ({ prompt: `workflow ${i}` })),
		});
		expect((await n8n.run(wf, 'Items')).status).toBe('success');
		expect(submissions()).toBe(4);
	});
});
