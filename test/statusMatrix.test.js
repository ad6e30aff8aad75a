/**
 * Every HTTP status the gateway may send, with and without the documented
 * error body, on a submission and on a status query: what the user sees, and
 * that a submission is repeated only when no task can exist.
 */
const { useSimulator, textToVideo, TOKEN } = require('./harness/fixtures');
const { PROVIDER_ERRORS } = require('./simulator/providerErrors');

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

/** Each documented code with each status it comes with, in the provider's own body (simulator defaults). */
const CODES = Object.entries(PROVIDER_ERRORS).flatMap(([code, row]) => (row.statuses ?? [row.status]).map((status) => [code, status]));
const retried = (status) => status === 429 || status >= 500;

describe('every documented code in the provider\'s body', () => {
	test.each(CODES)('%s (HTTP %i) on a submission: status, code, message and trace id reach the user; only a 429 is sent again', async (code, status) => {
		sim.inject({ on: 'videos', kind: 'status', code, status, traceId: `trace-${code}`, headers: { 'retry-after': '0' }, times: 10 });
		const r = await run(textToVideo({}, { maxRetries: 2 }), [{ prompt: 'x' }]);
		expect(r.status).toBe('error');
		expect(r.error.name).toBe('NodeApiError');
		expect(r.error.httpCode).toBe(String(status));
		expect(r.error.context.apiCode).toBe(code);
		const shown = `${r.error.message} ${r.error.description}`;
		expect(shown).toContain(code);
		expect(shown).toContain(PROVIDER_ERRORS[code].message);
		expect(shown).toContain(`Trace id for AceData support: trace-${code}.`);
		expect(shown).not.toMatch(/undefined|\[object/);
		expect(sim.counts.faults).toBe(status === 429 ? 3 : 1);
		expect(sim.log.filter((e) => e.kind === 'submit')).toHaveLength(0);
		expect(JSON.stringify(r.result)).not.toContain(TOKEN);
	});

	test.each(CODES)('%s (HTTP %i) on a status query: the same, with the task id; 429 and 5xx retried', async (code, status) => {
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'q' }])).json;
		sim.inject({ on: 'tasks', kind: 'status', code, status, traceId: `trace-${code}`, headers: { 'retry-after': '0' }, times: 10 });
		const r = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId, options: { maxRetries: 2 } }, [{}]);
		expect(r.status).toBe('error');
		expect(r.error.httpCode).toBe(String(status));
		expect(r.error.context).toMatchObject({ apiCode: code, taskId: submitted.taskId });
		const shown = `${r.error.message} ${r.error.description}`;
		expect(shown).toContain(submitted.taskId);
		expect(shown).toContain(PROVIDER_ERRORS[code].message);
		expect(shown).toContain(`Trace id for AceData support: trace-${code}.`);
		expect(shown).not.toMatch(/undefined|\[object|was not found/);
		expect(sim.counts.faults).toBe(retried(status) ? 3 : 1);
		// The one submission is the test's own, before the fault: a query never submits.
		expect(sim.counts.submit).toBe(1);
	});
});
