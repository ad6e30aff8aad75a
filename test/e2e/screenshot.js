#!/usr/bin/env node
'use strict';
/**
 * Refreshes docs/n8n-editor.png: runs the browser suite's example step (the
 * README's example executed in n8n's editor, in headless Chromium), which
 * saves its picture there when UPDATE_SCREENSHOT is set.
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, '-c', 'jest.browser.config.js', '-t', "README's example"], {
	cwd: ROOT,
	stdio: 'inherit',
	env: { ...process.env, UPDATE_SCREENSHOT: '1' },
});
if (result.status === 0) console.log(`saved ${path.join(ROOT, 'docs', 'n8n-editor.png')}`);
process.exit(result.status ?? 1);
