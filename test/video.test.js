const http = require('node:http');
const { useSimulator, FAST, textToVideo, TOKEN } = require('./harness/fixtures');

const { sim, run } = useSimulator();

describe('Video > Text to Video', () => {
	test('waits for the video and outputs the simplified task', async () => {
		const r = await run(textToVideo(), [{ prompt: 'A red fox in the snow' }]);
		expect(r.status).toBe('success');
		expect(r.json).toHaveLength(1);
		const [item] = r.json;
		expect(item.state).toBe('succeeded');
		expect(item.videoUrl).toBe(`${sim.url}/cdn/${item.taskId}.mp4`);
		expect(item.videos).toEqual([
			expect.objectContaining({ url: item.videoUrl, state: 'succeeded', model: 'minimax-t2v', prompt: 'A red fox in the snow' }),
		]);
		expect(item).toMatchObject({ model: 'minimax-t2v', prompt: 'A red fox in the snow' });
		expect(typeof item.traceId).toBe('string');
		expect(new Date(item.createdAt).getTime()).toBeLessThanOrEqual(new Date(item.finishedAt).getTime());
		expect(item.elapsed).toBeCloseTo(0.3, 1);
		expect(item).not.toHaveProperty('error');
		expect(r.items[0].pairedItem).toEqual({ item: 0 });
		// Submitted once, asynchronously, never as a held request.
		expect(sim.counts.submit).toBe(1);
		const submission = sim.log.find((e) => e.kind === 'submit');
		expect(submission.body).toEqual({ action: 'generate', prompt: 'A red fox in the snow', model: 'minimax-t2v', async: true });
	});

	test('passes a model typed by hand through unchanged', async () => {
		const r = await run(textToVideo({ model: 'other', customModel: 'minimax-t2v-02' }), [{ prompt: 'x' }]);
		expect(r.json[0].state).toBe('succeeded');
		expect(sim.log.find((e) => e.kind === 'submit').body.model).toBe('minimax-t2v-02');
	});

	test('Simplify off returns the API record untouched', async () => {
		const r = await run(textToVideo({ simplify: false }), [{ prompt: 'raw please' }]);
		const [record] = r.json;
		expect(record.id).toEqual(expect.any(String));
		expect(record.response.success).toBe(true);
		expect(record.response.data[0].video_url).toContain('/cdn/');
		expect(record).toHaveProperty('user_id');
		expect(record).toHaveProperty('finished_at');
	});
});

describe('Video > Image to Video', () => {
	test('sends the first image and the i2v model', async () => {
		const r = await run(
			{
				resource: 'video',
				operation: 'imageToVideo',
				model: 'minimax-i2v-director',
				prompt: 'Slow dolly in',
				firstImageUrl: '={{ $json.image }}',
				options: FAST,
			},
			[{ image: 'https://images.example.com/frame.jpg' }],
		);
		expect(r.status).toBe('success');
		expect(r.json[0]).toMatchObject({ state: 'succeeded', model: 'minimax-i2v-director' });
		expect(sim.log.find((e) => e.kind === 'submit').body).toEqual({
			action: 'generate',
			prompt: 'Slow dolly in',
			model: 'minimax-i2v-director',
			first_image_url: 'https://images.example.com/frame.jpg',
			async: true,
		});
	});
});

describe('Completion: Return the Task ID at Once', () => {
	test('returns pending tasks at once and never polls', async () => {
		const r = await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'a' }, { prompt: 'b' }]);
		expect(r.json.map((j) => j.state)).toEqual(['pending', 'pending']);
		expect(r.json.map((j) => j.prompt)).toEqual(['a', 'b']);
		expect(new Set(r.json.map((j) => j.taskId)).size).toBe(2);
		expect(sim.counts.submit).toBe(2);
		expect(sim.counts.retrieveBatch + sim.counts.retrieve).toBe(0);
	});

	test('Simplify off returns the submission answer', async () => {
		const r = await run(textToVideo({ completion: 'submitOnly', simplify: false }), [{ prompt: 'a' }]);
		expect(r.json).toEqual([{ task_id: expect.any(String) }]);
	});

	test('sends callback_url, and the API calls it back with the result', async () => {
		const received = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push(JSON.parse(body));
				res.end('{}');
			});
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		const callbackUrl = `http://127.0.0.1:${server.address().port}/webhook/hailuo?secret=s3`;
		try {
			const r = await run(textToVideo({ completion: 'submitOnly' }, { callbackUrl }), [{ prompt: 'call me' }]);
			const { taskId } = r.json[0];
			const submission = sim.log.find((e) => e.kind === 'submit').body;
			expect(submission.callback_url).toBe(callbackUrl);
			expect(submission).not.toHaveProperty('async');
			await waitFor(() => received.length === 1);
			expect(received[0]).toMatchObject({ success: true, task_id: taskId });
		} finally {
			server.close();
		}
	});
});

describe('credentials', () => {
	test('the Bearer token is sent and never appears in the output', async () => {
		const r = await run(textToVideo(), [{ prompt: 'secret check' }]);
		// The simulator answers 401 to any other bearer: a success proves the token was sent.
		expect(r.status).toBe('success');
		expect(sim.counts.submit).toBe(1);
		expect(sim.counts.unauthorized).toBe(0);
		expect(JSON.stringify(r.result)).not.toContain(TOKEN);
	});
});

async function waitFor(predicate, ms = 5000) {
	const end = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 20));
	}
}
