'use strict';
/**
 * Runs real workflows through n8n's own execution engine (n8n-core's
 * WorkflowExecute) with the package's compiled nodes, the way an n8n instance
 * runs them, minus the server: parameters are resolved by n8n, requests go
 * through n8n's helpers and credentials are applied by the credential type's
 * own `authenticate` definition.
 */
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { Workflow, ICredentialsHelper } = require('n8n-workflow');
const http = require('node:http');
const { WorkflowExecute, ExecutionLifecycleHooks, WebhookContext } = require('n8n-core');

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const PACKAGE = 'n8n-nodes-hailuo';

/**
 * The tool variant n8n derives from a node with `usableAsTool` ("Hailuo
 * Tool"): the same node under the type name plus "Tool". n8n 2.x's AI Agent
 * runs it as a node run, as here.
 */
function toolVariant(node) {
	const tool = Object.create(node);
	tool.description = { ...node.description, name: `${node.description.name}Tool`, displayName: `${node.description.displayName} Tool` };
	return tool;
}

function loadPackage() {
	const { Hailuo } = require(path.join(DIST, 'nodes/Hailuo/Hailuo.node.js'));
	const { HailuoApi } = require(path.join(DIST, 'credentials/HailuoApi.credentials.js'));
	const hailuo = new Hailuo();
	const nodes = { [`${PACKAGE}.hailuo`]: hailuo, [`${PACKAGE}.hailuoTool`]: toolVariant(hailuo) };
	try {
		const { HailuoTrigger } = require(path.join(DIST, 'nodes/Hailuo/HailuoTrigger.node.js'));
		nodes[`${PACKAGE}.hailuoTrigger`] = new HailuoTrigger();
	} catch {
		// The trigger node is optional for the harness.
	}
	return { nodes, credentialTypes: { hailuoApi: new HailuoApi() } };
}

/**
 * A loop, as n8n's Loop Over Items or an IF back-edge makes one: the same
 * items (its `items` parameter) go out on "loop" for the first `passes` runs
 * of this node, then its input goes out on "done".
 */
class TestPasses {
	description = {
		displayName: 'Test Passes',
		name: 'testPasses',
		group: ['transform'],
		version: 1,
		description: 'Loops a number of times',
		defaults: { name: 'Passes' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		properties: [
			{ displayName: 'Passes', name: 'passes', type: 'number', default: 1 },
			{ displayName: 'Items', name: 'items', type: 'json', default: '[]' },
		],
	};

	async execute() {
		// Counted in the node's context, as Loop Over Items counts: n8n's run index also counts the placeholder runs of a recovered run.
		const context = this.getContext('node');
		const done = typeof context.passesDone === 'number' ? context.passesDone : 0;
		if (done >= this.getNodeParameter('passes', 0)) return [[], this.getInputData()];
		context.passesDone = done + 1;
		return [JSON.parse(this.getNodeParameter('items', 0)).map((json) => ({ json })), []];
	}
}

/** Items -> Passes -> Hailuo -> back to Passes: the Hailuo node runs `passes` times in one execution. */
function loopWorkflow(instance, { parameters, items = [{}], passes, continueOnFail = false }) {
	return instance.workflow(
		[
			{ name: 'Items', type: 'testItems', parameters: { items: JSON.stringify(items) } },
			{ name: 'Passes', type: 'testPasses', parameters: { passes, items: JSON.stringify(items) } },
			{ name: 'Hailuo', type: `${PACKAGE}.hailuo`, parameters, onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow' },
		],
		{
			Items: { main: [[{ node: 'Passes', type: 'main', index: 0 }]] },
			Passes: { main: [[{ node: 'Hailuo', type: 'main', index: 0 }], []] },
			Hailuo: { main: [[{ node: 'Passes', type: 'main', index: 0 }]] },
		},
	);
}

/**
 * A killed run as n8n rebuilds it from its event log: the data it was created
 * with (its start node on the stack) and one run per node that had started.
 */
function recoveredFromEventLog(entry, recovered) {
	const runData = {};
	let lastNodeExecuted;
	for (const { name } of entry.workflowData.nodes) {
		const how = recovered[name];
		if (how === undefined) continue;
		const run = { startTime: Date.now(), executionIndex: 0, executionTime: how === 'finished' ? 1 : 0, source: [null] };
		runData[name] = [
			how === 'finished'
				? { ...run, executionStatus: 'success', data: { main: [[{ json: { isArtificialRecoveredEventItem: true } }]] } }
				: { ...run, executionStatus: 'crashed', error: { message: `Node '${name}' execution crashed` } },
		];
		lastNodeExecuted = name;
	}
	const startNode = entry.workflow.getNode(entry.startNode);
	return {
		startData: {},
		resultData: { runData, lastNodeExecuted, error: { message: 'Workflow did not finish, possible out-of-memory issue' } },
		executionData: {
			contextData: {},
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	};
}

/** A start node that emits the items given in its `items` parameter (like a Manual Trigger + Code node). */
class TestItems {
	description = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['trigger'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute() {
		const raw = this.getNodeParameter('items', 0);
		const items = typeof raw === 'string' ? JSON.parse(raw) : raw;
		return [items.map((json) => ({ json }))];
	}
}

class NodeTypes {
	constructor(types) {
		this.types = types;
	}
	getByName(name) {
		return this.types[name];
	}
	getByNameAndVersion(name) {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}
	getKnownTypes() {
		return {};
	}
}

/** Applies a credential type's generic `authenticate` block, resolving its expressions with n8n. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(credentialTypes, store) {
		super();
		this.credentialTypes = credentialTypes;
		this.store = store;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const type = this.credentialTypes[typeName];
		const auth = type.authenticate;
		if (!auth || auth.type !== 'generic') return requestOptions;
		const resolve = (value) =>
			workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
				$credentials: credentials,
			});
		for (const [where, values] of Object.entries(auth.properties)) {
			requestOptions[where] = requestOptions[where] ?? {};
			for (const [key, value] of Object.entries(values)) requestOptions[where][key] = resolve(value);
		}
		return requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('not used');
	}
	async getDecrypted(_additionalData, nodeCredentials, type) {
		const data = this.store[nodeCredentials.id];
		if (!data) throw new Error(`No credential ${nodeCredentials.id} of type ${type}`);
		return { ...data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type) {
		return this.credentialTypes[type].properties;
	}
}

const BASE = 'http://127.0.0.1:5678';

/**
 * One n8n-like instance in-process: node types, credentials, the engine, and
 * (optionally) an HTTP server playing n8n's webhook layer: POST
 * /webhook/<path> runs a trigger node's webhook(), POST
 * /webhook-waiting/<executionId> resumes a paused execution the way n8n does
 * (the node's webhook() output becomes its output, then the run goes on).
 */
class Instance {
	constructor({ credentials = {} } = {}) {
		const { nodes, credentialTypes } = loadPackage();
		this.nodeTypes = new NodeTypes({ ...nodes, testItems: new TestItems(), testPasses: new TestPasses() });
		this.credentialTypes = credentialTypes;
		this.store = { 'cred-1': credentials };
		this.baseUrl = BASE;
		this.waiting = new Map();
		this.finished = new Map();
		this.triggers = new Map();
		this.started = [];
	}

	setCredentials(data) {
		this.store['cred-1'] = data;
	}

	additionalData(executionId, http = {}) {
		return {
			credentialsHelper: new CredentialsHelper(this.credentialTypes, this.store),
			executionId,
			restApiUrl: `${this.baseUrl}/rest`,
			instanceBaseUrl: `${this.baseUrl}/`,
			formBaseUrl: `${this.baseUrl}/form`,
			formWaitingBaseUrl: `${this.baseUrl}/form-waiting`,
			formTestBaseUrl: `${this.baseUrl}/form-test`,
			webhookBaseUrl: `${this.baseUrl}/webhook`,
			webhookWaitingBaseUrl: `${this.baseUrl}/webhook-waiting`,
			webhookTestBaseUrl: `${this.baseUrl}/webhook-test`,
			mcpBaseUrl: `${this.baseUrl}/mcp`,
			mcpTestBaseUrl: `${this.baseUrl}/mcp-test`,
			currentNodeExecutionIndex: 0,
			variables: {},
			executeWorkflow: async () => {
				throw new Error('not used');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			...http,
		};
	}

	/** A workflow object from n8n JSON (nodes get the test credential). */
	workflow(nodes, connections = {}) {
		const workflowData = {
			id: `wf-${randomUUID().slice(0, 8)}`,
			name: 'Hailuo test',
			active: false,
			nodes: nodes.map((node) => ({
				id: randomUUID(),
				typeVersion: 1,
				position: [0, 0],
				...node,
				credentials: node.type.startsWith(PACKAGE) && !node.noCredential ? { hailuoApi: { id: 'cred-1', name: 'Hailuo account' } } : undefined,
			})),
			connections,
			settings: { executionOrder: 'v1' },
		};
		return { workflowData, workflow: new Workflow({ ...workflowData, nodeTypes: this.nodeTypes }) };
	}

	hooksFor(executionId, workflowData, mode, retryOf) {
		return new ExecutionLifecycleHooks(mode, executionId, workflowData, retryOf);
	}

	/** Runs a workflow from its start node; a run that pauses is kept for resume(). */
	async run({ workflowData, workflow }, startNode, { timeoutMs = 25_000, mode = 'manual', retryOf, executionId = randomUUID() } = {}) {
		const additionalData = this.additionalData(executionId);
		additionalData.hooks = this.hooksFor(executionId, workflowData, mode, retryOf);
		const execution = new WorkflowExecute(additionalData, mode);
		const result = await withTimeout(execution.run({ workflow, startNode: workflow.getNode(startNode) }), timeoutMs);
		return this.keep(executionId, { workflowData, workflow, mode, startNode }, result);
	}

	/**
	 * n8n's Retry of an ended execution (ExecutionService.retry): its saved data
	 * (as the database gives it back), minus the error and the failed node's
	 * last run, runs on in mode 'retry'. `afterKill`: n8n was killed before it
	 * saved anything but the start, so the run starts over from the first node.
	 * `recovered` (with `afterKill`): what n8n rebuilt from its event log
	 * (ExecutionRecoveryService): node name -> 'finished' (a placeholder run
	 * with one artificial item) or 'crashed' (a run with an error), in the
	 * workflow's node order; the Retry then runs the workflow again from its
	 * start after those runs.
	 * `saysRetryOf: false` is n8n 1.x, which keeps the retried id from nodes.
	 */
	async retry(executionId, { afterKill = false, recovered, saysRetryOf = true, timeoutMs = 25_000 } = {}) {
		const entry = this.finished.get(executionId);
		const retryOf = saysRetryOf ? executionId : undefined;
		if (afterKill && recovered === undefined) return await this.run(entry, entry.startNode, { mode: 'retry', retryOf, timeoutMs });
		const data = afterKill ? recoveredFromEventLog(entry, recovered) : JSON.parse(JSON.stringify(entry.result.data));
		const { lastNodeExecuted } = data.resultData;
		delete data.resultData.error;
		const runs = data.resultData.runData[lastNodeExecuted];
		if (runs?.at(-1)?.error !== undefined) runs.pop();
		const newId = randomUUID();
		const additionalData = this.additionalData(newId);
		additionalData.hooks = this.hooksFor(newId, entry.workflowData, 'retry', retryOf);
		const execution = new WorkflowExecute(additionalData, 'retry', data);
		const result = await withTimeout(execution.processRunExecutionData(entry.workflow), timeoutMs);
		return this.keep(newId, { ...entry, mode: 'retry' }, result);
	}

	keep(executionId, wf, result) {
		const entry = { executionId, ...wf, result };
		if (result.status === 'waiting') this.waiting.set(executionId, entry);
		else this.finished.set(executionId, entry);
		return { executionId, ...summarise(result) };
	}

	/** What n8n does when a waiting execution's time limit passes: re-run, the paused node disabled. */
	async expireWait(executionId, { timeoutMs = 25_000 } = {}) {
		const entry = this.waiting.get(executionId);
		this.waiting.delete(executionId);
		const additionalData = this.additionalData(executionId);
		additionalData.hooks = this.hooksFor(executionId, entry.workflowData, 'webhook');
		const execution = new WorkflowExecute(additionalData, 'webhook', entry.result.data);
		const result = await withTimeout(execution.processRunExecutionData(entry.workflow), timeoutMs);
		return this.keep(executionId, entry, result);
	}

	async resume(executionId, req, res) {
		const entry = this.waiting.get(executionId);
		if (!entry) return res.status(409).json({ message: 'execution is not waiting' });
		const runExecutionData = entry.result.data;
		const stackEntry = runExecutionData.executionData.nodeExecutionStack[0];
		const node = stackEntry.node;
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type);
		const additionalData = this.additionalData(executionId, { httpRequest: req, httpResponse: res });
		const webhookData = { webhookDescription: nodeType.description.webhooks[0], isTest: false, node: node.name, workflowId: entry.workflow.id, httpMethod: 'POST', path: '' };
		// As n8n does: the resume call runs in the mode of the execution it resumes ('manual' from the editor).
		const context = new WebhookContext(entry.workflow, node, additionalData, entry.mode ?? 'webhook', webhookData, [], runExecutionData);
		const response = await nodeType.webhook.call(context);
		if (!response.workflowData) {
			if (!response.noWebhookResponse) res.status(200).json(response.webhookResponse ?? { message: 'Workflow got started.' });
			return;
		}
		this.waiting.delete(executionId);
		if (!response.noWebhookResponse) res.status(200).json({ message: 'Workflow was resumed' });
		stackEntry.data.main = response.workflowData;
		const resumeData = this.additionalData(executionId);
		resumeData.hooks = this.hooksFor(executionId, entry.workflowData, 'webhook');
		const execution = new WorkflowExecute(resumeData, 'webhook', runExecutionData);
		const result = await execution.processRunExecutionData(entry.workflow);
		this.keep(executionId, entry, result);
		entry.resolve?.();
	}

	/**
	 * Registers an active workflow whose trigger listens on POST /webhook/<path>.
	 * Mode 'manual' is the editor's "Test this trigger".
	 */
	activate(wf, triggerName, { mode = 'webhook' } = {}) {
		const node = wf.workflow.getNode(triggerName);
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type);
		const path = `${node.webhookId}/${nodeType.description.webhooks[0].path}`;
		this.triggers.set(path, { ...wf, node, nodeType, mode });
		return `${this.baseUrl}/webhook/${path}`;
	}

	async trigger(path, req, res) {
		const entry = this.triggers.get(path);
		// n8n's own answer for a production URL no active workflow listens on.
		if (!entry) return res.status(404).json({ code: 404, message: `The requested webhook "POST ${path}" is not registered.` });
		const executionId = randomUUID();
		const additionalData = this.additionalData(executionId, { httpRequest: req, httpResponse: res });
		const webhookData = { webhookDescription: entry.nodeType.description.webhooks[0], isTest: false, node: entry.node.name, workflowId: entry.workflow.id, httpMethod: 'POST', path };
		const context = new WebhookContext(entry.workflow, entry.node, additionalData, entry.mode, webhookData, [], undefined);
		const response = await entry.nodeType.webhook.call(context);
		if (!response.workflowData) {
			if (!response.noWebhookResponse) res.status(200).json(response.webhookResponse ?? {});
			return;
		}
		// noWebhookResponse: the node answered the caller itself, then handed over the data.
		if (!response.noWebhookResponse) res.status(200).json({ message: 'Workflow was started' });
		this.started.push({ executionId, items: response.workflowData[0], json: response.workflowData[0].map((i) => i.json) });
	}

	/** Starts the HTTP webhook layer on a loopback port. */
	async listen() {
		this.server = http.createServer((req, res) => {
			handle(this, req, res).catch((error) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ message: error.message }));
				}
			});
		});
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${this.server.address().port}`;
		return this.baseUrl;
	}

	async close() {
		if (this.server) await new Promise((resolve) => this.server.close(resolve));
	}
}

/** A small express-like request/response pair over node's http, as n8n's webhook layer gives nodes. */
async function handle(instance, req, res) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	const rawBody = Buffer.concat(chunks);
	const url = new URL(req.url, 'http://n8n');
	const request = {
		method: req.method,
		url: req.url,
		originalUrl: req.url,
		headers: req.headers,
		query: Object.fromEntries(url.searchParams),
		params: {},
		body: {},
	};
	// n8n keeps the unparsed body beside the parsed one; `instance.rawBodyAbsent` plays an n8n that does not.
	if (!instance.rawBodyAbsent) request.rawBody = rawBody;
	// As n8n's body parser: a form body becomes an object of its fields (a JSON text sent as a form: one key holding it).
	if (/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') && rawBody.length > 0) {
		request.body = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
	}
	if (/json/i.test(req.headers['content-type'] ?? '') && rawBody.length > 0) {
		try {
			request.body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			res.writeHead(400, { 'content-type': 'application/json' });
			return res.end(JSON.stringify({ message: 'invalid JSON' }));
		}
	}
	const response = {
		statusCode: 200,
		headersSent: false,
		status(code) {
			this.statusCode = code;
			return this;
		},
		json(body) {
			this.headersSent = true;
			res.writeHead(this.statusCode, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
			return this;
		},
		end(body) {
			this.headersSent = true;
			res.writeHead(this.statusCode);
			res.end(body);
			return this;
		},
	};
	const [, kind, ...rest] = url.pathname.split('/');
	if (req.method === 'POST' && kind === 'webhook-waiting') return await instance.resume(rest[0], request, response);
	if (req.method === 'POST' && kind === 'webhook') return await instance.trigger(rest.join('/'), request, response);
	response.status(404).json({ message: 'not found' });
}

function withTimeout(run, timeoutMs) {
	let timer;
	return Promise.race([
		run,
		new Promise((_, reject) => {
			timer = setTimeout(() => {
				run.cancel?.();
				reject(new Error(`workflow still running after ${timeoutMs} ms`));
			}, timeoutMs);
		}),
	]).finally(() => clearTimeout(timer));
}

/** What a user sees of a run: the Hailuo node's output items, or the error. */
function summarise(result, nodeName = 'Hailuo') {
	const taskData = result.data.resultData.runData[nodeName]?.at(-1);
	const items = taskData?.data?.main?.[0] ?? [];
	return {
		status: result.status,
		items,
		json: items.map((item) => item.json),
		error: result.data.resultData.error,
		waitTill: result.waitTill,
		result,
	};
}

/**
 * n8n's deduplication store (processed_data) in memory, with the same answers:
 * one list per workflow and node, values recorded when first seen. Installed
 * once per test file (n8n-core allows one).
 */
class MemoryDeduplicator {
	constructor() {
		this.lists = new Map();
		this.calls = 0;
		this.failures = 0;
	}
	list(scope, { workflow, node }) {
		const key = `${workflow.id}|${scope === 'node' ? node.id : ''}`;
		if (!this.lists.has(key)) this.lists.set(key, []);
		return this.lists.get(key);
	}
	/** The next `count` calls fail, as n8n's store does when two executions create a node's row at once. */
	failNext(count = 1) {
		this.failures = count;
	}
	maybeFail() {
		if (this.failures > 0) {
			this.failures--;
			throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
		}
	}
	async checkProcessedAndRecord(items, scope, contextData, options) {
		this.calls++;
		this.maybeFail();
		const list = this.list(scope, contextData);
		const answer = { new: [], processed: [] };
		for (const item of items) {
			if (list.includes(String(item))) answer.processed.push(item);
			else {
				answer.new.push(item);
				list.push(String(item));
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		return answer;
	}
	async checkProcessedItemsAndRecord() {
		throw new Error('not used');
	}
	async removeProcessed(items, scope, contextData) {
		this.calls++;
		this.maybeFail();
		const list = this.list(scope, contextData);
		for (const item of items) {
			const at = list.indexOf(String(item));
			if (at !== -1) list.splice(at, 1);
		}
	}
	async clearAllProcessedItems(scope, contextData) {
		this.list(scope, contextData).length = 0;
	}
	async getProcessedDataCount(scope, contextData) {
		return this.list(scope, contextData).length;
	}
}

let deduplicator;
async function useMemoryDeduplication() {
	if (deduplicator) return deduplicator;
	const { DataDeduplicationService } = require('n8n-core');
	deduplicator = new MemoryDeduplicator();
	await DataDeduplicationService.init(deduplicator);
	return deduplicator;
}

/** Items -> Hailuo (with the given parameters). */
function hailuoWorkflow(instance, { parameters, items = [{}], continueOnFail = false, nodeSettings = {} }) {
	return instance.workflow(
		[
			{ name: 'Items', type: 'testItems', parameters: { items: JSON.stringify(items) } },
			{ name: 'Hailuo', type: `${PACKAGE}.hailuo`, parameters, onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow', ...nodeSettings },
		],
		{ Items: { main: [[{ node: 'Hailuo', type: 'main', index: 0 }]] } },
	);
}

/** Build and run Items -> Hailuo once; returns the output items or the error. */
async function runHailuo({ parameters, items = [{}], credentials, continueOnFail = false, nodeSettings, timeoutMs }) {
	const instance = new Instance({ credentials });
	const started = Date.now();
	const run = await instance.run(hailuoWorkflow(instance, { parameters, items, continueOnFail, nodeSettings }), 'Items', { timeoutMs });
	return { ...run, elapsedMs: Date.now() - started };
}

/**
 * Switches n8n's binary data to its filesystem mode (as on a default n8n
 * server): prepareBinaryData then streams files to disk under N8N_USER_FOLDER.
 */
async function useFilesystemBinaryData() {
	const { Container } = require('@n8n/di');
	const { BinaryDataService } = require('n8n-core');
	const service = Container.get(BinaryDataService);
	await service.init();
	return service;
}

/**
 * Runs `fn` while every node context has `member` replaced (`descriptor`, as
 * Object.defineProperty takes it): a part of n8n made absent or different.
 */
async function withNodeContext(member, descriptor, fn) {
	const { ExecuteContext } = require('n8n-core');
	let owner = ExecuteContext.prototype;
	while (!Object.getOwnPropertyDescriptor(owner, member)) owner = Object.getPrototypeOf(owner);
	const original = Object.getOwnPropertyDescriptor(owner, member);
	Object.defineProperty(owner, member, { configurable: true, ...descriptor });
	try {
		await fn();
	} finally {
		Object.defineProperty(owner, member, original);
	}
}

module.exports = { withNodeContext, runHailuo, hailuoWorkflow, loopWorkflow, Instance, loadPackage, PACKAGE, useFilesystemBinaryData, useMemoryDeduplication };
