const { useSimulator, textToVideo, FAST } = require('./harness/fixtures');

const { sim, run } = useSimulator();

function imageToVideo(firstImageUrl, extra = {}) {
	return { resource: 'video', operation: 'imageToVideo', prompt: 'move', firstImageUrl, options: FAST, ...extra };
}

/** Every case must fail before any request reaches the API. */
async function expectRejected(parameters, items, message, extra) {
	const r = await run(parameters, items, extra);
	expect(r.status).toBe('error');
	expect(r.error.message).toMatch(message);
	expect(r.error.name).toBe('NodeOperationError');
	expect(sim.counts.submit + sim.counts.retrieve + sim.counts.retrieveBatch + sim.counts.unauthorized).toBe(0);
	return r.error;
}

describe('validation before any paid request', () => {
	test.each([
		['empty', ''],
		['whitespace', '   \n '],
	])('%s prompt', async (_, prompt) => {
		// n8n adds the item number to the title from itemIndex: the message itself carries none.
		const error = await expectRejected(textToVideo(), [{ prompt }], /^Prompt: is empty$/);
		expect(error.context.itemIndex).toBe(0);
		expect(error.description).toContain('Describe the video');
	});

	test("Download Video with an empty 'Put Output File in Field' is refused before anything is paid (Poll and Pause)", async () => {
		// From an expression: n8n itself refuses the field left empty in the editor.
		await expectRejected(textToVideo({ download: true, binaryPropertyName: '={{ $json.field }}' }), [{ prompt: 'a fox', field: '  ' }], /Put Output File in Field: is empty/);
	});

	test('the bad item is named, and nothing is submitted for the good ones either', async () => {
		const error = await expectRejected(textToVideo(), [{ prompt: 'fine' }, { prompt: 'also fine' }, { prompt: '' }], /^Prompt: is empty$/);
		expect(error.context.itemIndex).toBe(2);
	});

	test('a prompt over the limit', async () => {
		await expectRejected(textToVideo(), [{ prompt: 'x'.repeat(2001) }], /is 2001 characters long; the limit is 2000/);
	});

	test('the limit counts characters as a person does: 2,000 emoji pass, 2,001 are "2001 characters long"', async () => {
		await expectRejected(textToVideo(), [{ prompt: '🦊'.repeat(2001) }], /is 2001 characters long; the limit is 2000/);
		const r = await run(textToVideo(), [{ prompt: '🦊'.repeat(2000) }]);
		expect(r.status).toBe('success');
	});

	test('an expression that resolves to an object', async () => {
		await expectRejected(textToVideo({ prompt: '={{ $json.obj }}' }), [{ obj: { a: 1 } }], /Prompt: expected text but the value is an object/);
	});

	test('an empty hand-typed model name', async () => {
		await expectRejected(textToVideo({ model: 'other', customModel: ' ' }), [{ prompt: 'x' }], /^Model Name: is empty/);
	});

	test.each([
		['missing', '={{ $json.none }}', /First Image URL: expected text but the value is missing/],
		['empty', '={{ "" }}', /First Image URL: is empty/],
		['relative', 'images/frame.jpg', /is not an absolute URL/],
		['data URI', 'data:image/png;base64,iVBORw0KGgo=', /data URI, which the Hailuo API does not accept/],
		['file URL', 'file:///etc/passwd', /uses "file:", only http and https/],
		['javascript URL', 'javascript:alert(1)', /uses "javascript:", only http and https/],
	])('image URL: %s', async (_, url, message) => {
		await expectRejected(imageToVideo(url), [{}], message);
	});

	test('a local image URL is refused when the real API is used', async () => {
		await expectRejected(imageToVideo('http://localhost:8080/frame.jpg'), [{}], /local address \(localhost\)/, {
			baseUrl: 'https://api.acedata.cloud',
		});
	});

	test('a callback URL that is not http(s)', async () => {
		await expectRejected(
			textToVideo({ completion: 'submitOnly' }, { callbackUrl: 'ftp://example.com/cb' }),
			[{ prompt: 'x' }],
			/^Callback URL: uses "ftp:"/,
		);
	});

	test.each([
		[{ pollInterval: 0 }, /Poll Interval: 0 seconds is out of range/],
		[{ pollInterval: -5 }, /Poll Interval: -5 seconds is out of range/],
		[{ timeout: 0 }, /Timeout: 0 seconds is out of range/],
		[{ pollInterval: 30, timeout: 10 }, /Poll Interval: 30 s is longer than the timeout/],
		[{ concurrency: 500 }, /Concurrency: 500 requests is out of range/],
		[{ pollInterval: '={{ "soon" }}' }, /Poll Interval: expected a number of seconds but the value is "soon"/],
	])('nonsense options %j', async (options, message) => {
		await expectRejected(textToVideo({}, { ...FAST, ...options }), [{ prompt: 'x' }], message);
	});

	test.each([
		['empty', '={{ $json.id }}', /Task ID: expected text but the value is missing/],
		['blank', '={{ " " }}', /Task ID: is empty/],
		['not an id', 'hello world!', /does not look like a task id/],
	])('task id: %s', async (_, taskId, message) => {
		await expectRejected({ resource: 'task', operation: 'get', taskId }, [{}], message);
	});

	test('more than 50 task ids in one item', async () => {
		const ids = Array.from({ length: 51 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
		await expectRejected({ resource: 'task', operation: 'getMany', taskIds: ids.join(',') }, [{}], /has 51 ids; at most 50 per item/);
		// The cap counts tasks, not how often one is named: 60 entries naming 30 tasks pass.
		const thirty = ids.slice(0, 30);
		const r = await run({ resource: 'task', operation: 'getMany', taskIds: [...thirty, ...thirty].join(',') }, [{}]);
		expect(r.status).toBe('success');
	});

	test('with Continue On Fail, bad items become error items and good ones are submitted', async () => {
		const r = await run(textToVideo(), [{ prompt: 'good' }, { prompt: '' }], { continueOnFail: true });
		expect(r.status).toBe('success');
		expect(r.json[0].state).toBe('succeeded');
		expect(r.json[1].error).toBe('Prompt: is empty');
		expect(sim.counts.submit).toBe(1);
	});
});
