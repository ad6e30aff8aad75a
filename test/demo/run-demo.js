#!/usr/bin/env node
'use strict';
/**
 * npm run demo: runs the Hailuo node in n8n's execution engine on two prompts,
 * text-to-video and image-to-video, and prints what a user would look at.
 *
 * Without HAILUO_API_TOKEN it starts the bundled API simulator (no account, no
 * cost). With HAILUO_API_TOKEN (and optionally HAILUO_BASE_URL) it uses the real
 * API: two videos are generated and billed.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-demo-'));
process.env.N8N_LOG_LEVEL ??= 'silent';

const { createSimulator } = require('../simulator/simulator');
const { runHailuo } = require('../harness/n8n');

const SAMPLE_IMAGE = 'https://upload.wikimedia.org/wikipedia/commons/thumb/3/3a/Cat03.jpg/640px-Cat03.jpg';

async function main() {
	const realToken = process.env.HAILUO_API_TOKEN;
	let sim;
	let credentials;
	let options;
	if (realToken) {
		credentials = { apiToken: realToken, baseUrl: process.env.HAILUO_BASE_URL ?? 'https://api.acedata.cloud' };
		options = { pollInterval: 10, timeout: 900 };
		console.log(`Using the real Hailuo API at ${credentials.baseUrl} (two videos will be billed).`);
	} else {
		sim = createSimulator({ token: 'demo-token', generationMs: [2000, 4000], videoSize: 256 * 1024 });
		const url = await sim.start();
		credentials = { apiToken: 'demo-token', baseUrl: url };
		options = { pollInterval: 1, timeout: 60 };
		console.log(`Using the bundled API simulator at ${url} (set HAILUO_API_TOKEN to use the real API).`);
	}

	const jobs = [
		{
			label: 'Text to Video',
			parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', options },
			items: [{ prompt: 'A red fox trots through fresh snow at dawn, cinematic, slow motion' }],
		},
		{
			label: 'Image to Video',
			parameters: {
				resource: 'video',
				operation: 'imageToVideo',
				model: 'minimax-i2v',
				prompt: '={{ $json.prompt }}',
				firstImageUrl: '={{ $json.image }}',
				options,
			},
			items: [{ prompt: 'The cat slowly turns its head and blinks', image: SAMPLE_IMAGE }],
		},
	];

	console.log('Running two workflows (Items -> Hailuo) through n8n-core...\n');
	const started = Date.now();
	const runs = await Promise.all(jobs.map((job) => runHailuo({ ...job, credentials })));
	let ok = true;
	for (const [i, run] of runs.entries()) {
		const job = jobs[i];
		if (run.status !== 'success') {
			ok = false;
			console.log(`${job.label}: ERROR ${run.error?.message}\n  ${run.error?.description ?? ''}\n`);
			continue;
		}
		for (const item of run.json) {
			console.log(`${job.label}`);
			console.log(`  task id   ${item.taskId}`);
			console.log(`  state     ${item.state}${item.error ? ` (${item.error.code}: ${item.error.message})` : ''}`);
			console.log(`  model     ${item.model}`);
			console.log(`  video     ${item.videoUrl ?? '-'}`);
			console.log(`  took      ${(run.elapsedMs / 1000).toFixed(1)} s (generation ${item.elapsed ?? '?'} s)\n`);
			if (item.state !== 'succeeded') ok = false;
		}
	}
	console.log(`Both done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
	if (sim) {
		const c = sim.counts;
		console.log(`API requests: ${c.submit} submissions, ${c.retrieveBatch} batch status checks, ${c.retrieve} single status checks.`);
		await sim.stop();
	}
	process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
