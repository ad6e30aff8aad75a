const path = require('node:path');
const { readTask, simplify } = require(path.resolve(__dirname, '../dist/nodes/Hailuo/records/taskRecord.js'));

const video = (state, url = null) => ({ id: 'v1', model: 'minimax-t2v', prompt: 'p', video_url: url, state });
const URL_ = 'https://cdn.example/v.mp4';

describe('what a task record means', () => {
	test.each([
		['no response yet', { id: 't', created_at: 1 }, false, 'pending'],
		['started, partial response', { id: 't', started_at: 2, response: { data: [video('processing')] } }, false, 'processing'],
		['finished_at with a video', { id: 't', finished_at: 3, response: { data: [video('succeeded', URL_)] } }, true, 'succeeded'],
		['success true, no finished_at', { id: 't', response: { success: true, data: [video('succeeded', URL_)] } }, true, 'succeeded'],
		['success true but a video still processing (partial)', { id: 't', response: { success: true, data: [video('processing')] } }, false, 'processing'],
		['all data states terminal, no other signal', { id: 't', response: { data: [video('succeeded', URL_)] } }, true, 'succeeded'],
		['success false', { id: 't', response: { success: false } }, true, 'failed'],
		['error object without success', { id: 't', response: { error: { code: 'x', message: 'y' } } }, true, 'failed'],
		['a video state "cancelled"', { id: 't', response: { data: [video('cancelled')] } }, true, 'failed'],
		['finished without any video URL', { id: 't', finished_at: 3, response: { success: true, data: [] } }, true, 'failed'],
		['an unknown state keeps waiting', { id: 't', response: { data: [video('rendering')] } }, false, 'processing'],
		['a queued state', { id: 't', response: { data: [video('queued')] } }, false, 'pending'],
	])('%s', (_, record, finished, state) => {
		const outcome = readTask(record);
		expect(outcome.finished).toBe(finished);
		expect(outcome.state).toBe(state);
	});

	test('a failure keeps the API error, or says why there is none', () => {
		expect(readTask({ response: { success: false, error: { code: 'nsfw', message: 'blocked' } } }).error).toEqual({ code: 'nsfw', message: 'blocked' });
		expect(readTask({ finished_at: 1, response: { success: true, data: [] } }).error.code).toBe('no_video');
	});

	test('only http(s) video URLs are taken', () => {
		const outcome = readTask({ id: 't', finished_at: 1, response: { success: true, data: [video('succeeded', 'javascript:alert(1)')] } });
		expect(outcome.state).toBe('failed');
		expect(simplify(outcome).videoUrl).toBeNull();
	});

	test('a callback body is final by definition', () => {
		const outcome = readTask({ success: true, task_id: 'abc', trace_id: 'tr', data: [video('succeeded', URL_)] }, { final: true });
		expect(simplify(outcome)).toMatchObject({ taskId: 'abc', state: 'succeeded', videoUrl: URL_, traceId: 'tr' });
	});

	test.each([null, undefined, 42, 'text', [], { response: 'x' }, { response: { data: 'not a list' } }, { response: { data: [null, 1] } }])(
		'never throws on %p',
		(value) => {
			expect(() => simplify(readTask(value))).not.toThrow();
			expect(readTask(value).finished).toBe(false);
		},
	);

	test('times become ISO strings, elapsed stays in seconds', () => {
		const item = simplify(readTask({ id: 't', created_at: 1736863231.588, finished_at: 1736863300.748, elapsed: 69.1, response: { success: true, data: [video('succeeded', URL_)] } }));
		expect(item).toMatchObject({ createdAt: '2025-01-14T14:00:31.588Z', finishedAt: '2025-01-14T14:01:40.748Z', elapsed: 69.1 });
	});
});

describe('video entries that carry "status" instead of "state"', () => {
	const byStatus = (status, url = null) => ({ id: 'v1', model: 'minimax-t2v', prompt: 'p', video_url: url, status });

	test.each([
		['succeeded, the only end signal', { id: 't', response: { data: [byStatus('succeeded', URL_)] } }, true, 'succeeded'],
		['processing', { id: 't', response: { data: [byStatus('processing')] } }, false, 'processing'],
		['queued', { id: 't', response: { data: [byStatus('queued')] } }, false, 'pending'],
		['failed, the only end signal', { id: 't', response: { data: [byStatus('failed')] } }, true, 'failed'],
		['upper case', { id: 't', response: { data: [byStatus('SUCCEEDED', URL_)] } }, true, 'succeeded'],
	])('%s', (_, record, finished, state) => {
		const outcome = readTask(record);
		expect(outcome.finished).toBe(finished);
		expect(outcome.state).toBe(state);
		expect(outcome.videos[0].state).toBe(state === 'pending' ? 'queued' : state);
	});

	test('"state" wins when both are present', () => {
		const outcome = readTask({ id: 't', response: { data: [{ ...byStatus('failed'), state: 'processing' }] } });
		expect(outcome.state).toBe('processing');
	});
});

describe('a task the provider had no capacity for', () => {
	const noChannel = (model = 'minimax-t2v') => ({ code: 'api_error', message: `no channel available for ${model}` });

	test.each([
		['a final result without data', { success: false, task_id: 't', error: noChannel() }],
		['a task record, response without data', { id: 't', finished_at: 5, response: { success: false, error: noChannel() } }],
		['a task record, video entries without state', { id: 't', response: { success: false, error: noChannel(), data: [{ id: 'v', model: 'minimax-t2v' }] } }],
		['an error without success: false', { id: 't', response: { error: noChannel() } }],
	])('%s: a terminal failure saying the provider is out of capacity', (_, record) => {
		const outcome = readTask(record);
		expect(outcome.finished).toBe(true);
		expect(outcome.state).toBe('failed');
		expect(outcome.error.code).toBe('no_capacity');
		expect(outcome.error.message).toMatch(/^The provider is out of capacity for minimax-t2v: /);
		expect(outcome.error.message).toContain('"no channel available for minimax-t2v", code api_error');
		expect(outcome.error.message).toContain('Resubmitting later creates a new task, which is billed.');
		expect(outcome.error.message).toContain('check the AceData Cloud console');
		expect(Object.keys(simplify(outcome).error).sort()).toEqual(['code', 'message']);
	});

	test('the model comes from the message, else from the request', () => {
		expect(readTask({ response: { success: false, error: noChannel('minimax-i2v-director') } }).error.message).toMatch(/for minimax-i2v-director:/);
		const bare = { request: { model: 'minimax-i2v' }, response: { success: false, error: { code: 'api_error', message: 'No channel available.' } } };
		expect(readTask(bare).error.message).toMatch(/^The provider is out of capacity for minimax-i2v: /);
	});

	test('another api_error, or the same words under another code, stays as the provider said', () => {
		expect(readTask({ response: { success: false, error: { code: 'api_error', message: 'fetch failed' } } }).error).toEqual({ code: 'api_error', message: 'fetch failed' });
		expect(readTask({ response: { success: false, error: { code: 'nsfw', message: 'no channel available for x' } } }).error.code).toBe('nsfw');
	});
});
