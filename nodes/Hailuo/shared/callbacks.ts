import { createHash, timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeApiError,
} from 'n8n-workflow';

import { HailuoApi } from './api';
import { downloadVideo, nothingToDownload } from './download';
import type { DownloadSettings } from './download';
import { isObject, readTask } from './taskRecord';
import type { TaskOutcome } from './taskRecord';

/**
 * Receiving the API's callbacks, for the Hailuo Trigger and for a paused
 * Hailuo node alike. The API signs nothing (contract, section 4): anyone who
 * learns the URL can POST to it, and a callback may come twice or never. So a
 * body is only a hint: the task is read back from the API, and only what the
 * API says is used.
 */

/** A real callback body is about 1 KB; this leaves room and refuses abuse. */
export const MAX_CALLBACK_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{5,127}$/;

export interface Rejection {
	status: number;
	message: string;
}

export interface Callback {
	taskId: string;
	body: IDataObject;
}

function depthOf(value: unknown, limit: number): number {
	// Iterative, so a hostile body cannot exhaust the stack.
	let deepest = 0;
	const stack: Array<[unknown, number]> = [[value, 1]];
	while (stack.length > 0) {
		const [current, depth] = stack.pop() as [unknown, number];
		if (typeof current !== 'object' || current === null) continue;
		deepest = Math.max(deepest, depth);
		if (deepest > limit) return deepest;
		for (const child of Object.values(current)) stack.push([child, depth + 1]);
	}
	return deepest;
}

/** The callback's JSON body and task id, or why the request is refused (400). */
export function readCallback(ctx: IWebhookFunctions): Callback | Rejection {
	const request = ctx.getRequestObject();
	const declared = Number(request.headers['content-length'] ?? 0);
	const raw = (request as unknown as { rawBody?: Buffer }).rawBody;
	if (declared > MAX_CALLBACK_BYTES || (raw && raw.length > MAX_CALLBACK_BYTES)) {
		return { status: 400, message: `Body too large: a Hailuo callback is at most ${MAX_CALLBACK_BYTES} bytes.` };
	}
	let body: unknown = ctx.getBodyData();
	// Some senders omit the JSON content type: then n8n leaves the body unparsed.
	if ((!isObject(body) || Object.keys(body).length === 0) && raw && raw.length > 0) {
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			return { status: 400, message: 'Body is not JSON.' };
		}
	}
	if (!isObject(body) || Object.keys(body).length === 0) {
		return { status: 400, message: 'Body is not a JSON object.' };
	}
	if (depthOf(body, MAX_DEPTH) > MAX_DEPTH) {
		return { status: 400, message: 'Body is nested too deeply.' };
	}
	const taskId = body.task_id;
	if (typeof taskId !== 'string' || !TASK_ID.test(taskId)) {
		return { status: 400, message: 'Body has no valid task_id.' };
	}
	return { taskId, body };
}

export function isRejection(value: unknown): value is Rejection {
	return isObject(value as IDataObject) && typeof (value as Rejection).status === 'number';
}

/** Compares secrets in constant time, whatever their lengths. */
export function secretMatches(expected: string, given: unknown): boolean {
	if (typeof given !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(expected), digest(given));
}

export interface Verified {
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
export async function verifyCallback(api: HailuoApi, callback: Callback): Promise<Verified | Rejection> {
	let record: IDataObject;
	try {
		record = await api.retrieve(callback.taskId);
	} catch (error) {
		const status = (error as NodeApiError).httpCode;
		if (status === '404') return { status: 400, message: 'Unknown task: the API has no such task for this account.' };
		return { status: 503, message: 'The task could not be verified with the Hailuo API right now.' };
	}
	if (typeof record.id === 'string' && record.id !== callback.taskId) {
		return { status: 400, message: 'The API answered for another task.' };
	}
	const outcome = { ...readTask(record), taskId: callback.taskId };
	if (!outcome.finished) {
		return { status: 409, message: 'The API says this task has not finished yet.' };
	}
	const known = new Set(outcome.videos.map((v) => v.url).filter((url) => url !== null));
	if (videoUrlsOf(callback.body).some((url) => !known.has(url))) {
		return { status: 400, message: "The callback's video does not match the API's record of the task." };
	}
	return { record, outcome };
}

/** The API for verifying a callback: few, short retries, since the caller waits for the answer. */
export async function callbackApi(ctx: IWebhookFunctions): Promise<HailuoApi> {
	return await HailuoApi.connect(ctx, { maxRetries: 2, requestTimeoutMs: 15_000 });
}

/**
 * Answers the HTTP request directly. In production n8n then starts nothing.
 * While a user tests the trigger in the editor, the refusal also comes out as
 * an item, so a wrong secret or a forged body shows up there instead of
 * leaving the editor listening in silence.
 */
export function refuse(ctx: IWebhookFunctions, rejection: Rejection): IWebhookResponseData {
	const response = ctx.getResponseObject();
	response.status(rejection.status).json({ accepted: false, message: rejection.message });
	if (ctx.getMode() !== 'manual') return { noWebhookResponse: true };
	const item = { accepted: false, status: rejection.status, reason: rejection.message };
	return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
}

const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;
const DUPLICATE_MAX = 5000;
/** Callbacks seen by this n8n process, so two copies arriving together start one execution. */
const recentInProcess = new Map<string, number>();

/**
 * Whether this task's callback was already accepted for this trigger. Seen ids
 * live in the workflow's static data (kept 24 h, at most 5,000) and in memory.
 */
export function isDuplicate(ctx: IWebhookFunctions, taskId: string): boolean {
	const now = Date.now();
	const key = `${ctx.getWorkflow().id}:${ctx.getNode().id}:${taskId}`;
	const staticData = ctx.getWorkflowStaticData('node');
	const seen = (isObject(staticData.seenTasks) ? staticData.seenTasks : {}) as Record<string, number>;
	for (const [id, at] of Object.entries(seen)) if (now - at > DUPLICATE_WINDOW_MS) delete seen[id];
	for (const [id, at] of recentInProcess) if (now - at > DUPLICATE_WINDOW_MS) recentInProcess.delete(id);

	if (recentInProcess.has(key) || seen[taskId] !== undefined) return true;
	recentInProcess.set(key, now);
	if (recentInProcess.size > DUPLICATE_MAX * 4) {
		// Maps iterate in insertion order: the first key is the oldest.
		recentInProcess.delete(recentInProcess.keys().next().value as string);
	}
	seen[taskId] = now;
	const ids = Object.keys(seen);
	if (ids.length > DUPLICATE_MAX) {
		ids.sort((a, b) => seen[a] - seen[b]);
		for (const id of ids.slice(0, ids.length - DUPLICATE_MAX)) delete seen[id];
	}
	staticData.seenTasks = seen;
	return false;
}

/**
 * Starts (or resumes) the workflow with `item`. With a download, the API gets
 * its 2xx first: a large video must not keep the caller waiting. A failed
 * download still delivers the task, with the reason in `downloadError`.
 */
export async function deliver(
	ctx: IWebhookFunctions,
	item: INodeExecutionData,
	outcome: TaskOutcome,
	download: DownloadSettings | undefined,
	notVerified?: string,
): Promise<IWebhookResponseData> {
	if (!download) return { workflowData: [[item]] };
	const reason = notVerified ?? nothingToDownload(outcome);
	if (reason) {
		item.json.downloadSkipped = reason;
		return { workflowData: [[item]] };
	}
	ctx.getResponseObject().status(200).json({ accepted: true, started: true });
	try {
		item.binary = { [download.propertyName]: await downloadVideo(ctx, outcome, download) };
	} catch (error) {
		item.json.downloadError = (error as Error).message;
	}
	return { noWebhookResponse: true, workflowData: [[item]] };
}
