import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import type { DownloadSettings } from '../records/download';
import { isLocalHost, isOfficialApi } from '../transport/addresses';
import { BATCH_LIMIT, TASK_ID_PATTERN } from '../transport/apiFacts';

/**
 * Checks on what users (and expressions, and AI agents) pass in, made before
 * any paid request. Every error names the field; n8n adds the item number to
 * the title itself (from `itemIndex`), so the message does not repeat it.
 */

export class InputError {
	constructor(
		private readonly node: INode,
		private readonly itemIndex: number,
	) {}

	fail(field: string, problem: string, hint: string): never {
		throw this.error(field, problem, hint);
	}

	error(field: string, problem: string, hint: string): NodeOperationError {
		return new NodeOperationError(this.node, `${field}: ${problem}`, { itemIndex: this.itemIndex, description: hint });
	}

	/** A non-empty string; numbers are accepted as their text, objects are not. */
	text(field: string, value: unknown, hint: string, maxLength?: number): string {
		if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
		if (typeof value !== 'string') {
			this.fail(field, `expected text but the value is ${kindOf(value)}`, hint);
		}
		const trimmed = value.trim();
		if (trimmed === '') this.fail(field, 'is empty', hint);
		// Characters as a person counts them (an emoji is one), not UTF-16 units.
		const characters = [...trimmed].length;
		if (maxLength !== undefined && characters > maxLength) {
			this.fail(
				field,
				`is ${characters} characters long; the limit is ${maxLength}`,
				'Shorten it: the model reads only the start of a long prompt, and every submission is billed.',
			);
		}
		return trimmed;
	}

	/**
	 * A public http(s) URL the API can fetch (or call). Local addresses are
	 * refused when the real API is used: it cannot reach this machine.
	 */
	publicUrl(field: string, value: unknown, baseUrl: string, hint: string): string {
		const raw = this.text(field, value, hint);
		if (/^data:/i.test(raw)) {
			this.fail(
				field,
				'is a data URI, which the Hailuo API does not accept',
				'Upload the image somewhere public (S3, Google Drive with a public link, an image host) and pass its https URL.',
			);
		}
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			this.fail(field, `"${clip(raw)}" is not an absolute URL`, hint);
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			this.fail(field, `uses "${url.protocol}", only http and https URLs work`, hint);
		}
		if (isOfficialApi(baseUrl) && isLocalHost(url.hostname)) {
			this.fail(
				field,
				`points at a local address (${url.hostname}) that the Hailuo API cannot reach`,
				'The API fetches this URL from the internet: use a public address (for a callback, n8n\'s N8N_WEBHOOK_URL (WEBHOOK_URL on 1.x) must be public).',
			);
		}
		return url.toString();
	}

	number(field: string, value: unknown, range: { min: number; max: number }, unit: string): number {
		const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
			this.fail(field, `expected a number of ${unit} but the value is ${kindOf(value)}`, `Use a number from ${range.min} to ${range.max}.`);
		}
		if (parsed < range.min || parsed > range.max) {
			this.fail(field, `${parsed} ${unit} is out of range`, `Use a number from ${range.min} to ${range.max}.`);
		}
		return parsed;
	}

	taskId(field: string, value: unknown): string {
		const id = this.text(field, value, 'Use the taskId output by Text to Video or Image to Video, e.g. {{ $json.taskId }}.');
		if (!TASK_ID_PATTERN.test(id)) {
			this.fail(field, `"${clip(id)}" does not look like a task id`, 'Task IDs are UUIDs such as 05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60, as found in taskId.');
		}
		return id;
	}

	/** A list of task ids: an array, or text separated by commas, spaces or new lines. */
	taskIds(field: string, value: unknown): string[] {
		let parts: unknown[];
		if (Array.isArray(value)) parts = value;
		else if (typeof value === 'string') parts = value.split(/[\s,;]+/).filter((p) => p !== '');
		else this.fail(field, `expected a list of task ids but the value is ${kindOf(value)}`, 'Pass an array of ids or text such as "id1, id2".');
		if (parts.length === 0) this.fail(field, 'is empty', 'Pass at least one task id.');
		// Repeats are dropped first: the cap is on the tasks read, not on how often one is named.
		const ids = [...new Set(parts.map((p) => this.taskId(field, p)))];
		if (ids.length > BATCH_LIMIT) {
			this.fail(field, `has ${ids.length} ids; at most ${BATCH_LIMIT} per item`, `Split the list over several items: the API reads at most ${BATCH_LIMIT} tasks per request.`);
		}
		return ids;
	}
}

function clip(value: string): string {
	return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'missing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return value.trim() === '' ? 'empty' : `"${clip(value)}"`;
	return `${typeof value} ${String(value)}`;
}

/** The download settings, or undefined when the video is not wanted as binary data. */
export function readDownloadSettings(
	read: (name: string, fallback: unknown) => unknown,
	check: InputError,
	baseUrl: string,
	requestTimeoutMs: number,
): DownloadSettings | undefined {
	if (read('download', false) !== true) return undefined;
	const propertyName = check.text(
		'Put Output File in Field',
		read('binaryPropertyName', 'data'),
		'Name the binary field the video goes to, e.g. "data".',
	);
	return { propertyName, timeoutMs: requestTimeoutMs, publicOnly: isOfficialApi(baseUrl) };
}
