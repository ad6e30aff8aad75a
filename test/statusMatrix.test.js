/**
 * Every HTTP status the gateway may send, with and without the documented
 * error body, on a submission and on a status query: what the user sees, and
 * that a submission is repeated only when no task can exist.
 */
const { useSimulator, textToVideo, TOKEN } = require('./harness/fixtures');

const { sim, run } = useSimulator({ retryAfterSeconds: 0 });

const STATUSES = [400, 401, 403, 404, 429, 500, 502, 503];
const documented = (status) => ({ success: false, error: { code: `code_${status}`, message: `message ${status}` }, trace_id: `trace-${status}` });

describe.each([
	['with the documented error body', documented],
	['with an empty body', () => ''],
])('submission answered %s', (_, body) => {
	test.each(STATUSES)('HTTP %i', async (status) => {
		// Every status every time, so retries meet the same answer.
		sim.inject({ on: 'submit', kind: 'status', status, body: body(status), headers: status === 429 ? { 'retry-after': '0' } : {}, times: 10 });
		const r = await run(textToVideo({}, { maxRetries: 2 }), [{ prompt: 'x' }]);
		expect(r.status).toBe('error');
		expect(r.error.name).toBe('NodeApiError');
		expect(r.error.httpCode).toBe(String(status));
		expect(r.error.message).not.toMatch(/undefined|\[object/);
		expect(JSON.stringify(r.result)).not.toContain(TOKEN);
		// Retried only when it created nothing: 429 (and never a 5xx).
		expect(sim.counts.faults).toBe(status === 429 ? 3 : 1);
		if (status >= 500) expect(r.error.description).toContain('It was NOT resubmitted');
		if (status === 401 || status === 403) expect(r.error.message).toContain('rejected the token');
		if (body(status) !== '') expect(r.error.message).toContain(`(code_${status})`);
		if (body(status) !== '' && status >= 500) expect(r.error.description).toContain(`Trace id for AceData support: trace-${status}`);
	});
});

describe('status query answered with an error', () => {
	test.each(STATUSES)('HTTP %i with the documented body', async (status) => {
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'q' }])).json;
		sim.inject({ on: 'tasks', kind: 'status', status, body: documented(status), headers: status === 429 ? { 'retry-after': '0' } : {}, times: 10 });
		const r = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId, options: { maxRetries: 2 } }, [{}]);
		expect(r.status).toBe('error');
		expect(r.error.httpCode).toBe(String(status));
		// Queries are safe to repeat: retried on 429 and 5xx, not on other 4xx.
		expect(sim.counts.faults).toBe(status === 429 || status >= 500 ? 3 : 1);
		expect(`${r.error.message} ${r.error.description}`).toContain(submitted.taskId);
	});
});

test('a retrieve_batch answer without "items" falls back to reading each task', async () => {
	const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'shape' }])).json;
	sim.finishNow(submitted.taskId);
	sim.inject({ on: 'tasks', kind: 'body', body: { count: 1 } });
	const r = await run({ resource: 'task', operation: 'wait', taskId: submitted.taskId, options: { pollInterval: 0.2, timeout: 5 } }, [{}]);
	expect(r.json[0]).toMatchObject({ taskId: submitted.taskId, state: 'succeeded' });
	expect(sim.counts.retrieve).toBe(1);
});

test('a retrieve_batch answer whose items is not a list is treated the same way', async () => {
	const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'shape2' }])).json;
	sim.finishNow(submitted.taskId);
	sim.inject({ on: 'tasks', kind: 'body', body: { items: 'nope', count: 'x' } });
	const r = await run({ resource: 'task', operation: 'wait', taskId: submitted.taskId, options: { pollInterval: 0.2, timeout: 5 } }, [{}]);
	expect(r.json[0].state).toBe('succeeded');
});

test('a submission answered 200 without a task_id: a clear error, not resubmitted', async () => {
	sim.inject({ on: 'submit', kind: 'body', body: { success: true }, createsTask: true });
	const r = await run(textToVideo(), [{ prompt: 'no id' }]);
	expect(r.status).toBe('error');
	expect(r.error.message).toBe('The Hailuo API gave an unreadable answer (HTTP 200, no task_id in the answer) while submitting the video');
	expect(r.error.description).toContain('It was NOT resubmitted');
	expect(sim.counts.faults).toBe(1);
	expect(sim.log.filter((e) => e.kind === 'submit')).toHaveLength(0);
});
