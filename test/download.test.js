const { request } = require('undici');
const { useSimulator, textToVideo, TOKEN } = require('./harness/fixtures');
const { Instance, PACKAGE } = require('./harness/n8n');
const { waitFor } = require('./harness/wait');

const SIZE = 1024 * 1024 + 17;
const { sim, run } = useSimulator({ videoSize: SIZE });

const bytesOf = (binary) => Buffer.from(binary.data, 'base64');

describe('Download Video (binary data)', () => {
	test('each finished video comes as video/mp4 binary data, byte-identical to the file served', async () => {
		const r = await run(textToVideo({ download: true }), [{ prompt: 'one' }, { prompt: 'two' }]);
		expect(r.status).toBe('success');
		for (const item of r.items) {
			const file = item.binary.data;
			expect(file).toMatchObject({ mimeType: 'video/mp4', fileName: `${item.json.taskId}.mp4`, fileExtension: 'mp4', fileType: 'video', bytes: SIZE });
			expect(bytesOf(file).equals(sim.videoBytes(item.json.taskId))).toBe(true);
		}
		expect(sim.counts.download).toBe(2);
	});

	test('a CDN that compresses what it may is asked for the file as it is: the video arrives whole', async () => {
		const http = require('node:http');
		const zlib = require('node:zlib');
		const asked = [];
		const cdn = http.createServer((req, res) => {
			const bytes = sim.videoBytes(req.url.match(/\/cdn\/(.+)\.mp4$/)[1]);
			asked.push(req.headers['accept-encoding']);
			const body = /gzip/.test(req.headers['accept-encoding'] ?? '') ? zlib.gzipSync(bytes) : bytes;
			const headers = { 'content-type': 'video/mp4', 'content-length': body.length };
			if (body !== bytes) headers['content-encoding'] = 'gzip';
			res.writeHead(200, headers);
			res.end(body);
		});
		await new Promise((r) => cdn.listen(0, '127.0.0.1', r));
		sim.set({ videoBaseUrl: `http://127.0.0.1:${cdn.address().port}` });
		try {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'compressible' }]);
			expect(r.status).toBe('success');
			expect(asked).toEqual(['identity']);
			expect(bytesOf(r.items[0].binary.data).equals(sim.videoBytes(r.json[0].taskId))).toBe(true);
		} finally {
			cdn.close();
		}
	});

	test('a custom binary field name', async () => {
		const r = await run(textToVideo({ download: true, binaryPropertyName: 'video' }), [{ prompt: 'x' }]);
		expect(Object.keys(r.items[0].binary)).toEqual(['video']);
	});

	test('failed and pending tasks carry no file and say why', async () => {
		const failed = await run(textToVideo({ download: true }), [{ prompt: '[fail] no' }]);
		expect(failed.items[0].binary).toBeUndefined();
		expect(failed.json[0].downloadSkipped).toBe('The task failed: there is no video to download.');

		sim.set({ generationMs: 5000 });
		const pending = await run(textToVideo({ download: true }, { pollInterval: 0.2, timeout: 1 }), [{ prompt: 'slow' }]);
		expect(pending.items[0].binary).toBeUndefined();
		expect(pending.json[0].downloadSkipped).toBe('The task has not finished yet: nothing to download.');
		expect(sim.counts.download).toBe(0);
	});

	test('a missing file (404 from the CDN) is a clear error that keeps the task id and the URL', async () => {
		sim.inject({ on: 'download', kind: 'status', status: 404 });
		const r = await run(textToVideo({ download: true }), [{ prompt: 'gone' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(/^Downloading the video of task [0-9a-f-]{36} failed: the CDN answered HTTP 404$/);
		expect(r.error.description).toMatch(/Video URL: http:\/\/127\.0\.0\.1:\d+\/cdn\/[0-9a-f-]{36}\.mp4/);
		expect(r.error.description).toContain('Task > Get for a fresh URL');
	});

	test('a cut-off download is an error, never a truncated video', async () => {
		sim.inject({ on: 'download', kind: 'drop' });
		const r = await run(textToVideo({ download: true }), [{ prompt: 'cut' }]);
		expect(r.status).toBe('error');
		expect(r.error.message).toMatch(/failed: (the connection was cut|received \d+ of 1048593 bytes)/);
	});

	test('with Continue On Fail, a failed download is an error item; the other videos arrive', async () => {
		sim.set({ downloadDelayMs: 0 });
		sim.inject({ on: 'download', kind: 'status', status: 404 });
		const r = await run(textToVideo({ download: true }, { concurrency: 1 }), [{ prompt: 'a' }, { prompt: 'b' }], { continueOnFail: true });
		expect(r.status).toBe('success');
		const failed = r.json.filter((j) => typeof j.error === 'string');
		const ok = r.items.filter((i) => i.binary);
		expect(failed).toHaveLength(1);
		expect(failed[0].details).toMatchObject({ taskId: expect.any(String), videoUrl: expect.stringContaining('/cdn/') });
		expect(ok).toHaveLength(1);
	});

	test('downloads run with the concurrency bound', async () => {
		sim.set({ downloadDelayMs: 100, generationMs: 200 });
		const items = Array.from({ length: 8 }, (_, i) => ({ prompt: `p${i}` }));
		const r = await run(textToVideo({ download: true }, { concurrency: 3 }), items);
		expect(r.items.every((i) => i.binary?.data)).toBe(true);
		expect(sim.counts.maxConcurrentDownloads).toBe(3);
	});

	test('Task > Get downloads a finished task', async () => {
		const [submitted] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'later' }])).json;
		sim.finishNow(submitted.taskId);
		const r = await run({ resource: 'task', operation: 'get', taskId: submitted.taskId, download: true }, [{}]);
		expect(bytesOf(r.items[0].binary.data).equals(sim.videoBytes(submitted.taskId))).toBe(true);
	});

	test('a video URL that does not parse (http://[): no videoUrl in the output, and a download of it fails with the package error and the task id', async () => {
		const { readTask, simplify } = require('../dist/nodes/Hailuo/records/taskRecord.js');
		const { downloadVideo } = require('../dist/nodes/Hailuo/records/download.js');
		const outcome = readTask({ id: 't-bad-url', finished_at: 1, response: { success: true, data: [{ video_url: 'http://[', state: 'succeeded' }] } });
		expect(simplify(outcome).videoUrl).toBeNull();
		const ctx = { getNode: () => ({ name: 'Hailuo' }), helpers: { httpRequest: () => { throw new Error('must not be called'); } } };
		const broken = { ...outcome, videos: [{ url: 'http://[', state: 'succeeded' }] };
		await expect(downloadVideo(ctx, broken, { propertyName: 'data', timeoutMs: 1000, publicOnly: false })).rejects.toThrow(
			'Downloading the video of task t-bad-url failed: the task has no usable video URL',
		);
	});

	test('with the real API, a video URL on a local address is not fetched', async () => {
		// The simulator plays the real API at its official host name by pointing videos at loopback.
		const { readTask } = require('../dist/nodes/Hailuo/records/taskRecord.js');
		const { downloadVideo } = require('../dist/nodes/Hailuo/records/download.js');
		const outcome = readTask({ id: 't-local-1', finished_at: 1, response: { success: true, data: [{ video_url: 'http://127.0.0.1:1/x.mp4', state: 'succeeded' }] } });
		const ctx = { getNode: () => ({ name: 'Hailuo' }), helpers: { httpRequest: () => { throw new Error('must not be called'); } } };
		await expect(downloadVideo(ctx, outcome, { propertyName: 'data', timeoutMs: 1000, publicOnly: true })).rejects.toThrow(
			'the URL points at a local address (127.0.0.1), which is not fetched',
		);
	});
});

/** A CDN of one's own on loopback, answering each request with `answer(req, res, taskId)`. */
async function withCdn(answer, body) {
	const http = require('node:http');
	const cdn = http.createServer((req, res) => answer(req, res, req.url.match(/\/cdn\/(.+)\.mp4$/)?.[1]));
	await new Promise((r) => cdn.listen(0, '127.0.0.1', r));
	const base = `http://127.0.0.1:${cdn.address().port}`;
	sim.set({ videoBaseUrl: base });
	try {
		return await body(base);
	} finally {
		cdn.close();
	}
}

describe('Download Video: what the CDN answers', () => {
	test('an HTML page with 200 (an expired link) is an error, never stored as the video', async () => {
		await withCdn((req, res) => {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end('<html><body>This link has expired</body></html>');
		}, async () => {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'expired' }]);
			expect(r.status).toBe('error');
			expect(r.error.message).toMatch(/failed: the CDN answered with text\/html instead of a video/);
		});
	});

	test('a JSON error body with 200 is refused the same way; octet-stream and no content type are stored', async () => {
		for (const [type, ok] of [['application/json', false], ['application/octet-stream', true], [undefined, true], ['video/mp4', true]]) {
			await withCdn((req, res, taskId) => {
				const bytes = sim.videoBytes(taskId);
				res.writeHead(200, { ...(type ? { 'content-type': type } : {}), 'content-length': bytes.length });
				res.end(type === 'application/json' ? '' : bytes);
			}, async () => {
				const r = await run(textToVideo({ download: true }), [{ prompt: `typed ${type}` }]);
				expect({ type, status: r.status }).toEqual({ type, status: ok ? 'success' : 'error' });
				if (ok) expect(bytesOf(r.items[0].binary.data).equals(sim.videoBytes(r.json[0].taskId))).toBe(true);
			});
		}
	});

	test('a CDN that compresses although asked not to: the video arrives whole, not "received 100000 of 133 bytes (the connection was cut)"', async () => {
		const zlib = require('node:zlib');
		const video = Buffer.alloc(100_000, 7);
		await withCdn((req, res) => {
			const packed = zlib.gzipSync(video);
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-encoding': 'gzip', 'content-length': packed.length });
			res.end(packed);
		}, async () => {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'packed anyway' }]);
			expect(r.error?.message).toBeUndefined();
			expect(bytesOf(r.items[0].binary.data).equals(video)).toBe(true);
		});
	});

	test('when packing made the file larger, a short count names both causes', async () => {
		const zlib = require('node:zlib');
		await withCdn((req, res, taskId) => {
			const packed = zlib.gzipSync(sim.videoBytes(taskId));
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-encoding': 'gzip', 'content-length': packed.length });
			res.end(packed);
		}, async () => {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'packed larger' }]);
			expect(r.error.message).toMatch(/received \d+ of \d+ bytes: the connection was cut, or the CDN sent the file compressed/);
		});
	});

	test('redirects are followed hop by hop (here, on a simulator Base URL, to loopback)', async () => {
		await withCdn((req, res, taskId) => {
			if (!req.url.startsWith('/final/')) {
				res.writeHead(302, { location: `/final${req.url}` });
				return res.end();
			}
			const bytes = sim.videoBytes(req.url.match(/\/cdn\/(.+)\.mp4$/)[1]);
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length });
			res.end(bytes);
		}, async () => {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'moved' }]);
			expect(r.status).toBe('success');
			expect(bytesOf(r.items[0].binary.data).equals(sim.videoBytes(r.json[0].taskId))).toBe(true);
		});
	});

	test('with the real API, a redirect to a local address is not followed, in any spelling', async () => {
		const { readTask } = require('../dist/nodes/Hailuo/records/taskRecord.js');
		const { downloadVideo } = require('../dist/nodes/Hailuo/records/download.js');
		const outcome = readTask({ id: 't-redirect', finished_at: 1, response: { success: true, data: [{ video_url: 'https://cdn.example.com/v.mp4', state: 'succeeded' }] } });
		for (const target of ['http://127.0.0.1:8080/admin', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:169.254.169.254]/latest/meta-data', 'http://0x7f000001/', 'http://[::]/']) {
			const asked = [];
			// The public host answers 302 to the local target; nothing after it may be asked.
			const ctx = {
				getNode: () => ({ name: 'Hailuo' }),
				helpers: {
					httpRequest: async (options) => {
						asked.push(options.url);
						expect(options.disableFollowRedirect).toBe(true);
						return { statusCode: 302, headers: { location: target }, body: { pipe() {}, destroy() {} } };
					},
				},
			};
			await expect(downloadVideo(ctx, outcome, { propertyName: 'data', timeoutMs: 1000, publicOnly: true })).rejects.toThrow(/points at a local address/);
			expect(asked).toEqual(['https://cdn.example.com/v.mp4']);
		}
	});

	test('a video URL on a local address in another spelling is not fetched either', async () => {
		const { readTask } = require('../dist/nodes/Hailuo/records/taskRecord.js');
		const { downloadVideo } = require('../dist/nodes/Hailuo/records/download.js');
		for (const url of ['http://[::ffff:127.0.0.1]:1/x.mp4', 'http://[::ffff:10.0.0.1]/x.mp4', 'http://[fe90::1]/x.mp4', 'http://[::]/x.mp4']) {
			const outcome = readTask({ id: 't-local-2', finished_at: 1, response: { success: true, data: [{ video_url: url, state: 'succeeded' }] } });
			const ctx = { getNode: () => ({ name: 'Hailuo' }), helpers: { httpRequest: () => { throw new Error('must not be called'); } } };
			await expect(downloadVideo(ctx, outcome, { propertyName: 'data', timeoutMs: 1000, publicOnly: true })).rejects.toThrow(/points at a local address/);
		}
	});
});

describe('Hailuo Trigger with Download Video', () => {
	let n8n;
	beforeAll(async () => {
		n8n = new Instance({ credentials: { apiToken: TOKEN, baseUrl: sim.url } });
		await n8n.listen();
	});
	afterAll(async () => n8n.close());

	test('answers the API first, then starts the workflow with the video attached', async () => {
		sim.set({ downloadDelayMs: 3000 });
		const wf = n8n.workflow([{ name: 'T', type: `${PACKAGE}.hailuoTrigger`, webhookId: 'dl', parameters: { download: true } }]);
		const url = n8n.activate(wf, 'T');
		const [taskId] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'cb' }])).json.map((j) => j.taskId);
		sim.finishNow(taskId);
		const started = Date.now();
		const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.finalResult(taskId)) });
		const answeredAfter = Date.now() - started;
		expect(response.statusCode).toBe(200);
		await response.body.text();
		// Answered before the (3 s) download, so before the workflow starts.
		expect(answeredAfter).toBeLessThan(3000);
		expect(n8n.started).toHaveLength(0);
		await waitFor(() => n8n.started.length === 1, 8000, 'execution');
		const [item] = n8n.started[0].items;
		expect(item.json).toMatchObject({ taskId, state: 'succeeded', verified: true });
		expect(bytesOf(item.binary.data).equals(sim.videoBytes(taskId))).toBe(true);
	});

	test('an unverified callback is never downloaded', async () => {
		const wf = n8n.workflow([{ name: 'T', type: `${PACKAGE}.hailuoTrigger`, webhookId: 'dl-unverified', parameters: { download: true }, noCredential: true }]);
		const url = n8n.activate(wf, 'T');
		const [taskId] = (await run(textToVideo({ completion: 'submitOnly' }), [{ prompt: 'cb' }])).json.map((j) => j.taskId);
		sim.finishNow(taskId);
		n8n.started.length = 0;
		await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.finalResult(taskId)) });
		await waitFor(() => n8n.started.length === 1, 5000, 'execution');
		expect(n8n.started[0].items[0].binary).toBeUndefined();
		expect(n8n.started[0].json[0].downloadSkipped).toContain('only videos read back from the API are fetched');
		expect(n8n.started[0].json[0].notVerified).toMatch(/No Hailuo API credential.*no video is downloaded/);
		expect(sim.counts.download).toBe(0);
	});
});
