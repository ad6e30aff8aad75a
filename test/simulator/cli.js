#!/usr/bin/env node
'use strict';
/**
 * npm run simulator -- --port 8787 [--token sim-token] [--generation-ms 5000 | 30000,90000]
 *   [--failure-rate 0.1] [--rate-limit 10] [--duplicate-callbacks 1] [--video-size 1048576]
 *   [--submit-latency-ms 200] [--no-channel-rate 0.3] [--no-channel-next 5] [--video-state-field status]
 */
const { createSimulator } = require('./simulator');

function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const key = argv[i].replace(/^--/, '');
		args[key] = argv[i + 1];
		i++;
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const number = (name) => (args[name] === undefined ? undefined : Number(args[name]));
	const options = Object.fromEntries(
		Object.entries({
			token: args.token,
			generationMs: args['generation-ms']?.includes(',') ? args['generation-ms'].split(',').map(Number) : number('generation-ms'),
			submitLatencyMs: number('submit-latency-ms'),
			failureRate: number('failure-rate'),
			rateLimitPerSecond: number('rate-limit'),
			duplicateCallbacks: number('duplicate-callbacks'),
			videoSize: number('video-size'),
			noChannelRate: number('no-channel-rate'),
			noChannelNext: number('no-channel-next'),
			videoStateField: args['video-state-field'],
		}).filter(([, v]) => v !== undefined),
	);
	const sim = createSimulator(options);
	const url = await sim.start(number('port') ?? 8787, args.host ?? '127.0.0.1');
	console.log(`Hailuo API simulator listening on ${url} (token: ${sim.config.token})`);
	const stop = async () => {
		console.log(`requests: ${JSON.stringify(sim.counts)}`);
		await sim.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
