/** The simulator itself behaves like the API contract: what the other tests rely on. */
const http = require('node:http');
const { request } = require('undici');
const { createSimulator } = require('./simulator/simulator');
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
		body: { success: false, error: { code: 'invalid_token', message: expect.any(String) }, trace_id: expect.any(String) },
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
