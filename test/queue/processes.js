'use strict';
/**
 * Child processes in process groups of their own, registered so that every
 * group still alive is killed when the test process ends for any reason
 * (normal exit, a failed hook, Ctrl-C, a jest timeout).
 */
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const alive = new Set();

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

function killAll() {
	for (const child of alive) killGroup(child.pid, 'SIGKILL');
	alive.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(signal, () => {
		killAll();
		process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
	});
}

/**
 * Starts `command` detached (its own process group), output appended to `log`.
 * Returns { pid, exited, exitCode(), stop(signal, graceMs) }.
 */
function startGroup(command, args, { env, log, cwd } = {}) {
	const out = fs.openSync(log, 'a');
	const child = spawn(command, args, { env, cwd, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	const handle = {
		pid: child.pid,
		exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
		exitCode: () => child.exitCode ?? child.signalCode,
		async stop(signal = 'SIGTERM', graceMs = 15_000) {
			if (handle.exitCode() === null) {
				killGroup(child.pid, signal);
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
				await handle.exited;
				clearTimeout(timer);
			}
			// What the leader left behind in its group (task runners, backends) goes too.
			killGroup(child.pid, 'SIGKILL');
			alive.delete(handle);
		},
	};
	// Registered until stop(): a dead leader may leave live members in its group.
	alive.add(handle);
	return handle;
}

/** Resolves when `probe()` returns true; fails early when `handle` exits. */
async function waitUntil(probe, { handle, timeoutMs, what, log }) {
	const end = Date.now() + timeoutMs;
	for (;;) {
		if (handle && handle.exitCode() !== null) throw new Error(`${what} exited early (${handle.exitCode()}); see ${log}`);
		try {
			if (await probe()) return;
		} catch {
			// not ready yet
		}
		if (Date.now() > end) throw new Error(`${what} not ready after ${timeoutMs} ms; see ${log}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

module.exports = { startGroup, waitUntil, killAll };
