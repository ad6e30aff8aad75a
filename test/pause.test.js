const http = require('node:http');
const { request } = require('undici');
const { hailuoWorkflow, withNodeContext } = require('./harness/n8n');
const { TOKEN, useInstance } = require('./harness/fixtures');
const { waitFor } = require('./harness/wait');

const context = useInstance({ generationMs: 600 });
const { sim } = context;
let n8n;
beforeAll(() => (n8n = context.n8n));

const pauseParameters = (extra = {}, options = { timeout: 60 }) => ({
	resource: 'video',
	operation: 'textToVideo',
	prompt: '={{ $json.prompt }}',
	completion: 'pauseUntilCallback',
	options,
	...extra,
});

async function startPaused(prompt = 'paused fox', parameters = pauseParameters()) {
	const run = await n8n.run(hailuoWorkflow(n8n, { parameters, items: [{ prompt }] }), 'Items');
	return run;
}

const finished = (id) => () => n8n.finished.has(id);

/** Pauses an execution, then ends its task now; the API's own callback follows after `callbackDelayMs`. */
async function pausedTaskEnded(callbackDelayMs) {
	sim.set({ generationMs: 60_000, callbackDelayMs });
	const run = await startPaused();
	const submission = sim.log.find((e) => e.kind === 'submit');
	sim.finishNow(submission.taskId);
	return { run, submission, body: sim.finalResult(submission.taskId) };
}
const outputOf = (id) => {
	const { result } = n8n.finished.get(id);
	return { status: result.status, json: result.data.resultData.runData.Hailuo.at(-1).data.main[0].map((i) => i.json), result };
};

async function post(url, body) {
	const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.statusCode, json: await response.body.json() };
}

describe('Completion: Pause Until Callback', () => {
	test('pauses without polling and resumes on the callback with the same output as poll', async () => {
		const run = await startPaused();
		expect(run.status).toBe('waiting');
		expect(new Date(run.waitTill).getTime()).toBeGreaterThan(Date.now() + 55_000);
		const submission = sim.log.find((e) => e.kind === 'submit').body;
		expect(submission.callback_url).toMatch(new RegExp(`^${n8n.baseUrl}/webhook-waiting/${run.executionId}\\?signature=`));
		expect(submission).not.toHaveProperty('async');

		await waitFor(finished(run.executionId), 5000, 'resume');
		const { status, json } = outputOf(run.executionId);
		expect(status).toBe('success');
		expect(json).toHaveLength(1);
		expect(json[0]).toMatchObject({ state: 'succeeded', prompt: 'paused fox', videoUrl: expect.stringContaining('/cdn/') });
		// Nothing polled: one read, to verify the callback.
		expect(sim.counts.retrieveBatch).toBe(0);
		expect(sim.counts.retrieve).toBe(1);
		expect(sim.counts.submit).toBe(1);
	});

	test('a failed task resumes the execution with state "failed"', async () => {
		const run = await startPaused('[fail] paused');
		await waitFor(finished(run.executionId), 5000, 'resume');
		expect(outputOf(run.executionId).json[0]).toMatchObject({ state: 'failed', error: { code: 'generation_failed' } });
	});

	test('several items are refused before anything is submitted', async () => {
		const run = await n8n.run(
			hailuoWorkflow(n8n, { parameters: pauseParameters(), items: [{ prompt: 'a' }, { prompt: 'b' }] }),
			'Items',
		);
		expect(run.status).toBe('error');
		expect(run.error.message).toBe('Pause Until Callback takes one item per execution; this run has 2');
		expect(run.error.description).toContain('Nothing was submitted');
		expect(sim.counts.submit).toBe(0);
	});

	test('a forged callback to the resume URL is refused and the execution keeps waiting', async () => {
		const { run, submission, body: forged } = await pausedTaskEnded(1500);
		forged.data[0].video_url = 'https://evil.example/x.mp4';
		const answer = await post(submission.body.callback_url, forged);
		expect(answer.status).toBe(400);
		expect(answer.json.message).toBe("The callback's video does not match the API's record of the task.");
		expect(n8n.waiting.has(run.executionId)).toBe(true);
		await waitFor(finished(run.executionId), 5000, 'resume');
		expect(outputOf(run.executionId).json[0].videoUrl).toBe(`${sim.url}/cdn/${submission.taskId}.mp4`);
	});

	test('a forged body before the task ends is refused; the execution still waits', async () => {
		sim.set({ generationMs: 60_000 });
		const run = await startPaused();
		const submission = sim.log.find((e) => e.kind === 'submit');
		const answer = await post(submission.body.callback_url, {
			success: true,
			task_id: submission.taskId,
			data: [{ video_url: 'https://evil.example/x.mp4', state: 'succeeded' }],
		});
		expect(answer.status).toBe(409);
		expect(n8n.waiting.has(run.executionId)).toBe(true);
		sim.finishNow(submission.taskId);
		await waitFor(finished(run.executionId), 5000, 'resume');
		expect(outputOf(run.executionId).json[0].state).toBe('succeeded');
	});

	test("another task's genuine callback sent to this execution is refused", async () => {
		sim.set({ generationMs: 60_000 });
		const run = await startPaused();
		const mine = sim.log.find((e) => e.kind === 'submit');
		// A task submitted by another execution (its own resume URL), already finished.
		const other = await n8n.run(
			hailuoWorkflow(n8n, {
				parameters: {
					resource: 'video',
					operation: 'textToVideo',
					prompt: 'other',
					completion: 'submitOnly',
					options: { callbackUrl: `${n8n.baseUrl}/webhook-waiting/another-execution?signature=x` },
				},
			}),
			'Items',
		);
		const otherId = other.json[0].taskId;
		sim.finishNow(otherId);
		const answer = await post(mine.body.callback_url, sim.finalResult(otherId));
		expect(answer.status).toBe(400);
		expect(answer.json.message).toBe('This task was not submitted by this execution.');
		expect(n8n.waiting.has(run.executionId)).toBe(true);
	});

	test("the genuine result of another task of the account that had no callback URL (Poll, Return the Task ID at Once) is refused", async () => {
		sim.set({ generationMs: 60_000 });
		const run = await startPaused();
		const mine = sim.log.find((e) => e.kind === 'submit');
		const other = await n8n.run(hailuoWorkflow(n8n, { parameters: { resource: 'video', operation: 'textToVideo', prompt: 'someone else', completion: 'submitOnly' } }), 'Items');
		const otherId = other.json[0].taskId;
		sim.finishNow(otherId);
		const answer = await post(mine.body.callback_url, sim.finalResult(otherId));
		expect(answer.status).toBe(400);
		expect(answer.json.message).toBe('This task was not submitted by this execution.');
		expect(n8n.waiting.has(run.executionId)).toBe(true);
		// Its own task still resumes it.
		sim.finishNow(mine.taskId);
		await waitFor(finished(run.executionId), 5000, 'the resume by its own task');
		expect(outputOf(run.executionId).json[0].taskId).toBe(mine.taskId);
	});

	test('a second copy of the callback after the resume changes nothing', async () => {
		const { run, submission, body } = await pausedTaskEnded(60_000);
		expect((await post(submission.body.callback_url, body)).status).toBe(200);
		await waitFor(finished(run.executionId), 5000, 'resume');
		expect((await post(submission.body.callback_url, body)).status).toBe(409);
		const { result } = n8n.finished.get(run.executionId);
		// One run before the pause is replaced by exactly one resumed run.
		expect(result.data.resultData.runData.Hailuo).toHaveLength(1);
		expect(sim.counts.retrieve).toBe(1);
	});

	test('when the time limit passes, the input continues and the task id is kept in the custom data', async () => {
		sim.set({ generationMs: 60_000 });
		const run = await startPaused('never called back', pauseParameters({}, { timeout: 60 }));
		const submission = sim.log.find((e) => e.kind === 'submit');
		const expired = await n8n.expireWait(run.executionId);
		expect(expired.status).toBe('success');
		expect(expired.json).toEqual([{ prompt: 'never called back' }]);
		expect(expired.result.data.resultData.metadata).toEqual({ hailuoTaskId: submission.taskId });
	});

	test("on n8n 1.x, whose node context has no customData, the task id still lands in the execution's custom data", async () => {
		await withNodeContext('customData', { get: () => undefined }, async () => {
			sim.set({ generationMs: 60_000 });
			const run = await startPaused('on 1.x', pauseParameters({}, { timeout: 60 }));
			expect(run.status).toBe('waiting');
			const submission = sim.log.find((e) => e.kind === 'submit');
			const expired = await n8n.expireWait(run.executionId);
			expect(expired.result.data.resultData.metadata).toEqual({ hailuoTaskId: submission.taskId });
		});
	});

	test('an n8n that cannot pause a node (older than the tested 1.123 line) is refused before submitting', async () => {
		await withNodeContext('putExecutionToWait', { writable: true, value: undefined }, async () => {
			const run = await startPaused();
			expect(run.status).toBe('error');
			expect(run.error.message).toBe('Pause Until Callback needs n8n 1.123 or newer');
			expect(sim.counts.submit).toBe(0);
		});
	});

	test("after a Form page in the same execution n8n 2.x redirects the resume URL to its form route: that still leads back to n8n", async () => {
		const formRedirect = (req, res) => {
			res.writeHead(307, { location: `/form-waiting/${req.url.split('/')[2]}` });
			res.end();
		};
		await withResumeUrlsServedBy(formRedirect, async () => {
			sim.set({ generationMs: 60_000 });
			const run = await startPaused();
			expect(run.status).toBe('waiting');
			expect(sim.counts.submit).toBe(1);
		});
	});

	test("custom data that n8n refuses (it keeps 10 keys at most) does not stop the pause: the id is in the log", async () => {
		const full = { set: () => { throw new Error('Custom data can only have 10 keys'); } };
		await withNodeContext('customData', { get: () => full }, async () => {
			sim.set({ generationMs: 60_000 });
			const run = await startPaused();
			expect(run.status).toBe('waiting');
			expect(sim.counts.submit).toBe(1);
		});
	});

	test('a resume URL that does not lead back to n8n (a queue worker without WEBHOOK_URL) is refused before submitting', async () => {
		// What a worker's health port answers for any other path.
		const healthPort = (req, res) => {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end(`<pre>Cannot ${req.method} ${req.url}</pre>`);
		};
		await withResumeUrlsServedBy(healthPort, async () => {
			const run = await startPaused();
			expect(run.status).toBe('error');
			expect(run.error.message).toBe(`n8n's resume URL (${n8n.baseUrl}) does not lead back to n8n`);
			expect(run.error.description).toContain('set N8N_WEBHOOK_URL (WEBHOOK_URL on n8n 1.x) on every worker');
			expect(sim.counts.submit).toBe(0);
		});
	});

	test('with the real API, a local n8n URL is refused before submitting', async () => {
		n8n.setCredentials({ apiToken: TOKEN, baseUrl: 'https://api.acedata.cloud' });
		const run = await startPaused();
		expect(run.status).toBe('error');
		expect(run.error.message).toBe("n8n's resume URL (127.0.0.1) cannot be reached by the Hailuo API");
		expect(sim.counts.submit).toBe(0);
	});
});

/** Runs `fn` with n8n's node execution context changed as an older n8n has it (`member` replaced on its prototype). */

/** Runs `fn` while this n8n's resume URLs point at a server answering with `handler` (a worker's health port, a form redirect). */
async function withResumeUrlsServedBy(handler, fn) {
	const server = http.createServer(handler);
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const realBase = n8n.baseUrl;
	n8n.baseUrl = `http://127.0.0.1:${server.address().port}`;
	try {
		await fn();
	} finally {
		n8n.baseUrl = realBase;
		server.close();
	}
}
