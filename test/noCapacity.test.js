/**
 * A task the provider accepted and then dropped for lack of capacity
 * ("no channel available for <model>", no state), and video entries that
 * carry `status` instead of `state`: through real workflows.
 */
const { useSimulator, textToVideo } = require('./harness/fixtures');

const { sim, run } = useSimulator();

const created = () => sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);

/** The parts every no-capacity error must say, whatever the model. */
function expectCapacityMessage(message, model) {
	expect(message).toContain(`The provider is out of capacity for ${model}`);
	expect(message).toContain(`the API said "no channel available for ${model}", code api_error`);
	expect(message).toContain('This is not a fault of the prompt.');
	expect(message).toContain('Resubmitting later creates a new task, which is billed.');
	expect(message).toContain('check the AceData Cloud console');
}

describe('a task failed for lack of capacity', () => {
	test('On Task Failure: output: a failed task with the capacity message, the others go on, nothing resubmitted', async () => {
		sim.set({ noChannelNext: 1 });
		const r = await run(textToVideo({}, { concurrency: 1 }), [{ prompt: 'first' }, { prompt: 'second' }, { prompt: 'third' }]);
		expect(r.status).toBe('success');
		expect(r.json.map((j) => j.state)).toEqual(['failed', 'succeeded', 'succeeded']);
		const [failed] = r.json;
		expect(failed).toMatchObject({ taskId: created()[0], videoUrl: null, error: { code: 'no_capacity' } });
		expectCapacityMessage(failed.error.message, 'minimax-t2v');
		expect(sim.counts.submit).toBe(3);
	});

	test('On Task Failure: Error: an error naming the task, with the capacity message', async () => {
		const r = await run(textToVideo({}, { onTaskFailure: 'error' }), [{ prompt: 'busy [no-channel]' }]);
		expect(r.status).toBe('error');
		const [taskId] = created();
		expect(r.error.message).toMatch(new RegExp(`^Task ${taskId} failed: The provider is out of capacity for minimax-t2v.*\\(no_capacity\\)$`));
		expectCapacityMessage(r.error.message, 'minimax-t2v');
		expect(r.error.description).toContain('Trace id');
		expect(sim.counts.submit).toBe(1);
	});

	test('the model in the message is the task\'s own (a hand-typed model)', async () => {
		const r = await run(textToVideo({ model: 'other', customModel: 'minimax-t2v-02' }), [{ prompt: 'x [no-channel]' }]);
		expectCapacityMessage(r.json[0].error.message, 'minimax-t2v-02');
	});

	test('a burst: every task of a run dropped, each output as failed, one submission each', async () => {
		sim.set({ noChannelRate: 1 });
		const r = await run(textToVideo(), [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }, { prompt: 'd' }]);
		expect(r.json.every((j) => j.state === 'failed' && j.error.code === 'no_capacity')).toBe(true);
		expect(sim.counts.submit).toBe(4);
	});

	test('Task > Get reads such a task as failed with the same words; the raw record keeps the provider\'s', async () => {
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'later [no-channel]' }])).json;
		sim.finishNow(submitted.taskId);
		const simple = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId }, [{}]);
		expect(simple.json[0]).toMatchObject({ state: 'failed', error: { code: 'no_capacity' } });
		expectCapacityMessage(simple.json[0].error.message, 'minimax-t2v');
		const raw = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId, simplify: false }, [{}]);
		expect(raw.json[0].response).toMatchObject({ success: false, error: { code: 'api_error', message: 'no channel available for minimax-t2v' } });
		expect(raw.json[0].response).not.toHaveProperty('data');
	});
});

describe('video entries with "status" instead of "state"', () => {
	test('a generation completes and the video arrives', async () => {
		sim.set({ videoStateField: 'status' });
		const r = await run(textToVideo(), [{ prompt: 'status field' }]);
		expect(r.json[0]).toMatchObject({ state: 'succeeded', videoUrl: expect.stringContaining('/cdn/') });
		expect(r.json[0].videos[0].state).toBe('succeeded');
	});

	test('a running task reads as processing, a failed one as failed', async () => {
		sim.set({ videoStateField: 'status', generationMs: 3000 });
		const [running] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'slow' }])).json;
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const mid = await run({ resource: 'task', operation: 'get', taskId: running.taskId }, [{}]);
		expect(mid.json[0].state).toBe('processing');
		expect(mid.json[0].videos[0].state).toBe('processing');
		sim.set({ generationMs: 300 });
		const failed = await run(textToVideo(), [{ prompt: 'bad [fail]' }]);
		expect(failed.json[0]).toMatchObject({ state: 'failed', videos: [{ state: 'failed' }], error: { code: 'generation_failed' } });
	});
});
