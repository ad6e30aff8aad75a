'use strict';
/**
 * A throw-away PostgreSQL 15 (Debian's binaries) on a loopback port, with a
 * data dir of its own under the system temp dir. Postgres refuses to run as
 * root, so as root it runs as the `postgres` user the package creates.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startGroup, waitUntil } = require('./processes');
const { freePort } = require('../e2e/instance');

const BIN = process.env.HAILUO_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** argv prefix that runs a command as the postgres user when we are root. */
function asPostgres() {
	if (process.getuid() !== 0) return [];
	return ['/usr/bin/setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'];
}

function run(argv, options = {}) {
	const [command, ...args] = [...asPostgres(), ...argv];
	return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

async function startPostgres({ dir } = {}) {
	dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-queue-pg-'));
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { recursive: true });
	if (process.getuid() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
	fs.chmodSync(data, 0o700);
	run([path.join(BIN, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
	const port = await freePort();
	const log = path.join(dir, 'postgres.log');
	fs.writeFileSync(log, '');
	if (process.getuid() === 0) execFileSync('chown', ['postgres:postgres', log]);
	// Durability is not under test: skip fsyncs so a 2-core machine spends its time on n8n.
	const argv = [
		...asPostgres(),
		path.join(BIN, 'postgres'),
		'-D', data, '-p', String(port), '-k', dir,
		'-c', 'listen_addresses=127.0.0.1',
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
		'-c', 'max_connections=200',
	];
	const handle = startGroup(argv[0], argv.slice(1), { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, log });
	await waitUntil(
		async () => {
			run([path.join(BIN, 'pg_isready'), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']);
			return true;
		},
		{ handle, timeoutMs: 30_000, what: 'postgres', log },
	);
	return {
		port,
		dir,
		/** Environment for every n8n process of the cluster. */
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
		},
		/** Runs one SQL statement; returns psql's unaligned output. */
		sql(statement) {
			return run([path.join(BIN, 'psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-At', '-c', statement]).trim();
		},
		async stop() {
			// SIGINT is Postgres's "fast" shutdown.
			await handle.stop('SIGINT', 10_000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startPostgres };
