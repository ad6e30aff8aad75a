/**
 * Which answers stop a whole run, and the words for a task read, straight
 * from the error builder: every combination, including ones a workflow run
 * cannot easily provoke (a bare 403, a 401 carrying a request code).
 */
const path = require('node:path');
const { NodeApiError } = require('n8n-workflow');
const { apiError, stopsTheRun, isAccountProblem } = require(path.resolve(__dirname, '../dist/nodes/Hailuo/transport/apiErrors.js'));
const { ACCOUNT_PROBLEMS } = require(path.resolve(__dirname, '../dist/nodes/Hailuo/transport/accountErrors.js'));
const { PROVIDER_ERRORS } = require('./simulator/providerErrors');

const node = { id: 'n', name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo', typeVersion: 1, position: [0, 0], parameters: {} };
const submitting = { doing: 'submitting the video', baseUrl: 'https://api.acedata.cloud', submission: true, certainlyNotSent: true, attempts: 1, waitedMs: 0 };
const reading = (taskId) => ({ doing: `reading task ${taskId}`, baseUrl: 'https://api.acedata.cloud', attempts: 1, waitedMs: 0, taskId });
const status = (code, s = PROVIDER_ERRORS[code]?.status) => ({ kind: 'status', status: s, code, apiMessage: PROVIDER_ERRORS[code]?.message, traceId: 'tr-1' });

const STOPPING = ['used_up', 'disabled', 'token_expired', 'invalid_token', 'token_mismatched', 'no_token', 'no_api'];

describe('stopsTheRun', () => {
	test.each(Object.keys(PROVIDER_ERRORS))('%s with its documented status', (code) => {
		const error = apiError(node, status(code), submitting);
		expect(stopsTheRun(error)).toBe(STOPPING.includes(code));
		expect(isAccountProblem(status(code))).toBe(STOPPING.includes(code));
	});

	test('token_mismatched stops the run as a 400 and as a 401', () => {
		expect(stopsTheRun(apiError(node, status('token_mismatched', 400), submitting))).toBe(true);
		expect(stopsTheRun(apiError(node, status('token_mismatched', 401), submitting))).toBe(true);
	});

	test.each([
		['a bare 401', { kind: 'status', status: 401 }, true],
		['a bare 403', { kind: 'status', status: 403 }, true],
		['a 403 HTML page from a gateway', { kind: 'status', status: 403, htmlPage: true }, true],
		['a 401 with a code nobody documented', { kind: 'status', status: 401, code: 'code_401' }, true],
		['a 403 carrying a request code (api_error)', { kind: 'status', status: 403, code: 'api_error' }, false],
		['a 400 without a code', { kind: 'status', status: 400 }, false],
		['a 404 without a code', { kind: 'status', status: 404 }, false],
		['a 404 not_found (a task)', { kind: 'status', status: 404, code: 'not_found' }, false],
		['a 502', { kind: 'status', status: 502 }, false],
		['an HTML page with HTTP 200', { kind: 'html', status: 200 }, false],
		['cut-off JSON', { kind: 'badJson', status: 200, reason: 'cut-off or invalid JSON' }, false],
		['a refused connection', { kind: 'network', code: 'ECONNREFUSED' }, false],
	])('%s', (_, failure, expected) => {
		expect(stopsTheRun(apiError(node, failure, submitting))).toBe(expected);
	});

	test('anything that is not an API error never stops the run', () => {
		expect(stopsTheRun(new Error('boom'))).toBe(false);
		expect(stopsTheRun(undefined)).toBe(false);
		expect(stopsTheRun(new NodeApiError(node, {}, { message: 'x', httpCode: '500' }))).toBe(false);
	});
});

describe('reading a task', () => {
	test('no_api is about the Base URL, not a missing task, and keeps the task id', () => {
		const error = apiError(node, status('no_api'), reading('t-1'));
		expect(error.message).toBe('The Base URL has no Hailuo API (no_api)');
		expect(error.description).toContain('Task id: t-1. Pick it up later');
		expect(error.description).not.toContain('Check the task id');
		expect(error.context).toMatchObject({ taskId: 't-1', apiCode: 'no_api' });
	});

	test('a 404 with any other code is the task that is not found', () => {
		const error = apiError(node, { kind: 'status', status: 404, code: 'not_found', traceId: 'tr' }, reading('t-2'));
		expect(error.message).toBe('Task t-2 was not found (not_found)');
		expect(error.description).toContain('Check the task ID');
	});

	test('a query never claims that nothing more was submitted', () => {
		expect(apiError(node, status('used_up'), reading('t-3')).description).not.toContain('submitted');
	});
});

test('the account texts used by the node are the ones the credential test shows', () => {
	for (const [code, problem] of Object.entries(ACCOUNT_PROBLEMS)) {
		const error = apiError(node, status(code), submitting);
		expect(error.message).toBe(problem.headline);
		expect(error.description.startsWith(problem.nextStep)).toBe(true);
	}
});

describe("the error table in docs/errors-and-billing.md says what the node says", () => {
	const fs = require('node:fs');
	const doc = fs.readFileSync(path.resolve(__dirname, '../docs/errors-and-billing.md'), 'utf8');
	/** Rows of the provider-code table: code, status cell, "what you see". */
	const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map(([, code, statusCell, seen]) => ({ code, statusCell: statusCell.trim(), seen: seen.trim() }));

	test('every code the provider documents has a row', () => {
		expect(rows.map((r) => r.code).sort()).toEqual(Object.keys(PROVIDER_ERRORS).sort());
	});

	test.each(Object.keys(PROVIDER_ERRORS))('%s: the headline in the table is the one the node builds, for the documented status', (code) => {
		const row = rows.find((r) => r.code === code);
		expect(row.statusCell).toContain(String(PROVIDER_ERRORS[code].status));
		const { message } = apiError(node, status(code), submitting);
		// The table may add a remark after the headline ("…, only if it lasts", "…, with the Base URL used").
		expect(row.seen.startsWith(message.replace(/\.$/, '')) || message.startsWith(row.seen)).toBe(true);
		if (ACCOUNT_PROBLEMS[code]) expect(row.seen.startsWith(ACCOUNT_PROBLEMS[code].headline)).toBe(true);
	});
});
