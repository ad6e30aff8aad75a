const { useSimulator, textToVideo, FAST } = require('./harness/fixtures');

const { sim, run } = useSimulator();

async function submit(prompts) {
	const r = await run(textToVideo({ completion: 'submitOnly' }), prompts.map((prompt) => ({ prompt })));
	return r.json.map((j) => j.taskId);
}

const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

describe('Task > Get', () => {
	test('reads a running and then a finished task', async () => {
		sim.set({ generationMs: 60_000 });
		const [taskId] = await submit(['get me']);
		const running = await run({ resource: 'task', operation: 'get', taskId: '={{ $json.id }}' }, [{ id: taskId }]);
		expect(running.json[0]).toMatchObject({ taskId, videoUrl: null });
		expect(running.json[0].state).toBe('pending');
		sim.finishNow(taskId);
		const done = await run({ resource: 'task', operation: 'get', taskId }, [{}]);
		expect(done.json[0]).toMatchObject({ taskId, state: 'succeeded', videoUrl: `${sim.url}/cdn/${taskId}.mp4` });
		expect(sim.counts.retrieve).toBe(2);
	});

	test('an unknown task id is a clear error that names it', async () => {
		const r = await run({ resource: 'task', operation: 'get', taskId: '11111111-2222-3333-4444-555555555555' }, [{}]);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe('Task 11111111-2222-3333-4444-555555555555 was not found (not_found)');
		expect(r.error.description).toContain('the taskId output by Text to Video or Image to Video');
	});

	test('an account-wide refusal stops the other reads at once', async () => {
		const ids = await submit(['a', 'b', 'c', 'd', 'e', 'f']);
		sim.resetCounts();
		sim.inject({ on: 'tasks', kind: 'status', status: 403, code: 'used_up', times: 1 });
		const r = await run({ resource: 'task', operation: 'get', taskId: '={{ $json.id }}', options: { concurrency: 1 } }, ids.map((id) => ({ id })));
		expect(r.status).toBe('error');
		expect(r.error.message).toBe("The account's balance is used up (used_up)");
		expect(sim.counts.retrieve + sim.counts.faults).toBe(1);
	});

	test('with Continue On Fail, the reads not sent after an account-wide refusal carry that refusal', async () => {
		const ids = await submit(['a', 'b', 'c']);
		sim.resetCounts();
		sim.inject({ on: 'tasks', kind: 'status', status: 401, code: 'token_expired', times: 1 });
		const r = await run({ resource: 'task', operation: 'get', taskId: '={{ $json.id }}', options: { concurrency: 1 } }, ids.map((id) => ({ id })), { continueOnFail: true });
		expect(r.json.map((j) => j.error)).toEqual(Array(3).fill('The token has expired (token_expired)'));
		expect(r.json.map((j) => j.details.taskId)).toEqual(ids);
	});
});

describe('Task > Get Many', () => {
	test('reads a list in one request and marks unknown ids', async () => {
		const ids = await submit(['one', 'two', 'three']);
		await settle();
		const unknown = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
		const r = await run({ resource: 'task', operation: 'getMany', taskIds: `${ids.join(',\n')}, ${unknown}` }, [{}]);
		expect(sim.counts.retrieveBatch).toBe(1);
		expect(r.json.map((j) => j.taskId)).toEqual([...ids, unknown]);
		expect(r.json.slice(0, 3).every((j) => j.state === 'succeeded')).toBe(true);
		expect(r.json[3]).toMatchObject({ state: 'notFound', error: { code: 'not_found' } });
		expect(r.items.every((i) => i.pairedItem.item === 0)).toBe(true);
	});

	test('accepts an array from an expression', async () => {
		const ids = await submit(['a', 'b']);
		const r = await run({ resource: 'task', operation: 'getMany', taskIds: '={{ $json.ids }}' }, [{ ids }]);
		expect(r.json.map((j) => j.taskId)).toEqual(ids);
	});
});

describe('Task > Wait', () => {
	test('waits for existing tasks from many items with one request per round', async () => {
		const ids = await submit(['w1', 'w2', 'w3']);
		const r = await run(
			{ resource: 'task', operation: 'wait', taskId: '={{ $json.taskId }}', options: FAST },
			ids.map((taskId) => ({ taskId })),
		);
		expect(r.json.map((j) => j.taskId)).toEqual(ids);
		expect(r.json.every((j) => j.state === 'succeeded')).toBe(true);
		const batches = sim.log.filter((e) => e.kind === 'retrieveBatch');
		expect(batches[0].ids).toEqual(ids);
		expect(batches.length).toBeLessThanOrEqual(4);
		expect(sim.counts.retrieve).toBe(0);
	});

	test('a task that has already finished costs one request', async () => {
		const [taskId] = await submit(['done already']);
		await settle();
		sim.resetCounts();
		const r = await run({ resource: 'task', operation: 'wait', taskId, options: FAST }, [{}]);
		expect(r.json[0].state).toBe('succeeded');
		expect(sim.counts.retrieveBatch).toBe(1);
	});

	test('an unknown id fails fast instead of waiting for the timeout', async () => {
		const started = Date.now();
		const r = await run(
			{ resource: 'task', operation: 'wait', taskId: '99999999-2222-3333-4444-555555555555', options: { ...FAST, timeout: 20 } },
			[{}],
		);
		expect(r.status).toBe('error');
		expect(r.error.message).toContain('was not found');
		expect(Date.now() - started).toBeLessThan(5000);
	});

	test('an account-wide refusal on a single read (after the batch read was refused) stops the wait at once', async () => {
		sim.set({ generationMs: 60_000 });
		const [taskId] = await submit(['waits']);
		sim.resetCounts();
		sim.inject({ on: 'tasks', kind: 'status', status: 400, code: 'api_not_implemented', times: 1 });
		sim.inject({ on: 'tasks', kind: 'status', status: 400, code: 'disabled', times: 1 });
		const started = Date.now();
		const r = await run({ resource: 'task', operation: 'wait', taskId, options: { ...FAST, timeout: 20 } }, [{}]);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe('The provider has disabled this AceData Cloud application (disabled)');
		expect(r.error.description).toContain(`Tasks being waited for: ${taskId}.`);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});
