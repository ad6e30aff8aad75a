const http = require('node:http');
const { useSimulator, TOKEN } = require('./harness/fixtures');
const { runCredentialTest } = require('./harness/credentialTest');
const { createSimulator } = require('./simulator/simulator');

const { sim } = useSimulator();

describe('credential test (declarative, run as n8n runs it)', () => {
	test('a valid token passes and costs nothing', async () => {
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: sim.url });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sim.counts.submit).toBe(0);
		expect(sim.counts.retrieveBatch).toBe(1);
	});

	test('a Base URL with a trailing slash works', async () => {
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: `${sim.url}/` });
		expect(result.status).toBe('OK');
	});

	test('a wrong token is reported as such, without echoing it', async () => {
		const result = await runCredentialTest({ apiToken: 'nope-not-a-token', baseUrl: sim.url });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'The Hailuo API rejected the token (invalid_token). Open the Hailuo API credential and paste a valid token from the AceData Cloud console.',
		);
		expect(result.message).not.toContain('nope-not-a-token');
	});

	test('an unreachable server is told apart from a wrong token', async () => {
		const dead = createSimulator();
		const url = await dead.start();
		await dead.stop();
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: url });
		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});

	test('a Base URL that is not the API (HTML) is reported', async () => {
		const server = http.createServer((req, res) => res.end('<html>welcome</html>'));
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		try {
			const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: `http://127.0.0.1:${server.address().port}/` });
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^The Base URL did not answer like the Hailuo API/);
		} finally {
			server.close();
		}
	});

	test('a Base URL with spaces around it is trimmed; an empty one is the official API', async () => {
		expect(await runCredentialTest({ apiToken: TOKEN, baseUrl: `  ${sim.url}/ ` })).toEqual({ status: 'OK', message: 'Connection successful!' });
		// Where an empty Base URL sends the credential test (n8n's expression engine) and the node's requests.
		const { Workflow } = require('n8n-workflow');
		const { HailuoApi } = require('../dist/credentials/HailuoApi.credentials');
		const { normaliseBaseUrl } = require('../dist/nodes/Hailuo/transport/hailuoClient');
		const types = { getByName: () => ({ description: { properties: [] } }), getByNameAndVersion: () => ({ description: { properties: [] } }) };
		const workflow = new Workflow({ nodes: [{ id: 't', name: 'T', type: 't', typeVersion: 1, position: [0, 0], parameters: {} }], connections: {}, active: false, nodeTypes: types });
		const testUrl = (baseUrl) => workflow.expression.getParameterValue(new HailuoApi().test.request.baseURL, null, 0, 0, 'T', [], 'internal', { $credentials: { baseUrl } });
		for (const empty of ['', '   ', undefined]) {
			expect(testUrl(empty)).toBe('https://api.acedata.cloud');
			expect(normaliseBaseUrl(empty)).toBe('https://api.acedata.cloud');
		}
		expect(testUrl(' https://proxy.example/ ')).toBe('https://proxy.example');
	});

	test('a rate limit is not mistaken for a Base URL that is not the API', async () => {
		sim.inject({ on: 'tasks', kind: 'status', status: 429, code: 'too_many_requests', times: 1 });
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: sim.url });
		expect(result.message).toMatch(/^The Hailuo API is rate limiting this account \(too_many_requests\)/);
	});

	test('the API failing is not mistaken for a bad token', async () => {
		sim.inject({ on: 'tasks', kind: 'status', status: 500, code: 'api_error', times: 1 });
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: sim.url });
		expect(result).toEqual({ status: 'Error', message: 'The Hailuo API is failing (api_error); the token could not be checked. Try again later.' });
	});
});

describe('credential test: each account-wide answer of the provider gets its own words', () => {
	const { ACCOUNT_PROBLEMS } = require('../dist/nodes/Hailuo/transport/accountErrors');
	test.each([
		[401, 'invalid_token'],
		[401, 'token_expired'],
		[400, 'token_mismatched'],
		[401, 'token_mismatched'],
		[400, 'no_token'],
		[400, 'disabled'],
		[403, 'used_up'],
		[404, 'no_api'],
	])('HTTP %i %s', async (status, code) => {
		sim.inject({ on: 'tasks', kind: 'status', status, code, times: 1 });
		const result = await runCredentialTest({ apiToken: TOKEN, baseUrl: sim.url });
		const { headline, nextStep } = ACCOUNT_PROBLEMS[code];
		expect(result).toEqual({ status: 'Error', message: `${headline}. ${nextStep}` });
		expect(sim.counts.submit).toBe(0);
	});
});
