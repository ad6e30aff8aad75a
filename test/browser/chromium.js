'use strict';
/**
 * Headless Chromium from Debian's package, driven by playwright-core. A fresh,
 * empty profile per run, and every background service that would reach the
 * network switched off: the only traffic is to the n8n on loopback.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function launchChromium({ viewport = { width: 1440, height: 810 } } = {}) {
	if (!fs.existsSync(EXECUTABLE)) {
		throw new Error(`${EXECUTABLE} is missing: apt-get install -y chromium (or set CHROMIUM to a Chromium binary)`);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: EXECUTABLE,
		headless: true,
		args: FLAGS,
		viewport,
		deviceScaleFactor: 1,
	});
	const close = async () => {
		await context.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return { context, close };
}

module.exports = { launchChromium };
