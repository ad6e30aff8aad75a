const { useSimulator, textToVideo, FAST, TOKEN } = require('./harness/fixtures');
const { createSimulator } = require('./simulator/simulator');
const { waitFor } = require('./harness/wait');

const { sim, run } = useSimulator({ retryAfterSeconds: 0 });

/** The error as a user sees it, and proof that the token is nowhere in the run. */
async function failingRun(parameters, items = [{ prompt: 'x' }], extra) {
	const r = await run(parameters, items, extra);
	expect(JSON.stringify(r.result)).not.toContain(TOKEN);
	return r;
}

describe('submission errors', () => {
	test('401: names the token, submits nothing more', async () => {
		const r = await failingRun(textToVideo({}, { concurrency: 1 }), [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }], { token: 'wrong-token' });
		expect(r.status).toBe('error');
		expect(r.error.name).toBe('NodeApiError');
		expect(r.error.message).toBe('The Hailuo API rejected the token (invalid_token)');
		expect(r.error.description).toContain('paste a valid token');
		expect(r.error.description).toContain('safe to run it again');
		expect(sim.counts.unauthorized).toBe(1);
		expect(JSON.stringify(r.result)).not.toContain('wrong-token');
	});

	test('401 with Continue On Fail: every item says why, requests stop at the first refusal', async () => {
		const items = Array.from({ length: 10 }, (_, i) => ({ prompt: `p${i}` }));
		const r = await failingRun(textToVideo({}, { concurrency: 1 }), items, { token: 'wrong', continueOnFail: true });
		expect(r.status).toBe('success');
		expect(r.json).toHaveLength(10);
		expect(r.json.every((j) => j.error === 'The Hailuo API rejected the token (invalid_token)')).toBe(true);
		expect(sim.counts.unauthorized).toBe(1);
	});

	test('400 with a code of no documented meaning: the API message and what to check', async () => {
		// token_mismatched has its own words now (providerCodes.test.js); api_not_implemented keeps the general ones.
		sim.inject({ on: 'submit', kind: 'status', status: 400, code: 'api_not_implemented', message: 'prompt is invalid' });
		const r = await failingRun(textToVideo());
		expect(r.error.message).toBe(
			'The Hailuo API refused the request (HTTP 400) while submitting the video (api_not_implemented): prompt is invalid',
		);
		expect(r.error.description).toContain("Check the node's parameters");
		expect(sim.counts.submit).toBe(0);
	});

	test('429 on a submission is retried (no task can exist) and the video is made once', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 429, code: 'too_many_requests', headers: { 'retry-after': '0' }, times: 2 });
		const r = await failingRun(textToVideo());
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('succeeded');
		expect(sim.counts.faults).toBe(2);
		expect(sim.counts.submit).toBe(1);
	});

	test('429 that does not stop: says what the node did and what to change', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 429, code: 'too_many_requests', headers: { 'retry-after': '0' }, times: 10 });
		const r = await failingRun(textToVideo({}, { maxRetries: 2 }));
		expect(r.error.message).toBe('The Hailuo API is rate limiting this account (too_many_requests)');
		expect(r.error.description).toMatch(/The node tried 3 times over [\d.]+ s\. Lower 'Concurrency'/);
		expect(r.error.description).toContain('safe to run it again');
		expect(sim.counts.faults).toBe(3);
	});

	test.each([
		['a 500', { kind: 'status', status: 500, code: 'api_error', message: 'fetch failed' }, /failed with HTTP 500 while submitting the video \(api_error\): fetch failed/],
		['a 502 HTML page', { kind: 'html', status: 502 }, /failed with HTTP 502 while submitting the video \(an HTML error page instead of JSON\)/],
		['a 200 HTML page', { kind: 'html', status: 200 }, /answered with an HTML page instead of JSON \(HTTP 200\)/],
		['cut-off JSON', { kind: 'cutJson' }, /unreadable answer \(HTTP 200, cut-off or invalid JSON\)/],
		['an empty body', { kind: 'empty' }, /unreadable answer \(HTTP 200, empty body\)/],
		['a dropped connection', { kind: 'drop' }, /the connection was cut/],
	])('%s on a submission is NOT retried: a task may exist', async (_, fault, message) => {
		sim.inject({ on: 'submit', createsTask: true, ...fault });
		const r = await failingRun(textToVideo());
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(message);
		expect(r.error.description).toContain('a task may exist and be billed. It was NOT resubmitted');
		expect(sim.counts.faults).toBe(1);
		// The simulator created the task behind the fault (one submission counted); the node did not submit again.
		expect(sim.counts.submit).toBe(1);
		expect(sim.log.filter((e) => e.kind === 'submit')).toHaveLength(0);
	});

	test('a 500 includes the provider trace id', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 500, body: { success: false, error: { code: 'api_error', message: 'boom' }, trace_id: 'trace-123' } });
		const r = await failingRun(textToVideo());
		expect(r.error.description).toContain('Trace id for AceData support: trace-123');
	});

	test('an answer slower than the request timeout', async () => {
		sim.inject({ on: 'submit', kind: 'slow', ms: 3000 });
		const r = await failingRun(textToVideo({}, { requestTimeout: 1 }));
		expect(r.error.message).toMatch(/no answer came in time/);
		expect(r.error.description).toContain("Raise 'Request Timeout'");
		expect(r.error.description).toContain('NOT resubmitted');
		expect(r.elapsedMs).toBeLessThan(2500);
		// The slow request still reaches the API and creates a task: exactly why it is not resubmitted.
		await waitFor(() => sim.counts.submit === 1, 5000, 'the late submission');
		expect(sim.log.filter((e) => e.kind === 'submit')).toHaveLength(1);
	});

	test('a failing first item stops the run before the others are sent', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 500, code: 'api_error' });
		const items = [{ prompt: 'fails' }, { prompt: 'a' }, { prompt: 'b' }];
		const r = await failingRun(textToVideo({}, { concurrency: 1 }), items);
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(/HTTP 500/);
		// concurrency 1: the failure stops the run before the other items are sent.
		expect(sim.counts.faults).toBe(1);
		expect(sim.log.filter((e) => e.kind === 'submit')).toHaveLength(0);
		expect(r.error.description).not.toMatch(/item \d+:/);
	});

	test('tasks created before a failing item are named so none is lost', async () => {
		const items = [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'fails' }];
		// Third submission gets the fault.
		sim.set({ submitLatencyMs: 0 });
		const original = sim.inject.bind(sim);
		original({ on: 'submit', kind: 'slow', ms: 0 });
		original({ on: 'submit', kind: 'slow', ms: 0 });
		original({ on: 'submit', kind: 'status', status: 503, code: 'api_error' });
		const r = await failingRun(textToVideo({}, { concurrency: 1 }), items);
		expect(r.status).toBe('error');
		const created = sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);
		expect(created).toHaveLength(2);
		expect(r.error.description).toContain(`item 1: ${created[0]}`);
		expect(r.error.description).toContain(`item 2: ${created[1]}`);
		expect(r.error.context.submittedTaskIds).toEqual(created);
	});
});

test('an HTML 429 page from a gateway is still a rate limit: retried, one task', async () => {
	sim.inject({ on: 'submit', kind: 'html', status: 429, times: 2 });
	sim.set({ retryAfterSeconds: 0 });
	const r = await failingRun(textToVideo());
	expect(r.status).toBe('success');
	expect(sim.counts.faults).toBe(2);
	expect(sim.counts.submit).toBe(1);
}, 15_000);

test('Retry On Fail is refused for video generation before anything is submitted', async () => {
	const r = await run(textToVideo(), [{ prompt: 'x' }], { nodeSettings: { retryOnFail: true } });
	expect(r.status).toBe('error');
	expect(r.error.message).toBe("Turn off 'Retry On Fail' for this node: a retry would submit, and bill, every video again");
	expect(sim.counts.submit).toBe(0);
});

test('cancelling the execution stops further submissions', async () => {
	sim.set({ submitLatencyMs: 200 });
	const items = Array.from({ length: 6 }, (_, i) => ({ prompt: `c${i}` }));
	await expect(run(textToVideo({}, { concurrency: 1 }), items, { timeoutMs: 300 })).rejects.toThrow('still running');
	const atCancel = sim.counts.submit;
	expect(atCancel).toBeGreaterThanOrEqual(1);
	await new Promise((r) => setTimeout(r, 1000));
	expect(sim.counts.submit).toBe(atCancel);
});

test('a batch read refused with a 4xx falls back to reading each task', async () => {
	sim.inject({ on: 'tasks', kind: 'status', status: 400, code: 'api_not_implemented', times: 1 });
	const r = await failingRun(textToVideo());
	expect(r.json[0].state).toBe('succeeded');
	expect(sim.counts.retrieve).toBeGreaterThanOrEqual(1);
});

describe('status query errors', () => {
	test.each([
		['500', { kind: 'status', status: 500 }],
		['503 HTML', { kind: 'html', status: 503 }],
		['cut-off JSON', { kind: 'cutJson' }],
		['dropped connection', { kind: 'drop' }],
		['429', { kind: 'status', status: 429, code: 'too_many_requests', headers: { 'retry-after': '0' } }],
	])('%s while polling is retried and the video still arrives', async (_, fault) => {
		sim.inject({ on: 'tasks', times: 2, ...fault });
		const r = await failingRun(textToVideo({}, { maxRetries: 3 }));
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('succeeded');
		expect(sim.counts.faults).toBe(2);
		expect(sim.counts.submit).toBe(1);
	});

	test('polling that keeps failing ends with the task pending and the reason, not lost', async () => {
		sim.inject({ on: 'tasks', kind: 'status', status: 502, times: 1000 });
		const r = await failingRun(textToVideo({}, { pollInterval: 0.2, timeout: 1, maxRetries: 0 }));
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('pending');
		expect(r.json[0].hint).toContain('Last status check failed: The Hailuo API failed with HTTP 502');
		expect(sim.counts.submit).toBe(1);
	});

	test('a token revoked while waiting stops with the task ids', async () => {
		sim.inject({ on: 'tasks', kind: 'status', status: 401, code: 'invalid_token', times: 5 });
		const r = await failingRun(textToVideo());
		expect(r.status).toBe('error');
		expect(r.error.message).toContain('rejected the token');
		const [taskId] = sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);
		expect(r.error.description).toContain(taskId);
	});

	test('a record for another task than asked is ignored', async () => {
		const [other] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'other' }])).json;
		const asked = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'asked' }])).json[0].taskId;
		await new Promise((r) => setTimeout(r, 400));
		sim.inject({ on: 'tasks', kind: 'body', body: { items: [sim.tasks.get(other.taskId) && { id: other.taskId, finished_at: 1, response: { success: true, data: [{ video_url: 'https://evil.example/x.mp4', state: 'succeeded' }] } }], count: 1 } });
		const r = await run({ resource: 'task', operation: 'wait', taskId: asked, options: FAST }, [{}]);
		expect(r.json[0].taskId).toBe(asked);
		expect(r.json[0].videoUrl).toBe(`${sim.url}/cdn/${asked}.mp4`);
	});
});

describe('network', () => {
	test('connection refused on submit: retried, then a clear error that says it is safe to run again', async () => {
		const dead = createSimulator();
		const url = await dead.start();
		await dead.stop();
		const r = await failingRun(textToVideo({}, { maxRetries: 1 }), [{ prompt: 'x' }], { baseUrl: url });
		expect(r.status).toBe('error');
		expect(r.error.message).toBe(`Could not reach the Hailuo API at ${url} while submitting the video: the connection was refused`);
		expect(r.error.description).toContain('No task was created for this item, so it is safe to run it again.');
		expect(r.error.description).toContain('The node tried 2 times');
	});
});

describe('a gateway that answers 200 with the provider\'s error body', () => {
	test('on a submission: the provider\'s code and message, nothing resubmitted for a code that may have created a task', async () => {
		sim.inject({ on: 'submit', kind: 'status', status: 200, body: { success: false, error: { code: 'used_up', message: 'Your balance is not sufficient.' }, trace_id: 'trace-200' } });
		const r = await failingRun(textToVideo(), [{ prompt: 'balance' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe("The account's balance is used up (used_up)");
		expect(r.error.description).toContain('Your balance is not sufficient.');
		expect(sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/videos')).toHaveLength(1);
	});

	test('on a status read: not taken for the task\'s record (the running task is not marked failed); read again', async () => {
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'running' }])).json;
		sim.inject({ on: 'tasks', kind: 'status', status: 200, body: { success: false, error: { code: 'api_error', message: 'fetch failed' } } });
		const r = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId }, [{}]);
		expect(r.status).toBe('success');
		expect(r.json[0]).toMatchObject({ taskId: submitted.taskId });
		expect(r.json[0].state).not.toBe('failed');
		expect(sim.counts.faults).toBe(1);
	});
});

describe('one deadline for every retry', () => {
	test('Task > Wait with Timeout 3 s while the API answers 429 with Retry-After: 4 ends in about 3 s, the task pending', async () => {
		sim.set({ generationMs: 60_000 });
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'rate limited' }])).json;
		sim.inject({ on: 'tasks', kind: 'status', status: 429, code: 'too_many_requests', times: 50, headers: { 'retry-after': '4' } });
		const started = Date.now();
		const r = await run({ resource: 'task', operation: 'wait', taskId: submitted.taskId, options: { pollInterval: 1, timeout: 3, maxRetries: 10 } }, [{}]);
		const seconds = (Date.now() - started) / 1000;
		expect(r.status).toBe('success');
		expect(r.json[0]).toMatchObject({ taskId: submitted.taskId, state: 'pending' });
		expect(seconds).toBeLessThan(6);
	});

	test('Poll with Timeout 2 s in a 502 storm ends in about 2 s, naming the pending task', async () => {
		sim.set({ generationMs: 60_000 });
		sim.inject({ on: 'tasks', kind: 'status', status: 502, times: 200 });
		const started = Date.now();
		const r = await run(textToVideo({}, { pollInterval: 0.5, timeout: 2, maxRetries: 10 }), [{ prompt: 'storm' }]);
		const seconds = (Date.now() - started) / 1000;
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('pending');
		expect(seconds).toBeLessThan(5);
	});
});
