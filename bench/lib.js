'use strict';
/** Small helpers shared by the benchmark scripts. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

/**
 * Every scenario's size: `full` gives the figures in docs/benchmarks.md;
 * `smoke` (`npm run bench:smoke`, HAILUO_BENCH_SMOKE=1) runs every scenario
 * small, so that CI sees a scenario that broke. Smoke figures are printed, not
 * judged and not written.
 */
const SMOKE = process.env.HAILUO_BENCH_SMOKE === '1';
const SIZES = {
	throughput: { full: { prompts: 100, runs: 3 }, smoke: { prompts: 10, runs: 1 } },
	statusRequests: { full: { videos: 100, scale: 20 }, smoke: { videos: 10, scale: 60 } },
	noticeDelay: { full: { runs: 40, scale: 5 }, smoke: { runs: 4, scale: 30 } },
	cpuPerItem: { full: { items: 1000 }, smoke: { items: 50 } },
	download: { full: { megabytes: 200, runs: 3 }, smoke: { megabytes: 5, runs: 1 } },
	realN8n: { full: { pauseRuns: 10, callbacks: 200, rounds: 3 }, smoke: { pauseRuns: 1, callbacks: 10, rounds: 1 } },
	callbackBurst: { full: { callbacks: 200, rounds: 3, lone: 15 }, smoke: { callbacks: 10, rounds: 1, lone: 2 } },
	catchUp: { full: { tasks: 200, lost: 20 }, smoke: { tasks: 10, lost: 2 } },
	queue: { full: { executions: 10, prompts: 20 }, smoke: { executions: 2, prompts: 2 } },
};

/** The size of scenario `name` for this run. */
function sized(name) {
	return SIZES[name][SMOKE ? 'smoke' : 'full'];
}

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

/** Writes bench/results/<name>.json and says so (a smoke run writes nothing). */
function writeResult(name, data) {
	if (SMOKE) {
		console.log('smoke run: figures not judged, bench/results left as they were');
		return;
	}
	const dir = path.join(ROOT, 'bench', 'results');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.json`);
	fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
	console.log(`written to ${path.relative(process.cwd(), file)}`);
}

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

module.exports = { SMOKE, sized, median, machine, startSimulatorProcess, writeResult, table, finishedCallbackBodies, ROOT };
