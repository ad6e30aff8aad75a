'use strict';
/**
 * One editor session for the whole suite: the API simulator, a real n8n with
 * the built package (the e2e harness), its owner account and a Hailuo
 * credential, and a Chromium logged in as the owner through the sign-in form.
 */
const { createSimulator } = require('../simulator/simulator');
const { N8nInstance, OWNER } = require('../e2e/instance');
const { launchChromium } = require('./chromium');
const { signIn } = require('./editor');

const TOKEN = 'sk-browser-simulator-token';

async function startEditorSession({ generationMs = 3000 } = {}) {
	const sim = createSimulator({ token: TOKEN, generationMs, videoSize: 256 * 1024 });
	await sim.start();
	let n8n;
	let browser;
	try {
		n8n = await N8nInstance.create();
		await n8n.setupOwner();
		const { id: credentialId } = await n8n.createCredential({ apiToken: TOKEN, baseUrl: sim.url }, 'Hailuo API');
		browser = await launchChromium();
		browser.context.setDefaultTimeout(60_000);
		// One tab for the whole suite: every later step moves inside the running app.
		const page = await browser.context.newPage();
		// Leaving a page with unsaved changes asks first; the suite always leaves.
		page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
		await signIn(page, n8n.url, OWNER);
		// A real load of the workflow view (its code is split off the home page's): later steps move inside it.
		await page.goto(`${n8n.url}/workflow/new`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
		await page.locator('[data-test-id=canvas-add-button]').waitFor({ timeout: 180_000 });
		const stop = async () => {
			await browser?.close();
			await n8n?.destroy();
			await sim.stop();
		};
		return { sim, n8n, credentialId, page, stop };
	} catch (error) {
		await browser?.close();
		await n8n?.destroy();
		await sim.stop();
		throw error;
	}
}

module.exports = { startEditorSession };
