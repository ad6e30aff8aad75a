'use strict';
/**
 * Runs the credential's declarative `test` the way n8n's credential tester
 * does (n8n's CredentialsTester.runRequestTest): the test request becomes the
 * routing of a throw-away node, n8n-core's RoutingNode sends it through n8n's
 * helpers with the credential applied, and the answer is judged by the
 * credential's rules. A real n8n's credential dialog is covered by the
 * end-to-end suite.
 */
const { ExecuteContext, RoutingNode } = require('n8n-core');
const { Workflow, createEmptyRunExecutionData } = require('n8n-workflow');
const { Instance } = require('./n8n');

async function runCredentialTest(data) {
	const instance = new Instance({ credentials: data });
	const credentialType = instance.credentialTypes.hailuoApi;
	const { request, rules = [] } = credentialType.test;
	const testType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'hailuoApi', required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } }],
		},
	};
	const node = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { hailuoApi: { id: 'cred-1', name: 'Hailuo' } },
	};
	const nodeTypes = {
		getByName: () => testType,
		getByNameAndVersion: () => testType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new ExecuteContext(
		workflow,
		node,
		instance.additionalData('credential-test'),
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const credentials = { id: 'cred-1', name: 'Hailuo', type: 'hailuoApi', data };
	let response;
	try {
		response = await new RoutingNode(context, testType, credentials).runNode();
	} catch (error) {
		const status = error.cause?.response?.status;
		if (status !== undefined) {
			const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === status);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (status < 199 || status > 299) return { status: 'Error', message: error.cause.response.statusText || `Received HTTP status code: ${status}` };
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}
	const body = response[0][0].json;
	const get = (value, key) => key.split('.').reduce((current, part) => (current == null ? undefined : current[part]), value);
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && get(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

module.exports = { runCredentialTest };
