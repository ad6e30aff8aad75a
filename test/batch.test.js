const { useSimulator, textToVideo } = require('./harness/fixtures');
const { waitFor } = require('./harness/wait');

const { sim, run } = useSimulator();

describe('many items', () => {
	test('50 prompts: bounded concurrent submission, one status request per poll round, input order kept', async () => {
		// Videos finish at different times, in reverse order of submission: the last 25 after the
		// first status round, the first 25 after the second (released by the test, so that how
		// fast the machine submits cannot make them all finish at once).
		sim.set({ generationMs: 600_000, submitLatencyMs: 20 });
		const items = Array.from({ length: 50 }, (_, i) => ({ prompt: `prompt ${i}` }));
		const rounds = () => sim.log.filter((e) => e.kind === 'retrieveBatch').length;
		const submitted = () => sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);
		const release = (async () => {
			await waitFor(() => rounds() >= 1, 20_000, 'the first status round');
			for (const id of submitted().slice(25)) sim.finishNow(id);
			await waitFor(() => rounds() >= 2, 20_000, 'the second status round');
			for (const id of submitted().slice(0, 25)) sim.finishNow(id);
		})();
		const r = await run(textToVideo({}, { pollInterval: 0.5, concurrency: 5 }), items);
		await release;

		expect(r.status).toBe('success');
		expect(r.json).toHaveLength(50);
		expect(r.json.map((j) => j.prompt)).toEqual(items.map((i) => i.prompt));
		expect(r.items.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(r.json.every((j) => j.state === 'succeeded' && j.videoUrl)).toBe(true);

		expect(sim.counts.submit).toBe(50);
		expect(sim.counts.maxConcurrentSubmits).toBe(5);
		expect(sim.counts.retrieve).toBe(0);
		// One request per round for all 50 still running: three rounds at 0.5 s.
		const batches = sim.log.filter((e) => e.kind === 'retrieveBatch');
		expect(batches.length).toBe(sim.counts.retrieveBatch);
		expect(sim.counts.retrieveBatch).toBeGreaterThanOrEqual(2);
		expect(sim.counts.retrieveBatch).toBeLessThanOrEqual(5);
		expect(batches[0].ids).toHaveLength(50);
		// A task is asked for again only if it had not finished when it was last read. (The simulator ends a
		// task with a timer due at its finishedAt: read in that very millisecond, it may still be running.)
		for (let i = 1; i < batches.length; i++) {
			for (const id of batches[i].ids) expect(sim.tasks.get(id).finishedAt).toBeGreaterThanOrEqual(batches[i - 1].at);
		}
		expect(batches.at(-1).ids.length).toBeLessThan(50);
	});

	test('120 items are polled in batches of at most 50 ids', async () => {
		sim.set({ generationMs: 400, submitLatencyMs: 20 });
		const items = Array.from({ length: 120 }, (_, i) => ({ prompt: `p${i}` }));
		const r = await run(textToVideo({}, { pollInterval: 1, concurrency: 10 }), items);
		expect(r.json).toHaveLength(120);
		expect(r.json.every((j) => j.state === 'succeeded')).toBe(true);
		const sizes = sim.log.filter((e) => e.kind === 'retrieveBatch').map((e) => e.ids.length);
		expect(sizes).toEqual([50, 50, 20]);
		expect(sim.counts.maxConcurrentSubmits).toBe(10);
	});

	test('concurrency makes submissions overlap: 20 prompts at 100 ms each take about 4 rounds, not 20', async () => {
		sim.set({ submitLatencyMs: 100 });
		const items = Array.from({ length: 20 }, (_, i) => ({ prompt: `p${i}` }));
		const started = Date.now();
		const r = await run(textToVideo({ completion: 'submitOnly' }, { concurrency: 5 }), items);
		const elapsed = Date.now() - started;
		expect(r.json).toHaveLength(20);
		expect(sim.counts.maxConcurrentSubmits).toBe(5);
		expect(elapsed).toBeLessThan(20 * 100);
	});
});
