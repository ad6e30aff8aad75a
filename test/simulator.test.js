/** The simulator itself behaves like the API contract: what the other tests rely on. */
const http = require('node:http');
const { request } = require('undici');
const { createSimulator } = require('./simulator/simulator');
const { PROVIDER_ERRORS } = require('./simulator/providerErrors');
const { waitFor } = require('./harness/wait');

const sim = createSimulator({ token: 't', generationMs: 300 });
beforeAll(() => sim.start());
afterAll(() => sim.stop());
beforeEach(() => sim.resetCounts());

const call = async (path, body, token = 't') => {
	const response = await request(`${sim.url}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.statusCode, body: await response.body.json() };
};

test('a held request answers with the final result when the video is done', async () => {
	const started = Date.now();
	const { status, body } = await call('/hailuo/videos', { action: 'generate', prompt: 'held' });
	expect(status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(250);
	expect(body).toMatchObject({ success: true, task_id: expect.any(String), data: [{ state: 'succeeded', video_url: expect.stringContaining('/cdn/') }] });
});

test('records move from pending to processing to succeeded, with finished_at only at the end', async () => {
	sim.set({ generationMs: 2000 });
	const { body } = await call('/hailuo/videos', { action: 'generate', prompt: 'states', async: true });
	const states = [];
	for (let i = 0; i < 23; i++) {
		const record = (await call('/hailuo/tasks', { action: 'retrieve', id: body.task_id })).body;
		states.push([record.response?.data?.[0]?.state ?? 'none', 'finished_at' in record]);
		await new Promise((r) => setTimeout(r, 100));
	}
	sim.set({ generationMs: 300 });
	expect(states[0]).toEqual(['none', false]);
	expect(states).toContainEqual(['processing', false]);
	expect(states.at(-1)).toEqual(['succeeded', true]);
});

test('the callback is POSTed to callback_url, duplicated on request, and counted', async () => {
	sim.set({ duplicateCallbacks: 1 });
	const received = [];
	const server = http.createServer((req, res) => {
		let text = '';
		req.on('data', (c) => (text += c)).on('end', () => {
			received.push(JSON.parse(text));
			res.end();
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	try {
		const { body } = await call('/hailuo/videos', { action: 'generate', prompt: 'cb', callback_url: `http://127.0.0.1:${server.address().port}/cb` });
		await waitFor(() => received.length === 2);
		expect(received.map((r) => r.task_id)).toEqual([body.task_id, body.task_id]);
		expect(sim.counts.callbacks).toBe(2);
	} finally {
		sim.set({ duplicateCallbacks: 0 });
		server.close();
	}
});

test('the documented error bodies: 401 without the token, 400 for bad requests, batch cap', async () => {
	expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x' }, 'wrong')).toEqual({
		status: 401,
		body: { success: false, error: { code: 'invalid_token', message: 'The specified token is invalid or wrong.' }, trace_id: expect.any(String) },
	});
	expect((await call('/hailuo/videos', { action: 'nope' })).body.error.code).toBe('api_not_implemented');
	expect((await call('/hailuo/videos', { action: 'generate', prompt: 'x', model: 'minimax-i2v' })).status).toBe(400);
	expect((await call('/hailuo/tasks', { action: 'retrieve_batch', ids: Array.from({ length: 51 }, (_, i) => `id${i}`) })).status).toBe(400);
	expect(sim.counts).toMatchObject({ unauthorized: 1, submit: 2, retrieveBatch: 1 });
});

test('the rate limit answers 429 too_many_requests past its budget', async () => {
	sim.set({ rateLimitPerSecond: 2 });
	const statuses = [];
	for (let i = 0; i < 6; i++) statuses.push((await call('/hailuo/tasks', { action: 'retrieve_batch', ids: [] })).status);
	sim.set({ rateLimitPerSecond: 0 });
	expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
	expect(sim.counts.rateLimited).toBeGreaterThanOrEqual(1);
});

test('no token at all is 400 no_token; a path the gateway does not have is 404 no_api', async () => {
	expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x' }, '')).toEqual({
		status: 400,
		body: { success: false, error: { code: 'no_token', message: 'No token specified for the request.' }, trace_id: expect.any(String) },
	});
	expect(await call('/suno/audios', { action: 'generate' })).toEqual({
		status: 404,
		body: { success: false, error: { code: 'no_api', message: 'API does not exist, please make sure url is correct.' }, trace_id: expect.any(String) },
	});
	expect((await call('/hailuo/videos', { action: 'generate', prompt: 'x', model: 'minimax-i2v' })).body.error.code).toBe('bad_request');
	expect(sim.counts.submit).toBe(1);
});

describe('injected provider errors', () => {
	test.each(Object.entries(PROVIDER_ERRORS))('%s: its documented status and message by default', async (code, row) => {
		sim.inject({ on: 'videos', kind: 'status', code });
		expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x', async: true })).toEqual({
			status: row.status,
			body: { success: false, error: { code, message: row.message }, trace_id: expect.any(String) },
		});
		expect(sim.tasks.size).toBe(tasksBefore);
	});

	let tasksBefore;
	beforeEach(() => {
		tasksBefore = sim.tasks.size;
	});

	test('per endpoint: a fault for videos leaves tasks alone, and the reverse', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'used_up' });
		expect((await call('/hailuo/tasks', { action: 'retrieve_batch', ids: [] })).status).toBe(200);
		expect((await call('/hailuo/videos', { action: 'generate', prompt: 'x', async: true })).status).toBe(403);
		sim.inject({ on: 'tasks', kind: 'status', code: 'disabled', traceId: 'tr-9' });
		expect((await call('/hailuo/videos', { action: 'generate', prompt: 'x', async: true })).status).toBe(200);
		expect(await call('/hailuo/tasks', { action: 'retrieve_batch', ids: [] })).toEqual({
			status: 400,
			body: { success: false, error: { code: 'disabled', message: PROVIDER_ERRORS.disabled.message }, trace_id: 'tr-9' },
		});
	});

	test('a status, message or body given by the test wins; an unknown code keeps the old defaults', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'token_mismatched', status: 401, message: 'other words' });
		expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x' })).toMatchObject({ status: 401, body: { error: { code: 'token_mismatched', message: 'other words' } } });
		sim.inject({ on: 'videos', kind: 'status', code: 'code_418' });
		expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x' })).toMatchObject({ status: 500, body: { error: { code: 'code_418', message: 'injected failure' } } });
		sim.inject({ on: 'submit', kind: 'status', status: 502, body: { raw: true } });
		expect(await call('/hailuo/videos', { action: 'generate', prompt: 'x' })).toEqual({ status: 502, body: { raw: true } });
	});

	test('skip lets that many requests through, then times answers follow', async () => {
		sim.inject({ on: 'videos', kind: 'status', code: 'used_up', skip: 2, times: 2 });
		const statuses = [];
		for (let i = 0; i < 5; i++) statuses.push((await call('/hailuo/videos', { action: 'generate', prompt: `s${i}`, async: true })).status);
		expect(statuses).toEqual([200, 200, 403, 403, 200]);
		expect(sim.counts).toMatchObject({ submit: 3, faults: 2 });
		expect(sim.log.filter((e) => e.kind === 'fault').map((e) => [e.status, e.code])).toEqual([[403, 'used_up'], [403, 'used_up']]);
	});
});

describe('tasks dropped for lack of capacity', () => {
	const finalOf = async (prompt, model) => {
		const image = model?.startsWith('minimax-i2v') ? { first_image_url: 'https://example.com/frame.jpg' } : {};
		const { body } = await call('/hailuo/videos', { action: 'generate', prompt, model, ...image, async: true });
		sim.finishNow(body.task_id);
		return (await call('/hailuo/tasks', { action: 'retrieve', id: body.task_id })).body;
	};

	test('the next N tasks: success false, api_error "no channel available for <model>", no data', async () => {
		sim.set({ noChannelNext: 2 });
		const first = await finalOf('a', 'minimax-i2v-director');
		const second = await finalOf('b');
		const third = await finalOf('c');
		expect(first.response).toEqual({
			success: false,
			task_id: first.id,
			trace_id: expect.any(String),
			error: { code: 'api_error', message: 'no channel available for minimax-i2v-director' },
		});
		expect(second.response.error.message).toBe('no channel available for minimax-t2v');
		expect(third.response.success).toBe(true);
		expect(sim.config.noChannelNext).toBe(0);
	});

	test('a share of tasks, and any prompt marked [no-channel]', async () => {
		sim.set({ noChannelRate: 1 });
		expect((await finalOf('rate')).response.success).toBe(false);
		sim.set({ noChannelRate: 0 });
		expect((await finalOf('rate')).response.success).toBe(true);
		expect((await finalOf('marked [no-channel]')).response.error.code).toBe('api_error');
	});

	test('the held request and the callback carry the same body; no video is served', async () => {
		const { status, body } = await call('/hailuo/videos', { action: 'generate', prompt: 'held [no-channel]' });
		expect(status).toBe(200);
		expect(body).toEqual({ success: false, task_id: expect.any(String), trace_id: expect.any(String), error: { code: 'api_error', message: 'no channel available for minimax-t2v' } });
		const cdn = await request(`${sim.url}/cdn/${body.task_id}.mp4`);
		await cdn.body.dump();
		expect(cdn.statusCode).toBe(404);
	});
});

test('video entries can carry "status" instead of "state"', async () => {
	sim.set({ videoStateField: 'status' });
	try {
		const { body } = await call('/hailuo/videos', { action: 'generate', prompt: 'status', async: true });
		sim.finishNow(body.task_id);
		const [entry] = (await call('/hailuo/tasks', { action: 'retrieve', id: body.task_id })).body.response.data;
		expect(entry.status).toBe('succeeded');
		expect(entry).not.toHaveProperty('state');
	} finally {
		sim.set({ videoStateField: 'state' });
	}
});
