'use strict';
/** Small helpers shared by the benchmark scripts. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function machine() {
	return `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Starts the simulator CLI in a child process (so it does not count in this process's memory). */
async function startSimulatorProcess(args) {
	const child = spawn(process.execPath, [path.join(ROOT, 'test/simulator/cli.js'), '--port', '0', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = await new Promise((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = output.match(/listening on (http:\/\/[^\s]+)/);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
	});
	return { url, stop: () => child.kill('SIGTERM') };
}

/** `count` finished tasks created straight at the simulator, as callback bodies. */
async function finishedCallbackBodies(sim, token, count, prompt = 'cb') {
	const { request } = require('undici');
	const ids = [];
	for (let i = 0; i < count; i++) {
		const answer = await request(`${sim.url}/hailuo/videos`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'generate', prompt: `${prompt} ${i}`, async: true }),
		});
		ids.push((await answer.body.json()).task_id);
	}
	ids.forEach((id) => sim.finishNow(id));
	return ids.map((id) => sim.finalResult(id));
}

function writeResult(name, data) {
	const dir = path.join(ROOT, 'bench', 'results');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.json`);
	fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
	return file;
}

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

module.exports = { median, machine, startSimulatorProcess, writeResult, table, finishedCallbackBodies, ROOT };
