/**
 * The shipped examples (examples/*.json) import and work as their notes say:
 * every node type exists (ours, or an n8n node at a version that n8n 1.123 and
 * 2.40 both have: test/e2e/examples.e2e.js asks real n8n), every Hailuo
 * parameter is one the node shows for its resource and operation (n8n drops the
 * others on import), connections join existing nodes, sticky notes set each one
 * up, senders call back to a receiver's path with its secret, nothing uses a
 * video before an IF on `state`, and the agent's system message covers every
 * state a tool answers.
 *
 * HAILUO_EXAMPLES_DIR runs the same checks on another folder (e.g. the examples
 * of an older commit: `git archive <commit> examples | tar -x -C /tmp/old`).
 */
const fs = require('node:fs');
const path = require('node:path');
const { NodeHelpers } = require('n8n-workflow');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const DIR = process.env.HAILUO_EXAMPLES_DIR ? path.resolve(process.env.HAILUO_EXAMPLES_DIR) : path.join(ROOT, 'examples');
const { TRIGGER_WEBHOOK_PATH } = require(path.join(DIST, 'nodes/Hailuo/trigger/messages.js'));

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Our node types by full type name (as n8n loads the package), with their tool variants. */
const OURS = new Map();
for (const file of PACKAGE.n8n.nodes) {
	const module = require(path.join(ROOT, file));
	for (const NodeClass of Object.values(module)) {
		const description = new NodeClass().description;
		OURS.set(`${PACKAGE.name}.${description.name}`, description);
		if (description.usableAsTool) OURS.set(`${PACKAGE.name}.${description.name}Tool`, description);
	}
}
const HAILUO = `${PACKAGE.name}.hailuo`;
const HAILUO_TOOL = `${PACKAGE.name}.hailuoTool`;
const TRIGGER = `${PACKAGE.name}.hailuoTrigger`;
/** What n8n adds to a node's parameters when it makes it a tool (n8n-workflow's convertNodeToAiTool). */
const TOOL_PARAMETERS = ['descriptionType', 'toolDescription'];

/**
 * n8n's own nodes the examples may use, at versions both n8n 1.123.81 and
 * 2.40.7 have (the end-to-end file checks each against both).
 */
const N8N_TYPES = {
	'n8n-nodes-base.manualTrigger': [1],
	'n8n-nodes-base.scheduleTrigger': [1.2],
	'n8n-nodes-base.code': [2],
	'n8n-nodes-base.set': [3.4],
	'n8n-nodes-base.if': [2, 2.1, 2.2],
	'n8n-nodes-base.filter': [2.2],
	'n8n-nodes-base.noOp': [1],
	'n8n-nodes-base.stopAndError': [1],
	'n8n-nodes-base.wait': [1.1],
	'n8n-nodes-base.httpRequest': [4.2],
	'n8n-nodes-base.postgres': [2.6],
	'n8n-nodes-base.stickyNote': [1],
	'@n8n/n8n-nodes-langchain.chatTrigger': [1.1],
	'@n8n/n8n-nodes-langchain.agent': [3],
	'@n8n/n8n-nodes-langchain.lmChatOpenAi': [1.3],
	'@n8n/n8n-nodes-langchain.mcpTrigger': [2],
};

/** The states a Hailuo node or tool answers with (README, Output). */
const TOOL_STATES = ['pending', 'processing', 'succeeded', 'failed'];

const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const EXAMPLES = FILES.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) }));
const byFile = (file) => EXAMPLES.find((e) => e.file === file)?.workflow;

const isNote = (node) => node.type === 'n8n-nodes-base.stickyNote';
const notesOf = (workflow) => workflow.nodes.filter(isNote).map((n) => String(n.parameters.content ?? '')).join('\n');
const isExpression = (value) => typeof value === 'string' && value.startsWith('=');

/** Main-connection successors of a node: [[names of output 0], [names of output 1], …]. */
function outputs(workflow, name) {
	return (workflow.connections[name]?.main ?? []).map((targets) => (targets ?? []).map((t) => t.node));
}

/** A node's parameters as n8n keeps them (defaults filled in, what is not shown for this resource and operation dropped). */
function asN8nKeepsThem(description, node) {
	return NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
}

/**
 * What is wrong with a Hailuo node's parameters: names n8n would drop (unknown,
 * or not shown for the node's resource, operation and completion), values that
 * are not among a field's options, required fields left empty.
 */
function parameterProblems(node) {
	const description = OURS.get(node.type);
	const kept = asN8nKeepsThem(description, node);
	const problems = [];
	const check = (values, keptValues, properties, at) => {
		for (const [name, value] of Object.entries(values)) {
			if (at === '' && node.type === HAILUO_TOOL && TOOL_PARAMETERS.includes(name)) continue;
			if (!(name in keptValues)) {
				problems.push(`${at}${name}: not a parameter of this resource/operation (n8n drops it)`);
				continue;
			}
			const shown = properties.filter((p) => p.name === name && p.type !== 'notice');
			const property = shown.find((p) => NodeHelpers.displayParameter(at === '' ? kept : keptValues, p, node, description, kept)) ?? shown[0];
			if (!property || isExpression(value)) continue;
			if (property.type === 'options' && !property.options.some((o) => o.value === value)) problems.push(`${at}${name}: "${value}" is not one of its options`);
			if (property.type === 'multiOptions') {
				for (const v of value) if (!property.options.some((o) => o.value === v)) problems.push(`${at}${name}: "${v}" is not one of its options`);
			}
			if (property.type === 'collection') check(value, keptValues[name] ?? {}, property.options, `${at}${name}.`);
		}
	};
	check(node.parameters, kept, description.properties, '');
	const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: kept }, description);
	for (const [name, messages] of Object.entries(issues?.parameters ?? {})) problems.push(`${name}: ${messages.join(' ')}`);
	return problems;
}

/** An IF node that lets only `state` = "succeeded" through its true output. */
function isStateCheck(node) {
	if (node?.type !== 'n8n-nodes-base.if') return false;
	const conditions = node.parameters?.conditions?.conditions ?? [];
	return conditions.some(
		(c) => /\.state\s*}}\s*$/.test(String(c.leftValue)) && c.rightValue === 'succeeded' && c.operator?.operation === 'equals',
	);
}

/** Hailuo nodes (not tools) whose output can carry a video: polling, pausing, Task > Get/Wait. */
function outputsVideo(node) {
	if (node.type !== HAILUO) return false;
	const { resource = 'video', operation, completion = 'poll' } = node.parameters;
	if (resource === 'video') return completion !== 'submitOnly';
	return ['get', 'getMany', 'wait'].includes(operation ?? 'get');
}

/** The trigger path a Callback URL leads to (`<webhook id>/hailuo`), and its secret. */
function callbackTarget(url) {
	const parsed = new URL(url);
	const match = /^\/webhook\/(.+)$/.exec(parsed.pathname);
	return { path: match?.[1], secret: parsed.searchParams.get('secret') };
}

function senders() {
	return EXAMPLES.flatMap(({ file, workflow }) =>
		workflow.nodes
			.filter((n) => n.type === HAILUO && typeof n.parameters.options?.callbackUrl === 'string')
			.map((node) => ({ file, node, url: node.parameters.options.callbackUrl, ...callbackTarget(node.parameters.options.callbackUrl) })),
	);
}

function receivers() {
	return EXAMPLES.flatMap(({ file, workflow }) =>
		workflow.nodes
			.filter((n) => n.type === TRIGGER)
			.map((node) => ({ file, node, path: `${node.webhookId}/${TRIGGER_WEBHOOK_PATH}`, secret: node.parameters.secret ?? '' })),
	);
}

test('the examples are there, each a workflow with a name, nodes and connections', () => {
	expect(FILES.length).toBeGreaterThanOrEqual(7);
	for (const { file, workflow } of EXAMPLES) {
		expect({ file, name: typeof workflow.name, nodes: Array.isArray(workflow.nodes), connections: typeof workflow.connections }).toEqual({
			file,
			name: 'string',
			nodes: true,
			connections: 'object',
		});
	}
});

describe.each(FILES)('%s', (file) => {
	const workflow = byFile(file);

	test("every node type is one of this package's or an n8n node at a version n8n 1.123 and 2.40 both have", () => {
		const unknown = workflow.nodes
			.filter((n) => !(OURS.has(n.type) ? OURS.get(n.type).version === n.typeVersion || [].concat(OURS.get(n.type).version).includes(n.typeVersion) : N8N_TYPES[n.type]?.includes(n.typeVersion)))
			.map((n) => `${n.name}: ${n.type} v${n.typeVersion}`);
		expect(unknown).toEqual([]);
	});

	test('node names and ids are unique', () => {
		const names = workflow.nodes.map((n) => n.name);
		const ids = workflow.nodes.map((n) => n.id);
		expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
		expect(ids.filter((n, i) => ids.indexOf(n) !== i)).toEqual([]);
	});

	test('every Hailuo parameter is one the node shows for its resource and operation, with a valid value', () => {
		const problems = workflow.nodes.filter((n) => OURS.has(n.type)).flatMap((n) => parameterProblems(n).map((p) => `${n.name}: ${p}`));
		expect(problems).toEqual([]);
	});

	test('connections join nodes that exist', () => {
		const names = new Set(workflow.nodes.map((n) => n.name));
		const broken = [];
		for (const [source, byType] of Object.entries(workflow.connections)) {
			if (!names.has(source)) broken.push(`from missing node "${source}"`);
			for (const [type, outputsList] of Object.entries(byType)) {
				for (const targets of outputsList) {
					for (const target of targets ?? []) {
						if (!names.has(target.node)) broken.push(`${source} -> missing node "${target.node}"`);
						if (target.type !== type) broken.push(`${source} -> ${target.node}: ${target.type} on a ${type} output`);
					}
				}
			}
		}
		expect(broken).toEqual([]);
		// Every node but notes and triggers has something coming in (no stray node).
		const reached = new Set(Object.values(workflow.connections).flatMap((byType) => Object.values(byType).flat(2).map((t) => t.node)));
		const sources = new Set(Object.keys(workflow.connections));
		const stray = workflow.nodes.filter((n) => !isNote(n) && !reached.has(n.name) && !sources.has(n.name) && !/trigger/i.test(n.type)).map((n) => n.name);
		expect(stray).toEqual([]);
	});

	test('sticky notes alone set it up: the credential, and publishing, the time zone and the URL where they apply', () => {
		const notes = notesOf(workflow);
		expect(workflow.nodes.filter(isNote).length).toBeGreaterThanOrEqual(1);
		for (const n of workflow.nodes.filter(isNote)) expect(String(n.parameters.content ?? '').trim()).not.toBe('');
		if (workflow.nodes.some((n) => n.credentials?.hailuoApi)) expect(notes).toMatch(/Hailuo API\*? credential/);
		// A workflow that must be published to work says how, in both lines' words.
		const mustPublish = workflow.nodes.some((n) => [TRIGGER, 'n8n-nodes-base.scheduleTrigger', '@n8n/n8n-nodes-langchain.mcpTrigger'].includes(n.type));
		if (mustPublish) expect(notes).toMatch(/publish[\s\S]*n8n 2\.x[\s\S]*Activate/i);
		if (workflow.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger')) expect(notes).toMatch(/GENERIC_TIMEZONE/);
		for (const sender of senders().filter((s) => s.file === file)) {
			const url = new URL(sender.url);
			// The note shows the URL as shipped and names each part to replace.
			expect(notes).toContain(sender.url);
			expect(notes).toContain(`\`${url.origin}\``);
			expect(notes).toContain(`\`${sender.secret}\``);
		}
		for (const receiver of receivers().filter((r) => r.file === file)) {
			expect(notes).toContain(`/webhook/${receiver.path}`);
			if (receiver.secret) expect(notes).toContain(`\`${receiver.secret}\``);
		}
	});

	test('no video is used before an IF lets only state "succeeded" through, and the other branch goes to a named node', () => {
		const problems = [];
		const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
		// Steps that only route or add to the item (e.g. "did a callback come?") are fine when they leave the video alone and each of their branches reaches the IF on state or a Hailuo node.
		const reachesCheck = (name, seen = new Set()) => {
			const node = byName.get(name);
			if (isStateCheck(node) || node?.type === HAILUO) return true;
			if (!node || seen.has(name) || /videoUrl|binary/.test(JSON.stringify(node.parameters))) return false;
			const next = outputs(workflow, name);
			return next.length > 0 && next.every((branch) => branch.length > 0 && branch.every((after) => reachesCheck(after, new Set([...seen, name]))));
		};
		for (const node of workflow.nodes.filter(outputsVideo)) {
			const next = outputs(workflow, node.name).flat();
			if (next.length === 0) problems.push(`${node.name}: its videos go nowhere (add an IF on state)`);
			for (const name of next) if (!reachesCheck(name)) problems.push(`${node.name} -> ${name}: not an IF on state`);
		}
		// After a trigger, steps before the IF may claim or filter the task but not touch its video.
		for (const trigger of workflow.nodes.filter((n) => n.type === TRIGGER)) {
			const seen = new Set();
			const walk = (name) => {
				for (const next of outputs(workflow, name).flat()) {
					if (seen.has(next)) continue;
					seen.add(next);
					const node = byName.get(next);
					if (isStateCheck(node)) continue;
					if (/videoUrl|binary/.test(JSON.stringify(node.parameters))) problems.push(`${trigger.name} -> … ${next}: uses the video before an IF on state`);
					walk(next);
				}
			};
			walk(trigger.name);
		}
		for (const check of workflow.nodes.filter(isStateCheck)) {
			const [yes = [], no = []] = outputs(workflow, check.name);
			if (yes.length === 0 || no.length === 0) problems.push(`${check.name}: both branches must lead somewhere (true: use the video; false: what was not ready)`);
		}
		expect(problems).toEqual([]);
	});
});

describe('the sender and receiver examples point at each other', () => {
	test('there is at least one of each', () => {
		expect(senders().length).toBeGreaterThan(0);
		expect(receivers().length).toBeGreaterThan(0);
	});

	test("every sender's Callback URL is a Hailuo Trigger's production URL path in these examples, with that trigger's secret", () => {
		const all = receivers();
		for (const sender of senders()) {
			const matching = all.filter((r) => r.path === sender.path);
			expect({ sender: sender.file, path: sender.path, receivers: matching.map((r) => r.file) }).toEqual({
				sender: sender.file,
				path: sender.path,
				receivers: expect.arrayContaining([expect.any(String)]),
			});
			for (const receiver of matching) expect({ receiver: receiver.file, secret: receiver.secret }).toEqual({ receiver: receiver.file, secret: sender.secret ?? '' });
		}
	});

	test('every receiver is called back by a sender in these examples', () => {
		const paths = new Set(senders().map((s) => s.path));
		const orphans = receivers().filter((r) => !paths.has(r.path)).map((r) => `${r.file}: /webhook/${r.path}`);
		expect(orphans).toEqual([]);
	});

	test('the shipped Callback URL is a placeholder to replace (a host reserved for examples, a "change-me" secret)', () => {
		for (const sender of senders()) {
			const url = new URL(sender.url);
			expect(url.protocol).toBe('https:');
			expect(url.hostname).toMatch(/(^|\.)example\.(com|net|org)$/);
			expect(sender.secret).toBe('change-me');
		}
	});
});

test('an example collects videos without a public URL: Return the Task ID at Once, an n8n Wait node, Task > Wait on the task id, an IF on state', () => {
	const found = EXAMPLES.filter(({ workflow }) => {
		const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
		return workflow.nodes.some((submit) => {
			if (submit.type !== HAILUO || submit.parameters.completion !== 'submitOnly' || submit.parameters.options?.callbackUrl) return false;
			return outputs(workflow, submit.name).flat().some((waitName) => {
				const wait = byName.get(waitName);
				if (wait?.type !== 'n8n-nodes-base.wait') return false;
				return outputs(workflow, waitName).flat().some((collectName) => {
					const collect = byName.get(collectName);
					return (
						collect?.type === HAILUO &&
						collect.parameters.resource === 'task' &&
						collect.parameters.operation === 'wait' &&
						/taskId/.test(collect.parameters.taskId) &&
						outputs(workflow, collectName).flat().every((n) => isStateCheck(byName.get(n)))
					);
				});
			});
		});
	});
	expect(found.map((e) => e.file)).toEqual(['no-public-url.json']);
});

test("the AI Agent's system message says what to do for every state a tool answers", () => {
	const agents = EXAMPLES.flatMap(({ workflow }) => workflow.nodes.filter((n) => n.type === '@n8n/n8n-nodes-langchain.agent'));
	expect(agents.length).toBeGreaterThan(0);
	for (const agent of agents) {
		const message = agent.parameters.options?.systemMessage ?? '';
		for (const state of TOOL_STATES) expect({ state, mentioned: message.includes(`"${state}"`) }).toEqual({ state, mentioned: true });
		// Still running (either state) means waiting again, never generating again.
		expect(message).toMatch(/"pending" or "processing"[^\n]*Wait for video/);
	}
});

describe('the parameter check catches what n8n would drop or refuse', () => {
	const submit = () => structuredClone(byFile('submit-nightly-batch.json').nodes.find((n) => n.type === HAILUO));
	test.each([
		['an unknown parameter', (n) => (n.parameters.promt = 'x'), /promt: not a parameter/],
		['an option not shown for this completion', (n) => (n.parameters.options.pollInterval = 5), /options\.pollInterval: not a parameter/],
		['an unknown option', (n) => (n.parameters.options.callbackURL = 'https://x'), /options\.callbackURL: not a parameter/],
		['a value that is not one of the options', (n) => (n.parameters.completion = 'returnAtOnce'), /completion: "returnAtOnce" is not one of its options/],
		['a field of another operation', (n) => (n.parameters.taskId = '={{ $json.taskId }}'), /taskId: not a parameter/],
		['a required field left empty', (n) => Object.assign(n.parameters, { resource: 'task', operation: 'wait', completion: undefined, prompt: undefined, options: {} }), /Task ID/],
	])('%s', (_, mutate, problem) => {
		expect(parameterProblems(submit())).toEqual([]);
		const node = submit();
		mutate(node);
		for (const key of Object.keys(node.parameters)) if (node.parameters[key] === undefined) delete node.parameters[key];
		expect(parameterProblems(node).join('\n')).toMatch(problem);
	});
});
