'use strict';
/** A throw-away Redis (Debian's redis-server) on a loopback port, nothing persisted. */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { startGroup, waitUntil } = require('./processes');
const { freePort } = require('../e2e/instance');

function ping(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

async function startRedis() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-queue-redis-'));
	const port = await freePort();
	const log = path.join(dir, 'redis.log');
	const handle = startGroup(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ env: { PATH: process.env.PATH }, log },
	);
	await waitUntil(() => ping(port), { handle, timeoutMs: 15_000, what: 'redis', log });
	return {
		port,
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		async stop() {
			await handle.stop('SIGTERM', 5000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startRedis };
