#!/usr/bin/env node
'use strict';
/**
 * Looks at the product as a person would: starts the local n8n of `npm run n8n`,
 * opens the example workflow in headless Chromium (Debian's `chromium`),
 * executes it from the editor and saves a screenshot to docs/n8n-editor.png.
 */
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startLocalN8n } = require('./run-n8n');
const { freePort } = require('./instance');

async function main() {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-n8n-shot-'));
	const { n8n, imported, stop } = await startLocalN8n({ port: await freePort(), dataDir });
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 810 }, deviceScaleFactor: 1 });
		const [name, value] = n8n.cookie.split('=');
		await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/' }]);
		const page = await context.newPage();
		const workflow = imported.find((w) => w.file === 'generate-and-download.json');
		await page.goto(`${n8n.url}/workflow/${workflow.id}`);
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 }).catch(() => {});
		await page.waitForTimeout(2000);
		// The canvas pane sits over the button for pointer events: dispatch the click on the button itself.
		await page.getByRole('button', { name: /execute workflow/i }).first().dispatchEvent('click');
		// Open the Hailuo node to show its parameters and, once done, the output with the video files.
		await page.waitForTimeout(1000);
		await page.locator('[data-test-id="canvas-node"]', { hasText: 'Hailuo' }).dblclick({ force: true });
		await page.waitForFunction(() => !document.body.innerText.includes('Executing node'), null, { timeout: 120_000 });
		await page.waitForTimeout(2000);
		const file = path.resolve(__dirname, '..', '..', 'docs', 'n8n-editor.png');
		await page.screenshot({ path: file });
		console.log(`saved ${file}`);
	} finally {
		await browser.close();
		await stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
