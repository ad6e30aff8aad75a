const http = require('node:http');
const path = require('node:path');
const { CredentialTestContext } = require('n8n-core');
const { useSimulator, TOKEN } = require('./harness/fixtures');
const { createSimulator } = require('./simulator/simulator');

const { Hailuo } = require(path.resolve(__dirname, '../dist/nodes/Hailuo/Hailuo.node.js'));
const { sim } = useSimulator();

/** Runs the node's credential test as n8n's credential tester does, with n8n-core's own context. */
async function testCredential(data) {
	const node = new Hailuo();
	const [credential] = node.description.credentials;
	const fn = node.methods.credentialTest[credential.testedBy];
	const context = new CredentialTestContext({});
	return await fn.call(context, { id: 'c1', name: 'Hailuo', type: 'hailuoApi', data });
}

describe('credential test', () => {
	test('a valid token passes and costs nothing', async () => {
		const result = await testCredential({ apiToken: TOKEN, baseUrl: sim.url });
		expect(result).toEqual({ status: 'OK', message: 'The token is accepted by the Hailuo API.' });
		expect(sim.counts.submit).toBe(0);
		expect(sim.counts.retrieve).toBe(1);
	});

	test('a wrong token is reported as such', async () => {
		const result = await testCredential({ apiToken: 'nope', baseUrl: sim.url });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('rejected the token');
		expect(result.message).not.toContain('nope');
	});

	test('an unreachable server is told apart from a wrong token', async () => {
		const dead = createSimulator();
		const url = await dead.start();
		await dead.stop();
		const result = await testCredential({ apiToken: TOKEN, baseUrl: url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(new RegExp(`^Cannot reach ${url} \\(ECONNREFUSED\\)`));
		expect(result.message).toContain('the token was not checked');
		expect(result.message).not.toContain(TOKEN);
	});

	test('a Base URL that is not the API (HTML) is reported', async () => {
		const server = http.createServer((req, res) => res.end('<html>welcome</html>'));
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		try {
			const result = await testCredential({ apiToken: TOKEN, baseUrl: `http://127.0.0.1:${server.address().port}/` });
			expect(result.status).toBe('Error');
			expect(result.message).toContain("but not with the API's JSON");
		} finally {
			server.close();
		}
	});

	test('an empty token is refused without a request', async () => {
		const result = await testCredential({ apiToken: ' ', baseUrl: sim.url });
		expect(result).toEqual({ status: 'Error', message: 'The API Token is empty.' });
		expect(sim.counts.retrieve + sim.counts.unauthorized).toBe(0);
	});
});
