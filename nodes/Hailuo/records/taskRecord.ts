import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../transport/shapes';

/**
 * What a task record or a final result means: finished or not, succeeded or
 * failed, which videos. The API gives several overlapping signals (contract,
 * section 2) and none of them alone is reliable, so they are all read here and
 * nowhere else.
 */

type TaskState = 'pending' | 'processing' | 'succeeded' | 'failed';

interface TaskVideo {
	id: string | null;
	url: string | null;
	state: string | null;
	model: string | null;
	prompt: string | null;
}

interface TaskError {
	code: string;
	message: string;
}

export interface TaskOutcome {
	taskId: string | null;
	state: TaskState;
	finished: boolean;
	videos: TaskVideo[];
	model: string | null;
	prompt: string | null;
	traceId: string | null;
	error?: TaskError;
	createdAt?: string;
	finishedAt?: string;
	elapsed?: number;
}

const SUCCEEDED_STATES = new Set(['succeeded', 'success', 'completed', 'complete', 'finished', 'done']);
const FAILED_STATES = new Set([
	'failed',
	'failure',
	'error',
	'errored',
	'cancelled',
	'canceled',
	'timeout',
	'timed_out',
	'expired',
	'rejected',
]);
const PENDING_STATES = new Set(['pending', 'queued', 'queueing', 'submitted', 'created', 'waiting']);

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value : null;

/** An http(s) URL that parses: anything else (`http://[`, a relative path) is no video URL. */
const httpUrl = (value: unknown): string | null => {
	const candidate = text(value);
	return candidate && /^https?:\/\/[^\s]+$/i.test(candidate) && URL.canParse(candidate) ? candidate : null;
};

const unixSeconds = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;

const isoTime = (value: unknown): string | undefined => {
	const seconds = unixSeconds(value);
	if (seconds === null) return undefined;
	const date = new Date(seconds * 1000);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

function readError(value: unknown): TaskError | undefined {
	if (isObject(value)) {
		const code = text(value.code) ?? 'task_failed';
		const message = text(value.message) ?? text(value.detail) ?? 'The task failed without a message from the API.';
		return { code, message };
	}
	const message = text(value);
	return message ? { code: 'task_failed', message } : undefined;
}

/**
 * A task the provider accepted, then dropped because no capacity ("channel")
 * was free for the model: `api_error` with "no channel available for <model>"
 * and no state at all. It will not recover; only a new task can.
 */
const NO_CHANNEL = /no channel available(?: for (\S+))?/i;

const NO_CAPACITY_CODE = 'no_capacity';

function capacityError(error: TaskError, model: string | null): TaskError {
	const match = NO_CHANNEL.exec(error.message);
	if (error.code !== 'api_error' || !match) return error;
	const forModel = match[1]?.replace(/[.,;:]+$/, '') || model || 'this model';
	return {
		code: NO_CAPACITY_CODE,
		message:
			`The provider is out of capacity for ${forModel}: the task was accepted, then dropped (the API said "${error.message}", code ${error.code}). ` +
			'This is not a fault of the prompt. Resubmitting later creates a new task, which is billed. ' +
			'The provider does not document whether this failed task is billed: check the AceData Cloud console.',
	};
}

function readVideo(value: IDataObject): TaskVideo {
	return {
		id: text(value.id),
		url: httpUrl(value.video_url),
		// The provider's description allows `status` in place of `state`.
		state: (text(value.state) ?? text(value.status))?.toLowerCase() ?? null,
		model: text(value.model),
		prompt: typeof value.prompt === 'string' ? value.prompt : null,
	};
}

/** The final-result part of a task record, or the value itself when it is a final result. */
function resultPart(value: IDataObject): IDataObject | undefined {
	if (isObject(value.response)) return value.response;
	if ('data' in value || 'success' in value || 'task_id' in value) return value;
	return undefined;
}

interface ReadOptions {
	/**
	 * The value is a final result by definition (a callback body, or the answer
	 * of a held request): whatever it says, the task has ended.
	 */
	final?: boolean;
}

/**
 * Interpret a task record (from /hailuo/tasks) or a final result (callback
 * body, held response). Never throws: anything unreadable is "not finished".
 */
export function readTask(value: unknown, options: ReadOptions = {}): TaskOutcome {
	const record = isObject(value) ? value : {};
	const result = resultPart(record);
	const request = isObject(record.request) ? record.request : {};
	const videos = (Array.isArray(result?.data) ? result.data : []).filter(isObject).map(readVideo);
	const withUrl = videos.filter((v) => v.url !== null);

	const error = readError(result?.error) ?? readError(record.error);
	const failedSignal =
		result?.success === false ||
		record.success === false ||
		error !== undefined ||
		videos.some((v) => v.state !== null && FAILED_STATES.has(v.state));
	const everyVideoEnded =
		videos.length > 0 && videos.every((v) => v.state !== null && SUCCEEDED_STATES.has(v.state));
	const stillRunning = videos.some(
		(v) => v.state !== null && !SUCCEEDED_STATES.has(v.state) && !FAILED_STATES.has(v.state),
	);
	const finished =
		options.final === true ||
		failedSignal ||
		unixSeconds(record.finished_at) !== null ||
		everyVideoEnded ||
		// success: true alongside a video still marked running is a partial answer.
		(result?.success === true && !stillRunning);

	let state: TaskState;
	let taskError: TaskError | undefined;
	if (!finished) {
		const started =
			unixSeconds(record.started_at) !== null ||
			videos.some((v) => v.state !== null && !PENDING_STATES.has(v.state));
		state = started ? 'processing' : 'pending';
	} else if (failedSignal) {
		state = 'failed';
		taskError = error
			? capacityError(error, videos[0]?.model ?? text(request.model))
			: { code: 'task_failed', message: 'The task ended in a failed state.' };
	} else if (withUrl.length > 0) {
		state = 'succeeded';
	} else {
		state = 'failed';
		taskError = {
			code: 'no_video',
			message: 'The task ended without returning a video URL.',
		};
	}

	const outcome: TaskOutcome = {
		taskId: text(record.id) ?? text(result?.task_id) ?? text(record.task_id),
		state,
		finished,
		videos,
		model: videos[0]?.model ?? text(request.model),
		prompt: videos[0]?.prompt ?? (typeof request.prompt === 'string' ? request.prompt : null),
		traceId: text(result?.trace_id) ?? text(record.trace_id),
	};
	if (taskError) outcome.error = taskError;
	const createdAt = isoTime(record.created_at);
	const finishedAt = isoTime(record.finished_at);
	const elapsed = unixSeconds(record.elapsed);
	if (createdAt) outcome.createdAt = createdAt;
	if (finishedAt) outcome.finishedAt = finishedAt;
	if (elapsed !== null) outcome.elapsed = elapsed;
	return outcome;
}

/** An outcome for a task known only by its id (just submitted, or never seen). */
export function unknownTask(taskId: string): TaskOutcome {
	return {
		taskId,
		state: 'pending',
		finished: false,
		videos: [],
		model: null,
		prompt: null,
		traceId: null,
	};
}

/** The first video worth handing on: one with a URL. */
export function firstVideoUrl(outcome: TaskOutcome): string | null {
	return outcome.videos.find((v) => v.url !== null)?.url ?? null;
}

/** The flat item the nodes output when "Simplify" is on. */
export function simplify(outcome: TaskOutcome): IDataObject {
	const item: IDataObject = {
		taskId: outcome.taskId,
		state: outcome.state,
		videoUrl: firstVideoUrl(outcome),
		videos: outcome.videos.map((v) => ({ ...v })),
		model: outcome.model,
		prompt: outcome.prompt,
		traceId: outcome.traceId,
	};
	if (outcome.error) item.error = { ...outcome.error };
	if (outcome.createdAt) item.createdAt = outcome.createdAt;
	if (outcome.finishedAt) item.finishedAt = outcome.finishedAt;
	if (outcome.elapsed !== undefined) item.elapsed = outcome.elapsed;
	return item;
}
