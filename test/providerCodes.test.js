/**
 * Every error code the provider documents (contract, section 3), answered with
 * the provider's own body by the simulator, run through real workflows: what
 * the user reads, what to do next, the trace id, and that nothing is sent
 * again after the answer. Account-wide codes stop a run at once.
 */
const { useSimulator, textToVideo, TOKEN } = require('./harness/fixtures');
const { PROVIDER_ERRORS } = require('./simulator/providerErrors');

const { sim, run } = useSimulator({ retryAfterSeconds: 0 });

/** What the user must read for each code: the headline, then fragments of the next step. */
const EXPECTED = {
	bad_request: {
		message: 'The Hailuo API refused a parameter while submitting the video (bad_request): model is invalid.',
		steps: [`The API's message names the field to fix ("model is invalid.")`, 'Prompt, Model, First Image URL'],
	},
	no_token: {
		message: 'No token reached the Hailuo API (no_token)',
		steps: ['Fill in the API Token of the Hailuo API credential', 'dropping the Authorization header'],
	},
	disabled: {
		message: 'The provider has disabled this AceData Cloud application (disabled)',
		steps: ['Contact AceData Cloud support', 'No change of token helps'],
	},
	token_mismatched: {
		message: 'The token was made for another service or application (token_mismatched)',
		steps: ['Create a token for the Hailuo service'],
	},
	invalid_token: {
		message: 'The Hailuo API rejected the token (invalid_token)',
		steps: ['paste a valid token'],
	},
	token_expired: {
		message: 'The token has expired (token_expired)',
		steps: ['Renew the token in the AceData Cloud console'],
	},
	used_up: {
		message: "The account's balance is used up (used_up)",
		steps: ['Top up the balance', 'The token is fine; nothing was created or billed for this request'],
	},
	no_api: {
		message: 'The Base URL has no Hailuo API (no_api)',
		steps: ['Check the Base URL of the Hailuo API credential'],
	},
	too_many_requests: {
		message: 'The Hailuo API is rate limiting this account (too_many_requests)',
		steps: ['The node tried 3 times', "Lower 'Concurrency'"],
	},
	api_error: {
		message: 'The Hailuo API failed with HTTP 500 while submitting the video (api_error): Internal server error.',
		steps: ["fault on the provider's side", 'contact AceData support with the trace id', 'It was NOT resubmitted'],
	},
};

const ACCOUNT = ['used_up', 'disabled', 'token_expired', 'invalid_token', 'token_mismatched', 'no_token', 'no_api'];

/** Each documented code with each status it comes with. */
const ROWS = Object.entries(PROVIDER_ERRORS).flatMap(([code, row]) => (row.statuses ?? [row.status]).map((status) => [code, status]));

const submissionsSeen = () => sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/videos').length;
const created = () => sim.log.filter((e) => e.kind === 'submit').map((e) => e.taskId);

test('every documented code has an expected message (the table above is complete)', () => {
	expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(PROVIDER_ERRORS).sort());
});

describe('a submission answered with a documented code', () => {
	test.each(ROWS)('%s (HTTP %i): its own headline and next step, the trace id, never resubmitted', async (code, status) => {
		sim.inject({ on: 'videos', kind: 'status', status, code, traceId: `trace-${code}`, headers: { 'retry-after': '0' }, times: 10 });
		const r = await run(textToVideo({}, { maxRetries: 2 }), [{ prompt: 'x' }]);
		expect(r.status).toBe('error');
		expect(r.error.httpCode).toBe(String(status));
		expect(r.error.message).toBe(EXPECTED[code].message);
		for (const step of EXPECTED[code].steps) expect(r.error.description).toContain(step);
		expect(r.error.description).toContain(`Trace id for AceData support: trace-${code}.`);
		expect(r.error.context.apiCode).toBe(code);
		// Only a rate limit is tried again (no task can exist); nothing else is ever sent twice.
		expect(submissionsSeen()).toBe(code === 'too_many_requests' ? 3 : 1);
		expect(created()).toHaveLength(0);
		if (ACCOUNT.includes(code)) {
			expect(r.error.description).toContain(`The API said: "${PROVIDER_ERRORS[code].message}"`);
			expect(r.error.description).toContain('nothing more was submitted after this answer');
			expect(r.error.description).toContain('safe to run it again once this is fixed');
		} else {
			expect(r.error.description).not.toContain('nothing more was submitted');
		}
		expect(JSON.stringify(r.result)).not.toContain(TOKEN);
	});

	test('no_api names the Base URL the node used', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'no_api' });
		const r = await run(textToVideo(), [{ prompt: 'x' }]);
		expect(r.error.description).toContain(`The Base URL is ${sim.url}.`);
	});

	test('bad_request without a message says the API named no field', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'bad_request', body: { success: false, error: { code: 'bad_request' }, trace_id: 't' } });
		const r = await run(textToVideo(), [{ prompt: 'x' }]);
		expect(r.error.message).toBe('The Hailuo API refused a parameter while submitting the video (bad_request)');
		expect(r.error.description).toContain('The API did not say which parameter it refused');
	});

	test('a 429 that clears is absorbed: one video, one task', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'too_many_requests', headers: { 'retry-after': '0' }, times: 2 });
		const r = await run(textToVideo(), [{ prompt: 'x' }]);
		expect(r.status).toBe('success');
		expect(submissionsSeen()).toBe(3);
		expect(created()).toHaveLength(1);
	});
});

describe('an account-wide code stops a run of many items at once', () => {
	const items = Array.from({ length: 10 }, (_, i) => ({ prompt: `item ${i + 1}` }));

	test('10 items one at a time, the third meets used_up: nothing after it, the two tasks named', async () => {
		// The balance stays used up: every later submission would meet it too.
		sim.inject({ on: 'videos', kind: 'status', code: 'used_up', traceId: 'trace-used-up', skip: 2, times: 100 });
		const r = await run(textToVideo({}, { concurrency: 1 }), items);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe("The account's balance is used up (used_up)");
		expect(submissionsSeen()).toBe(3);
		const ids = created();
		expect(ids).toHaveLength(2);
		expect(r.error.description).toContain(`item 1: ${ids[0]}, item 2: ${ids[1]}`);
		expect(r.error.context.submittedTaskIds).toEqual(ids);
		expect(r.error.description).toContain('nothing was created or billed for this request');
		expect(r.error.description).toContain('Trace id for AceData support: trace-used-up.');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(submissionsSeen()).toBe(3);
	});

	test('10 items five at a time: what was in flight is kept, nothing is sent once the answer is seen', async () => {
		// Accepted submissions take 200 ms, the used_up answers come at once: the node sees
		// used_up while the first five are still out, and the two accepted lanes must not go on.
		sim.set({ submitLatencyMs: 200 });
		sim.inject({ on: 'videos', kind: 'status', code: 'used_up', skip: 2, times: 100 });
		const r = await run(textToVideo(), items);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe("The account's balance is used up (used_up)");
		expect(submissionsSeen()).toBe(5);
		// The refusals came before any accepted answer; a lane freed by an accepted answer sent nothing.
		const firstRefusal = sim.log.find((e) => e.kind === 'fault').at;
		const firstAccepted = Math.min(...sim.log.filter((e) => e.kind === 'submit').map((e) => e.at));
		expect(firstRefusal).toBeLessThan(firstAccepted);
		const afterwards = sim.log.filter((e) => e.kind === 'request' && e.path === '/hailuo/videos' && e.at >= firstAccepted);
		expect(afterwards).toHaveLength(0);
		const ids = created();
		expect(ids).toHaveLength(2);
		for (const id of ids) expect(r.error.description).toContain(id);
		expect([...r.error.context.submittedTaskIds].sort()).toEqual([...ids].sort());
	});

	test('with Continue On Fail: the tasks made are output, every other item says why', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'disabled', skip: 2, times: 100 });
		const r = await run(textToVideo({}, { concurrency: 1 }), items, { continueOnFail: true });
		expect(r.status).toBe('success');
		expect(r.json.slice(0, 2).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
		expect(r.json.slice(2).every((j) => j.error === 'The provider has disabled this AceData Cloud application (disabled)')).toBe(true);
		expect(submissionsSeen()).toBe(3);
	});

	test('a code about one request (bad_request) does not stop the other items with Continue On Fail', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'bad_request', skip: 1 });
		const r = await run(textToVideo({}, { concurrency: 1 }), items.slice(0, 3), { continueOnFail: true });
		expect(r.json.map((j) => j.state ?? 'error')).toEqual(['succeeded', 'error', 'succeeded']);
		expect(submissionsSeen()).toBe(3);
	});
});

describe('a status query answered with an account-wide code', () => {
	test.each(ACCOUNT)('%s while polling: the run stops at once and names every task', async (code) => {
		sim.inject({ on: 'tasks', kind: 'status', code, traceId: `trace-${code}`, times: 10 });
		const r = await run(textToVideo(), [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toBe(EXPECTED[code].message);
		for (const step of EXPECTED[code].steps) expect(r.error.description).toContain(step);
		expect(r.error.description).toContain(`Trace id for AceData support: trace-${code}.`);
		const ids = created();
		expect(ids).toHaveLength(3);
		for (const id of ids) expect(r.error.description).toContain(id);
		// One refused batch read: no retry, no reading the tasks one by one, no resubmission.
		expect(sim.counts.faults).toBe(1);
		expect(sim.counts.retrieve).toBe(0);
		expect(submissionsSeen()).toBe(3);
		// A query creates nothing: the submission-only sentence is not there.
		expect(r.error.description.match(/nothing more was submitted/g) ?? []).toHaveLength(0);
	});

	test('Task > Wait stops too, naming the tasks it waited for', async () => {
		const ids = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'w1' }, { prompt: 'w2' }])).json.map((j) => j.taskId);
		sim.resetCounts();
		sim.inject({ on: 'tasks', kind: 'status', code: 'token_expired', times: 10 });
		const r = await run({ resource: 'task', operation: 'wait', taskId: '={{ $json.taskId }}', options: { pollInterval: 0.2, timeout: 5 } }, ids.map((taskId) => ({ taskId })));
		expect(r.status).toBe('error');
		expect(r.error.message).toBe('The token has expired (token_expired)');
		for (const id of ids) expect(r.error.description).toContain(id);
		expect(sim.counts.faults).toBe(1);
	});

	test('Task > Get meeting no_api is a Base URL problem, never "task not found"', async () => {
		const [taskId] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'g' }])).json.map((j) => j.taskId);
		sim.inject({ on: 'tasks', kind: 'status', code: 'no_api', traceId: 'trace-no-api' });
		const r = await run({ resource: 'task', operation: 'get', taskId }, [{}]);
		expect(r.status).toBe('error');
		expect(r.error.httpCode).toBe('404');
		expect(r.error.message).toBe('The Base URL has no Hailuo API (no_api)');
		expect(r.error.message).not.toContain('not found');
		expect(r.error.description).not.toContain('Check the task id');
		expect(r.error.description).toContain(`Task id: ${taskId}. Pick it up later`);
		expect(r.error.description).toContain('Trace id for AceData support: trace-no-api.');
	});

	test('an unknown task is still "not found" (the simulator answers 404 without no_api)', async () => {
		const r = await run({ resource: 'task', operation: 'get', taskId: '11111111-2222-3333-4444-555555555555' }, [{}]);
		expect(r.error.message).toBe('Task 11111111-2222-3333-4444-555555555555 was not found (not_found)');
	});
});
