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
