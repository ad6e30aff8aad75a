const path = require('node:path');
const { readTask, simplify } = require(path.resolve(__dirname, '../dist/nodes/Hailuo/shared/taskRecord.js'));

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
