#!/usr/bin/env node
'use strict';
/**
 * npm run bench:download: memory used while a 200 MB video becomes n8n binary
 * data. The node's streamed path (n8n filesystem binary mode) against a
 * buffered baseline (the whole body read into memory, then stored), each in a
 * fresh process, against the simulator in another process.
 * Target: the streamed path grows RSS by less than 32 MB.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { median, sized, startSimulatorProcess, writeResult, table } = require('./lib');

const SIZE = Number(process.env.BENCH_VIDEO_MB ?? sized('download').megabytes) * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? sized('download').runs);
const TARGET_MB = 32;

async function variant(name, url, taskId) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-bench-'));
	process.env.N8N_LOG_LEVEL = 'silent';
	const { useFilesystemBinaryData, runHailuo } = require('../test/harness/n8n');
	const service = await useFilesystemBinaryData();
	const credentials = { apiToken: 'sim-token', baseUrl: url };
	const parameters = { resource: 'task', operation: 'get', taskId, download: name === 'streamed' };

	// Warm up: load every module on both paths by running the node's download once.
	await runHailuo({ parameters: { ...parameters, download: true }, credentials, timeoutMs: 600_000 });
	global.gc?.();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const started = Date.now();
	let bytes;
	if (name === 'streamed') {
		const run = await runHailuo({ parameters, credentials, timeoutMs: 600_000 });
		if (run.status !== 'success') throw new Error(run.error?.message);
		bytes = run.items[0].binary.data.bytes;
	} else {
		// What a node that buffers does: the whole file in memory, then handed to n8n.
		const { request } = require('undici');
		const run = await runHailuo({ parameters, credentials });
		const response = await request(run.json[0].videoUrl);
		const buffer = Buffer.from(await response.body.arrayBuffer());
		const stored = await service.store({ type: 'execution', workflowId: 'wf', executionId: 'bench' }, buffer, { mimeType: 'video/mp4', fileName: 'x.mp4' });
		bytes = stored.bytes;
	}
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	process.send({ growthMb: (peak - before) / 2 ** 20, seconds: (Date.now() - started) / 1000, bytes });
}

/** 4. Peak RSS growth while a 200 MB video becomes binary data: streamed vs buffered. */
async function downloadMemory() {
	const sim = await startSimulatorProcess(['--video-size', String(SIZE), '--generation-ms', '50', '--token', 'sim-token']);
	try {
		const { request } = require('undici');
		const submitted = await request(`${sim.url}/hailuo/videos`, {
			method: 'POST',
			headers: { authorization: 'Bearer sim-token', 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'generate', prompt: 'bench', async: true }),
		});
		const { task_id: taskId } = await submitted.body.json();
		await new Promise((r) => setTimeout(r, 200));

		const results = {};
		for (const name of ['streamed', 'buffered']) {
			results[name] = [];
			for (let i = 0; i < RUNS; i++) {
				const child = fork(__filename, ['--variant', name, sim.url, taskId], { execArgv: ['--expose-gc'] });
				const measured = await new Promise((resolve, reject) => {
					child.once('message', resolve);
					child.once('exit', (code) => code && reject(new Error(`${name} exited ${code}`)));
				});
				if (measured.bytes !== SIZE) throw new Error(`${name}: ${measured.bytes} bytes, expected ${SIZE}`);
				results[name].push(measured);
			}
		}
		const streamed = median(results.streamed.map((r) => r.growthMb));
		const buffered = median(results.buffered.map((r) => r.growthMb));
		return {
			name: `4. Peak RSS growth, ${SIZE / 2 ** 20} MB video to binary data (fresh process per run)`,
			figure: `${streamed.toFixed(1)} MB streamed (the node)`,
			baseline: `${buffered.toFixed(1)} MB buffered`,
			ratio: `${(buffered / streamed).toFixed(0)}x less`,
			target: `< ${TARGET_MB} MB`,
			met: streamed < TARGET_MB,
			raw: results,
		};
	} finally {
		sim.stop();
	}
}

async function main() {
	const figure = await downloadMemory();
	console.log(`\n${figure.name} (median of ${RUNS} runs):\n`);
	console.log(
		table([
			['', 'RSS growth', 'target'],
			['streamed (the node)', figure.figure.split(' ')[0] + ' MB', `${figure.target}: ${figure.met ? 'met' : 'MISSED'}`],
			['buffered (baseline)', figure.baseline.split(' ')[0] + ' MB', ''],
		]),
	);
	writeResult('download', figure);
}

module.exports = { downloadMemory };

if (process.argv[2] === '--variant') {
	variant(process.argv[3], process.argv[4], process.argv[5]).catch((error) => {
		console.error(error);
		process.exit(1);
	});
} else if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
