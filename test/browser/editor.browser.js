/**
 * The package as a person meets it in n8n's editor, in headless Chromium
 * against a real n8n (one instance, one browser, one signed-in session for
 * the whole file): finding the nodes, their parameter panels, the trigger's
 * URLs, an input error, a run of the README's example.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startEditorSession } = require('./session');
const workflows = require('./workflows');
const editor = require('./editor');

const ROOT = path.resolve(__dirname, '..', '..');
const { Hailuo } = require(path.join(ROOT, 'dist/nodes/Hailuo/Hailuo.node.js'));
const { HailuoTrigger } = require(path.join(ROOT, 'dist/nodes/Hailuo/HailuoTrigger.node.js'));
const NODE = new Hailuo().description;
const TRIGGER = new HailuoTrigger().description;
const NODE_TYPE = 'n8n-nodes-hailuo.hailuo';
const TERMS = ['Hailuo', 'MiniMax', 'video', 'AceData'];

let session;
let page;

beforeAll(async () => {
	session = await startEditorSession();
}, 900_000);

afterAll(async () => {
	await session?.stop();
});

beforeEach(async () => {
	({ page } = session);
	// A panel or node view left open by the step before is closed.
	await page.keyboard.press('Escape');
});

let saved = 0;
/** Saves a workflow under a name no other step uses and opens it in the editor. */
async function open(workflow) {
	const name = `${workflow.name} ${++saved}`;
	const id = await session.n8n.createWorkflow({ ...workflow, name });
	await editor.openWorkflow(page, session.n8n.url, id, name);
}

describe('the nodes panel', () => {
	test('after a trigger, "Hailuo", "MiniMax", "video" and "AceData" find the Hailuo node, with its own description', async () => {
		await open(workflows.manualOnly());
		const search = await editor.openPanelAfter(page, 'Manual');
		for (const term of TERMS) {
			const entry = await editor.searchFor(page, search, term, NODE_TYPE);
			expect({ term, name: entry.name, description: entry.description }).toEqual({ term, name: NODE.displayName, description: NODE.description });
		}
		// Its actions are the node's operations, e.g. "Text to Video", with their short labels, not the texts a tool's model reads.
		await editor.entryLocator(page, NODE_TYPE).first().click();
		const operations = NODE.properties.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('video'));
		const [shown] = operations.filter((p) => p.displayOptions.show['@version'] === undefined);
		const [toolTexts] = operations.filter((p) => p.displayOptions.show['@version'] !== undefined);
		const action = shown.options.find((o) => o.value === 'textToVideo').action;
		await expect(page.locator('[data-test-id=item-iterator-item]', { hasText: action }).first().isVisible()).resolves.toBe(true);
		const toolAction = toolTexts.options.find((o) => o.value === 'textToVideo').action;
		await expect(page.getByText(toolAction.slice(0, 40)).count()).resolves.toBe(0);
	});

	test('on an empty canvas the same searches find the Hailuo entry, whose triggers add a Hailuo Trigger', async () => {
		const search = await editor.openEmptyCanvasPanel(page, session.n8n.url);
		for (const term of TERMS) {
			const entry = await editor.searchFor(page, search, term, NODE_TYPE);
			// n8n shows a node and its trigger ("x" and "xTrigger") as one entry, with the trigger's description.
			expect({ term, description: entry.description }).toEqual({ term, description: NODE.description });
		}
		await editor.entryLocator(page, NODE_TYPE).first().click();
		const events = TRIGGER.properties.find((p) => p.name === 'events');
		for (const option of events.options) {
			await page.locator('[data-test-id=item-iterator-item]', { hasText: new RegExp(option.name, 'i') }).first().waitFor({ timeout: editor.WAIT });
		}
		await page.locator('[data-test-id=item-iterator-item]', { hasText: new RegExp(events.options[0].name, 'i') }).first().click();
		// The node added is the trigger: its panel opens with the events and the webhook URLs.
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.locator('[data-test-id=parameter-input-events]').waitFor({ timeout: editor.WAIT });
		await expect(ndv.getByText('Webhook URLs').isVisible()).resolves.toBe(true);
	});

	test('an AI Agent is offered the node as "Hailuo Tool"', async () => {
		const agent = {
			name: 'Browser: agent',
			nodes: [{ id: randomUUID(), name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 2, position: [0, 0], parameters: {} }],
			connections: {},
		};
		await open(agent);
		const search = await editor.openToolPanel(page, 'AI Agent');
		const entry = await editor.searchFor(page, search, 'Hailuo', `${NODE_TYPE}Tool`);
		expect(entry.name).toBe(`${NODE.displayName} Tool`);
	});
});

describe('parameter panels', () => {
	test('Video > Text to Video with "Wait for the Video (Poll)" shows its fields and none of the others', async () => {
		await open(workflows.textToVideo(session.credentialId, 'A red fox in the snow'));
		const ndv = await editor.openNdv(page, 'Hailuo');
		await expect(ndv.locator('[data-test-id=parameter-input-completion] input').first().inputValue()).resolves.toMatch(/Poll/);
		const labels = await editor.visibleParameterLabels(ndv);
		expect(labels).toEqual(['Credential', 'Resource', 'Operation', 'Prompt', 'Model', 'Completion', 'Simplify', 'Download Video', 'Options']);
		for (const hidden of ['Task ID', 'Task IDs', 'First Image URL', 'Model Name']) expect(labels).not.toContain(hidden);
	});

	test('the trigger shows its Test and Production URLs and its notice', async () => {
		const webhookId = randomUUID();
		await open(workflows.trigger(session.credentialId, webhookId));
		const ndv = await editor.openNdv(page, 'Hailuo Trigger');
		const urlPath = `${webhookId}/${TRIGGER.webhooks[0].path}`;
		const url = ndv.locator('.webhook-url');
		if (!(await url.isVisible())) await ndv.getByText('Webhook URLs').click();
		await expect(url.innerText().then((text) => text.trim())).resolves.toBe(`${session.n8n.url}/webhook-test/${urlPath}`);
		await ndv.locator('[data-test-id=radio-button-production]').click();
		await page.waitForFunction(
			(expected) => document.querySelector('[data-test-id=ndv] .webhook-url')?.textContent.trim() === expected,
			`${session.n8n.url}/webhook/${urlPath}`,
			{ timeout: editor.WAIT },
		);
		const notice = TRIGGER.properties.find((p) => p.type === 'notice').displayName;
		await expect(ndv.locator('[data-test-id=node-parameters]').innerText()).resolves.toContain(notice);
		// The notice must say which URL to use while testing, since "Test this trigger" listens on the Test URL.
		expect(notice).toMatch(/Test URL/);
		expect(notice).toMatch(/Production URL/);
	});
});

describe('running from the editor', () => {
	test('an empty prompt fails with an error title that numbers the item once', async () => {
		// Two items: with more than one input item the editor appends "[item <index>]" to the title itself
		// (unless the message already names that index), so the node's message must not number it again.
		await open(workflows.promptsToVideo(session.credentialId, ['A red fox in the snow', '']));
		await page.locator('[data-test-id=execute-workflow-button]').click();
		await page.locator('[data-test-id=canvas-node][data-node-name=Hailuo] [data-test-id=canvas-node-status-mark-error]').waitFor({ timeout: 60_000 });
		const ndv = await editor.openNdv(page, 'Hailuo');
		const title = (await ndv.locator('[data-test-id=node-error-message]').innerText()).trim();
		expect(title).toMatch(/^Prompt\b/);
		expect({ title, itemReferences: (title.match(/\bitem \d+/gi) ?? []).length }).toEqual({ title, itemReferences: 1 });
		expect(session.sim.counts.submit).toBe(0);
	});

	test("the README's example makes two videos in the editor (and its picture)", async () => {
		await open(workflows.example('generate-and-download.json', session.credentialId));
		await page.locator('[data-test-id=execute-workflow-button]').click();
		await page.locator('[data-test-id=canvas-node][data-node-name=Hailuo] [data-test-id=canvas-node-status-success]').waitFor({ timeout: 90_000 });
		const ndv = await editor.openNdv(page, 'Hailuo');
		await ndv.locator('[data-test-id=ndv-items-count]', { hasText: '2 items' }).waitFor({ timeout: editor.WAIT });
		const file = process.env.UPDATE_SCREENSHOT ? path.join(ROOT, 'docs', 'n8n-editor.png') : path.join(os.tmpdir(), 'hailuo-n8n-editor.png');
		await page.screenshot({ path: file });
		expect(fs.statSync(file).size).toBeGreaterThan(10_000);
	});
});
