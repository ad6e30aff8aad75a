import { createHash, timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readShared } from '../records/polling';
import { readTask } from '../records/taskRecord';
import type { TaskOutcome } from '../records/taskRecord';
import { stopsTheRun } from '../transport/apiErrors';
import { DEFAULT_BASE_URL, TASK_ID_PATTERN } from '../transport/apiFacts';
import { HailuoClient } from '../transport/hailuoClient';
import { rawBodyOf } from '../transport/n8nInternals';
import { errorText, httpCodeOf } from '../transport/nodeErrors';
import { isObject } from '../transport/shapes';

/**
 * Receiving the API's callbacks, for the Hailuo Trigger and for a paused
 * Hailuo node alike. The API signs nothing (contract, section 4): anyone who
 * learns the URL can POST to it, and a callback may come twice or never. So a
 * body is only a hint: the task is read back from the API, and only what the
 * API says is used.
 */

/** A real callback body is about 1 KB; this leaves room and refuses abuse. */
const MAX_CALLBACK_BYTES = 64 * 1024;
const MAX_DEPTH = 16;

/** Why a callback request is refused: the HTTP status and message it is answered with. */
export interface Rejection {
	rejected: true;
	status: number;
	message: string;
}

export function rejected(status: number, message: string): Rejection {
	return { rejected: true, status, message };
}

export interface Callback {
	taskId: string;
	body: IDataObject;
}

function depthOf(value: unknown, limit: number): number {
	// Iterative, so a hostile body cannot exhaust the stack.
	let deepest = 0;
	const stack: Array<[unknown, number]> = [[value, 1]];
	for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
		const [current, depth] = entry;
		if (typeof current !== 'object' || current === null) continue;
		deepest = Math.max(deepest, depth);
		if (deepest > limit) return deepest;
		for (const child of Object.values(current)) stack.push([child, depth + 1]);
	}
	return deepest;
}

/** The JSON text a form parser made one key of (`{"{\"task_id\":…}": ""}`), or undefined. */
function formHeldJson(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const entries = Object.entries(body);
	if (entries.length !== 1 || !entries[0][0].trimStart().startsWith('{')) return undefined;
	const [key, value] = entries[0];
	// A form parser splits at the first "=": put back what it took out.
	return typeof value === 'string' && value !== '' ? `${key}=${value}` : key;
}

/** The callback's JSON body and task id, or why the request is refused (400). */
export function readCallback(ctx: IWebhookFunctions): Callback | Rejection {
	const request = ctx.getRequestObject();
	const declared = Number(request.headers['content-length'] ?? 0);
	const raw = rawBodyOf(ctx);
	if (declared > MAX_CALLBACK_BYTES || (raw && raw.length > MAX_CALLBACK_BYTES)) {
		return rejected(400, `Body too large: a Hailuo callback is at most ${MAX_CALLBACK_BYTES} bytes.`);
	}
	let body: unknown = ctx.getBodyData();
	// Some senders omit the JSON content type: then n8n leaves the body unparsed; with a
	// form content type (curl -d) it parses the JSON text as a form, one key holding it.
	const unparsed = raw && raw.length > 0 ? raw.toString('utf8') : formHeldJson(body);
	if ((!isObject(body) || Object.keys(body).length === 0 || formHeldJson(body) !== undefined) && unparsed !== undefined) {
		try {
			body = JSON.parse(unparsed);
		} catch {
			return rejected(400, 'Body is not JSON.');
		}
	}
	if (!isObject(body)) return rejected(400, 'Body is not a JSON object.');
	if (Object.keys(body).length === 0) {
		return rejected(400, 'Body is empty ({}): a Hailuo callback carries the task_id of the video it reports.');
	}
	if (depthOf(body, MAX_DEPTH) > MAX_DEPTH) {
		return rejected(400, 'Body is nested too deeply.');
	}
	const taskId = body.task_id;
	if (typeof taskId !== 'string' || !TASK_ID_PATTERN.test(taskId)) {
		return rejected(400, 'Body has no valid task_id.');
	}
	return { taskId, body };
}

/** A refusal that says nothing against the task: the API could not be read, or says it still runs. */
function mayStillEnd(rejection: Rejection): boolean {
	return rejection.status === 409 || rejection.status >= 500;
}

export function isRejection<T extends object>(value: T | Rejection): value is Rejection {
	return 'rejected' in value && value.rejected === true;
}

/** Compares secrets in constant time, whatever their lengths. */
export function secretMatches(expected: string, given: unknown): boolean {
	if (typeof given !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(expected), digest(given));
}

/** The `secret` query parameter as it stands in the URL, before n8n decodes it ("+" stays "+"). */
function rawSecretParameter(url: string): string | undefined {
	const query = url.split('?')[1] ?? '';
	const found = query.split('&').find((pair) => pair.startsWith('secret='));
	if (found === undefined) return undefined;
	const value = found.slice('secret='.length);
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

/**
 * Whether a request carries the secret: percent-encoded as it should be
 * (n8n decodes the query), or pasted as typed, where n8n's decoding turned
 * "+" into a space. A secret with "&" or "#" must be encoded in the URL.
 */
export function carriesSecret(ctx: IWebhookFunctions, expected: string): boolean {
	const query: unknown = ctx.getQueryData();
	const decoded = isObject(query) ? query.secret : undefined;
	const request = ctx.getRequestObject();
	const typed = rawSecretParameter(String(request.originalUrl ?? request.url ?? ''));
	// Both are compared, always, so the time taken says nothing about which matched.
	const matches = [secretMatches(expected, decoded), secretMatches(expected, typed)];
	return matches.includes(true);
}

interface Verified {
	record: IDataObject;
	outcome: TaskOutcome;
}

function videoUrlsOf(body: IDataObject): string[] {
	const data = Array.isArray(body.data) ? body.data : [];
	return data
		.filter(isObject)
		.map((entry) => entry.video_url)
		.filter((url): url is string => typeof url === 'string' && url !== '');
}

/**
 * Reads the task back from the API. Refuses the callback when the API does not
 * know the task, says it is still running, or disagrees with the body's video.
 */
async function verifyCallback(api: HailuoClient, callback: Callback): Promise<Verified | Rejection> {
	const claimedVideos = videoUrlsOf(callback.body);
	let record: IDataObject;
	try {
		record = await readShared(api, callback.taskId);
	} catch (error) {
		const status = httpCodeOf(error);
		if (status === '404' && !stopsTheRun(error)) return rejected(400, 'Unknown task: the API has no such task for this account.');
		// The API documents no retries of callbacks: the refused task must at least be findable in n8n's log.
		api.ctx.logger.warn(`Hailuo callback for task ${callback.taskId} refused (503): it could not be verified: ${errorText(error)}`);
		return rejected(503, 'The task could not be verified with the Hailuo API right now.');
	}
	if (typeof record.id === 'string' && record.id !== callback.taskId) {
		return rejected(400, 'The API answered for another task.');
	}
	const outcome = { ...readTask(record), taskId: callback.taskId };
	if (!outcome.finished) {
		return rejected(409, 'The API says this task has not finished yet.');
	}
	const known = new Set(outcome.videos.map((v) => v.url).filter((url) => url !== null));
	if (claimedVideos.some((url) => !known.has(url))) {
		return rejected(400, "The callback's video does not match the API's record of the task.");
	}
	return { record, outcome };
}

/**
 * The API for verifying a callback: few, short retries, since the caller waits
 * for the answer. A credential that cannot be used is a refusal: thrown from a
 * webhook, it would make n8n start (or resume) the workflow in error.
 */
async function callbackApi(ctx: IWebhookFunctions): Promise<HailuoClient | Rejection> {
	try {
		return await HailuoClient.connect(ctx, { maxRetries: 2, requestTimeoutMs: 15_000 });
	} catch (error) {
		ctx.logger.warn(`Hailuo callback refused (500): the credential cannot be used: ${errorText(error)}`);
		return rejected(500, 'The Hailuo API credential of this node cannot be used; see the n8n log.');
	}
}

/**
 * The steps every callback goes through, for the Hailuo Trigger and for a
 * paused execution alike: read the body, answer early where the caller says
 * so (a duplicate), read the task back from the API, and hand over what the
 * API says, or the answer that refuses the request.
 */

/** A callback's task, once read (and, where asked, verified with the API). */
export interface Received {
	callback: Callback;
	outcome: TaskOutcome;
	/** The API's own record of the task when verified, else the body as sent. */
	record: IDataObject;
	verified: boolean;
	/** Where the task was read back (the official API when it was not). */
	baseUrl: string;
}

type Reception = { answer: IWebhookResponseData } | { received: Received };

interface ReceiveSteps {
	/** How a refused request is answered. */
	refuse: (ctx: IWebhookFunctions, rejection: Rejection) => IWebhookResponseData;
	/** Read the task back from the API before anything in the body is believed. */
	verify: boolean;
	/** An answer before any API read (a repeated callback), or undefined to go on. */
	before?: (callback: Callback) => IWebhookResponseData | undefined;
	/** Told of a callback whose task the API could not confirm as ended (unreadable, or still running). */
	unconfirmed?: (callback: Callback) => void;
}

export async function receiveCallback(ctx: IWebhookFunctions, steps: ReceiveSteps): Promise<Reception> {
	const callback = readCallback(ctx);
	if (isRejection(callback)) return { answer: steps.refuse(ctx, callback) };
	const early = steps.before?.(callback);
	if (early) return { answer: early };
	if (steps.verify) return await verified(ctx, callback, steps);
	const outcome = { ...readTask(callback.body, { final: true }), taskId: callback.taskId };
	return { received: { callback, outcome, record: callback.body, verified: false, baseUrl: DEFAULT_BASE_URL } };
}

/** The callback's task as the API reads it, or the answer that refuses the callback. */
async function verified(ctx: IWebhookFunctions, callback: Callback, steps: ReceiveSteps): Promise<Reception> {
	const api = await callbackApi(ctx);
	if (isRejection(api)) {
		steps.unconfirmed?.(callback);
		return { answer: steps.refuse(ctx, api) };
	}
	const result = await verifyCallback(api, callback);
	if (isRejection(result)) {
		if (mayStillEnd(result)) steps.unconfirmed?.(callback);
		return { answer: steps.refuse(ctx, result) };
	}
	return { received: { callback, outcome: result.outcome, record: result.record, verified: true, baseUrl: api.baseUrl } };
}
