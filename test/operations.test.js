/**
 * One list per resource: the panel's Operation options, the node's subtitle,
 * the texts a model reads, and what execute() runs all come from it. Every
 * operation the editor offers has a subtitle label, a tool text, and runs.
 */
const path = require('node:path');
const { NodeHelpers } = require('n8n-workflow');
const { useSimulator } = require('./harness/fixtures');

const DIST = path.resolve(__dirname, '..', 'dist');
const { Hailuo } = require(path.join(DIST, 'nodes/Hailuo/Hailuo.node.js'));
const NODE = new Hailuo().description;

const { run } = useSimulator();

/** Every (resource, operation) the editor shows, from the node's own parameters as n8n displays them. */
function offered() {
	const resources = NODE.properties.find((p) => p.name === 'resource').options.map((o) => o.value);
	return resources.flatMap((resource) => {
		const shown = NODE.properties.filter((p) => p.name === 'operation' && NodeHelpers.displayParameter({ resource }, p, { typeVersion: 1 }, NODE));
		expect(shown).toHaveLength(1);
		return shown[0].options.map((o) => ({ resource, operation: o.value, name: o.name }));
	});
}

/** The subtitle n8n shows on the canvas for an operation. */
function subtitle(operation) {
	const expression = NODE.subtitle.replace(/^=\{\{\s*/, '').replace(/\s*\}\}$/, '').replace('$parameter["operation"]', JSON.stringify(operation));
	return Function(`return (${expression});`)();
}

test('the editor offers five operations, each with a subtitle label and a tool text of its own', () => {
	const all = offered();
	expect(all.map((o) => `${o.resource}:${o.operation}`)).toEqual(['video:textToVideo', 'video:imageToVideo', 'task:get', 'task:getMany', 'task:wait']);
	const texts = new Set();
	for (const { resource, operation, name } of all) {
		expect(subtitle(operation)).toMatch(new RegExp(name.split(' ')[0]));
		const text = NodeHelpers.getToolDescriptionForNode({ parameters: { resource, operation, descriptionType: 'auto' } }, { description: NODE });
		expect(text.length).toBeGreaterThan(40);
		texts.add(text);
	}
	expect(texts.size).toBe(all.length);
});

test.each(offered().map((o) => [o.resource, o.operation]))('%s > %s runs (no "not supported")', async (resource, operation) => {
	const parameters = { resource, operation, prompt: 'a fox', firstImageUrl: 'https://images.acme.io/fox.jpg', completion: 'submitOnly', taskId: '05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60', taskIds: '05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60', options: { timeout: 1, pollInterval: 0.2 } };
	const result = await run(parameters, [{}]);
	expect(result.error?.message ?? '').not.toMatch(/is not supported/);
	expect(result.status === 'success' || /task/i.test(result.error?.message ?? '')).toBe(true);
});

test('an operation this version does not have is named in the error', async () => {
	const result = await run({ resource: 'video', operation: 'textToMusic' }, [{}]);
	expect(result.error.message).toBe('The operation "textToMusic" of "video" is not supported');
});

test('a new node starts with the first resource and, in each, the first operation of its list', () => {
	const resource = NODE.properties.find((p) => p.name === 'resource');
	expect(resource.default).toBe(resource.options[0].value);
	for (const { value } of resource.options) {
		const [shown] = NODE.properties.filter((p) => p.name === 'operation' && NodeHelpers.displayParameter({ resource: value }, p, { typeVersion: 1 }, NODE));
		expect(shown.default).toBe(shown.options[0].value);
	}
});
