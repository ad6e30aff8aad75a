const { useSimulator, textToVideo } = require('./harness/fixtures');
const { useFilesystemBinaryData } = require('./harness/n8n');

const SIZE = 3 * 1024 * 1024 + 5;
const { sim, run } = useSimulator({ videoSize: SIZE });
let binaryData;

beforeAll(async () => {
	binaryData = await useFilesystemBinaryData();
});

test("in n8n's filesystem binary mode the video is streamed to disk, byte-identical", async () => {
	const r = await run(textToVideo({ download: true }), [{ prompt: 'to disk' }]);
	const file = r.items[0].binary.data;
	expect(file.data).toBe('filesystem-v2');
	expect(file.id).toMatch(/^filesystem-v2:/);
	expect(file.bytes).toBe(SIZE);
	const stored = await binaryData.getAsBuffer(file);
	expect(stored.equals(sim.videoBytes(r.json[0].taskId))).toBe(true);
});

describe("on n8n 1.x, whose binary data has no exact 'bytes' (only a rounded fileSize)", () => {
	let restore;
	beforeEach(() => {
		const store = binaryData.store;
		binaryData.store = async (...args) => {
			const file = await store.apply(binaryData, args);
			delete file.bytes;
			return file;
		};
		restore = () => {
			binaryData.store = store;
		};
	});
	afterEach(() => restore());

	test("the stored size is read from the file's metadata: a complete video passes", async () => {
		const r = await run(textToVideo({ download: true }), [{ prompt: 'on 1.x' }]);
		expect(r.status).toBe('success');
		const file = r.items[0].binary.data;
		expect(file.bytes).toBeUndefined();
		expect((await binaryData.getAsBuffer(file)).equals(sim.videoBytes(r.json[0].taskId))).toBe(true);
	});

	test('a stored file shorter than Content-Length fails the item, never passes as the video', async () => {
		const getMetadata = binaryData.getMetadata;
		binaryData.getMetadata = async (id) => ({ ...(await getMetadata.call(binaryData, id)), fileSize: SIZE - 1 });
		try {
			const r = await run(textToVideo({ download: true }), [{ prompt: 'short on 1.x' }]);
			expect(r.status).toBe('error');
			expect(r.error.message).toMatch(new RegExp(`failed: received ${SIZE - 1} of ${SIZE} bytes`));
		} finally {
			binaryData.getMetadata = getMetadata;
		}
	});
});
