const { useSimulator, textToVideo } = require('./harness/fixtures');

const { sim, run } = useSimulator();

describe('a task that fails', () => {
	test('is output as state "failed" with its error, the other items go on', async () => {
		const r = await run(textToVideo(), [{ prompt: 'ok' }, { prompt: 'bad [fail]' }, { prompt: 'ok too' }]);
		expect(r.status).toBe('success');
		expect(r.json.map((j) => j.state)).toEqual(['succeeded', 'failed', 'succeeded']);
		expect(r.json[1]).toMatchObject({
			videoUrl: null,
			error: { code: 'generation_failed', message: expect.stringContaining('moderation') },
		});
		expect(r.json[1].taskId).toEqual(expect.any(String));
	});

	test('with "On Task Failure: Error" it stops the workflow, naming the task and trace id', async () => {
		const r = await run(textToVideo({}, { onTaskFailure: 'error' }), [{ prompt: 'bad [fail]' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(/^Task [0-9a-f-]{36} failed: The video could not be generated.*\(generation_failed\)$/);
		expect(r.error.description).toContain('Trace id');
	});

	test('with Continue On Fail the failure becomes an error item, other items are kept', async () => {
		const r = await run(textToVideo({}, { onTaskFailure: 'error' }), [{ prompt: 'fine' }, { prompt: 'bad [fail]' }], {
			continueOnFail: true,
		});
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('succeeded');
		// Only "error" and "details": the shape n8n sends down a node's error output.
		expect(Object.keys(r.json[1]).sort()).toEqual(['details', 'error']);
		expect(r.json[1]).toMatchObject({ error: expect.stringContaining('failed'), details: { state: 'failed', taskId: expect.any(String) } });
	});
});

test('when one task fails the run, the error names every task this run paid for', async () => {
	const r = await run(textToVideo({}, { onTaskFailure: 'error' }), [{ prompt: 'one' }, { prompt: '[fail] two' }, { prompt: 'three' }]);
	expect(r.status).toBe('error');
	const created = sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);
	expect(created).toHaveLength(3);
	for (const id of created) expect(r.error.description).toContain(id);
	expect(r.error.context.submittedTaskIds.sort()).toEqual([...created].sort());
});

describe('timeout', () => {
	test('outputs the task as pending with a hint, never losing its id', async () => {
		sim.set({ generationMs: 5000 });
		const r = await run(textToVideo({}, { pollInterval: 0.2, timeout: 1 }), [{ prompt: 'slow' }]);
		expect(r.status).toBe('success');
		const [item] = r.json;
		expect(['pending', 'processing']).toContain(item.state);
		expect(item.taskId).toEqual(expect.any(String));
		expect(item.hint).toContain('Task > Wait');
		expect(r.elapsedMs).toBeLessThan(3000);
		// The task is still there to be picked up later.
		expect(sim.tasks.has(item.taskId)).toBe(true);
	});

	test('with "On Timeout: Error" the error carries the task id', async () => {
		sim.set({ generationMs: 5000 });
		const r = await run(textToVideo({}, { pollInterval: 0.2, timeout: 1, onTimeout: 'error' }), [{ prompt: 'slow' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(/^Task [0-9a-f-]{36} did not finish within 1 s$/);
		expect(r.error.description).toContain('It is not lost');
	});

	test('Task > Wait picks a timed-out task up later', async () => {
		sim.set({ generationMs: 2000 });
		const first = await run(textToVideo({}, { pollInterval: 0.2, timeout: 1 }), [{ prompt: 'later' }]);
		expect(first.json[0].state).not.toBe('succeeded');
		const later = await run(
			{ resource: 'task', operation: 'wait', taskId: first.json[0].taskId, options: { pollInterval: 0.2, timeout: 10 } },
			[{}],
		);
		expect(later.json[0]).toMatchObject({ taskId: first.json[0].taskId, state: 'succeeded' });
		expect(sim.counts.submit).toBe(1);
	});
});
