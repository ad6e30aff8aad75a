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
const { Workflow, ICredentialsHelper, createDeferredPromise } = require('n8n-workflow');
const { WorkflowExecute, ExecutionLifecycleHooks } = require('n8n-core');

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const PACKAGE = 'n8n-nodes-hailuo';

function loadPackage() {
	const { Hailuo } = require(path.join(DIST, 'nodes/Hailuo/Hailuo.node.js'));
	const { HailuoApi } = require(path.join(DIST, 'credentials/HailuoApi.credentials.js'));
	const nodes = { [`${PACKAGE}.hailuo`]: new Hailuo() };
	try {
		const { HailuoTrigger } = require(path.join(DIST, 'nodes/Hailuo/HailuoTrigger.node.js'));
		nodes[`${PACKAGE}.hailuoTrigger`] = new HailuoTrigger();
	} catch {
		// The trigger node is optional for the harness.
	}
	return { nodes, credentialTypes: { hailuoApi: new HailuoApi() } };
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

/**
 * Build and run a workflow: Items -> Hailuo (parameters given) [-> more nodes].
 * Returns what a user sees: the Hailuo node's output items, or the error.
 */
async function runHailuo({ parameters, items = [{}], credentials, continueOnFail = false, extraTypes = {}, timeoutMs }) {
	const { nodes: packageNodes, credentialTypes } = loadPackage();
	const nodeTypes = new NodeTypes({ ...packageNodes, testItems: new TestItems(), ...extraTypes });
	const credentialId = 'cred-1';
	const store = { [credentialId]: credentials };
	const workflowData = {
		id: 'wf-test',
		name: 'Hailuo test',
		active: false,
		nodes: [
			{ id: randomUUID(), name: 'Items', type: 'testItems', typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } },
			{
				id: randomUUID(),
				name: 'Hailuo',
				type: `${PACKAGE}.hailuo`,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: { hailuoApi: { id: credentialId, name: 'Hailuo account' } },
				onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
			},
		],
		connections: { Items: { main: [[{ node: 'Hailuo', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const executionId = randomUUID();
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const logs = [];
	const additionalData = {
		credentialsHelper: new CredentialsHelper(credentialTypes, store),
		hooks,
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		currentNodeExecutionIndex: 0,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	};
	const started = Date.now();
	const execution = new WorkflowExecute(additionalData, 'manual');
	const run = execution.run({ workflow, startNode: workflow.getNode('Items') });
	let timer;
	const result = await (timeoutMs
		? Promise.race([run, new Promise((_, reject) => (timer = setTimeout(() => { run.cancel(); reject(new Error(`workflow still running after ${timeoutMs} ms`)); }, timeoutMs)))])
		: run).finally(() => clearTimeout(timer));
	const runData = result.data.resultData.runData.Hailuo;
	const taskData = runData?.[0];
	return {
		status: result.status,
		elapsedMs: Date.now() - started,
		items: taskData?.data?.main?.[0] ?? [],
		json: (taskData?.data?.main?.[0] ?? []).map((item) => item.json),
		error: result.data.resultData.error,
		nodeError: taskData?.error,
		waitTill: result.waitTill,
		logs,
		result,
	};
}

module.exports = { runHailuo, loadPackage, NodeTypes, CredentialsHelper, PACKAGE, createDeferredPromise };
