import { createHash } from 'crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import { NOT_SENT_CODES, apiError, isAccountProblem, isTransient } from './apiErrors';
import type { Failure } from './apiErrors';
import { BACKOFF, BATCH_LIMIT, CREDENTIAL_NAME, DEFAULT_BASE_URL, REQUEST_DEFAULTS, STATUS_OF_CODE } from './apiFacts';
import { sleepUnlessAborted } from './n8nInternals';
import { asNodeError, cancelled } from './nodeErrors';
import { isObject } from './shapes';

/**
 * The only module that talks to the Hailuo API: requests, error mapping and
 * the retry policy. Queries are always safe to repeat; a submission is
 * repeated only when it certainly created no task, because each one is billed.
 */

type ApiContext = IExecuteFunctions | IWebhookFunctions | IHookFunctions;

interface ApiSettings {
	requestTimeoutMs: number;
	maxRetries: number;
	/** Aborts waits between retries (the execution was cancelled). */
	signal?: AbortSignal;
	/** No request runs, and no retry waits, past this moment (epoch ms): a tool call must answer by then. */
	deadline?: number;
}

export interface GenerateRequest extends IDataObject {
	action: 'generate';
	prompt: string;
	model: string;
	first_image_url?: string;
	callback_url?: string;
	async?: boolean;
}

/** Fields of a submission that say where the answer goes, not what is asked for. */
const ROUTING_FIELDS: ReadonlySet<string> = new Set(['callback_url', 'async']);

/**
 * What a submission asks for, as one value: every field the API receives but
 * those that only route the answer, in a fixed order. Whatever asks "is this
 * the same request?" (a Retry's ledger, a repeated tool call) asks this, so a
 * field added to the request is part of the answer without anyone listing it.
 */
export function requestIdentity(body: GenerateRequest): string {
	const asked = Object.keys(body)
		.filter((field) => !ROUTING_FIELDS.has(field) && body[field] !== undefined)
		.sort()
		.map((field) => [field, body[field]]);
	return createHash('sha256').update(JSON.stringify(asked)).digest('hex').slice(0, 32);
}

/** One request's answer: usable JSON, or what went wrong (and, for a 429, when to ask again). */
type Attempt = { ok: IDataObject } | { failure: Failure; retryAfterMs?: number };

export function normaliseBaseUrl(value: unknown): string {
	const raw = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return raw.replace(/\/+$/, '');
}

/** A Base URL without http(s):// would fail later as an unreachable host; say what is wrong instead. */
function checkBaseUrl(ctx: ApiContext, baseUrl: string): string {
	if (/^https?:\/\/[^/\s]+/i.test(baseUrl)) return baseUrl;
	throw new NodeOperationError(ctx.getNode(), `The credential's Base URL "${baseUrl}" does not start with https://`, {
		description: `Open the Hailuo API credential and write the Base URL with its scheme, e.g. ${DEFAULT_BASE_URL}. Nothing was submitted.`,
	});
}

function parseRetryAfter(value: unknown): number | undefined {
	const header = Array.isArray(value) ? value[0] : value;
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const secondsValue = Number(header);
	if (Number.isFinite(secondsValue) && secondsValue >= 0) return secondsValue * 1000;
	const date = Date.parse(String(header));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The code of a network error, however deep n8n's helpers wrapped it. */
function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && (isObject(current) || current instanceof Error); depth++) {
		const code: unknown = 'code' in current ? current.code : undefined;
		// ECONNREFUSED, ERR_CANCELED, CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT...
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,}$/.test(code)) return code;
		current = 'cause' in current ? current.cause : undefined;
	}
	return undefined;
}

/**
 * The provider's error body (`{success: false, error: {code, message}}`) sent
 * with a 200 by some gateways. Not a task: a task's record has an `id`, a
 * task's final result a `task_id`, even when the task failed.
 */
function isErrorEnvelope(body: IDataObject): boolean {
	return body.success === false && isObject(body.error) && body.id === undefined && body.task_id === undefined;
}

/** Reads an answer into JSON, or says precisely why it is not usable. */
export function readAnswer(status: number, body: unknown, headers: IDataObject = {}): Attempt {
	const textBody = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
	let parsed: unknown = textBody === undefined ? body : undefined;
	if (textBody !== undefined) {
		const trimmed = textBody.trim();
		if (trimmed === '') {
			parsed = undefined;
		} else if (trimmed.startsWith('<')) {
			// An error status says more than the page that carries it (a 429 stays a 429).
			if (status >= 200 && status < 300) return { failure: { kind: 'html', status } };
			return {
				failure: { kind: 'status', status, htmlPage: true },
				retryAfterMs: status === 429 ? parseRetryAfter(headers['retry-after']) : undefined,
			};
		} else {
			try {
				parsed = JSON.parse(trimmed);
			} catch {
				if (status >= 200 && status < 300) {
					return { failure: { kind: 'badJson', status, reason: 'cut-off or invalid JSON' } };
				}
			}
		}
	}
	if (status >= 200 && status < 300) {
		if (parsed === undefined) return { failure: { kind: 'badJson', status, reason: 'empty body' } };
		if (!isObject(parsed)) return { failure: { kind: 'badJson', status, reason: 'not a JSON object' } };
		if (!isErrorEnvelope(parsed)) return { ok: parsed };
	}
	const errorBody = isObject(parsed) ? parsed : {};
	const errorObject = isObject(errorBody.error) ? errorBody.error : {};
	const code = typeof errorObject.code === 'string' ? errorObject.code : undefined;
	return {
		failure: {
			kind: 'status',
			status: status >= 200 && status < 300 ? (STATUS_OF_CODE[code ?? ''] ?? 500) : status,
			code,
			apiMessage: typeof errorObject.message === 'string' ? errorObject.message.slice(0, 500) : undefined,
			traceId: typeof errorBody.trace_id === 'string' ? errorBody.trace_id : undefined,
		},
		retryAfterMs: status === 429 ? parseRetryAfter(headers['retry-after']) : undefined,
	};
}

export class HailuoClient {
	private constructor(
		readonly ctx: ApiContext,
		readonly baseUrl: string,
		private readonly settings: ApiSettings,
	) {}

	static async connect(ctx: ApiContext, settings: Partial<ApiSettings> = {}): Promise<HailuoClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
		return new HailuoClient(ctx, checkBaseUrl(ctx, normaliseBaseUrl(credentials.baseUrl)), {
			requestTimeoutMs: settings.requestTimeoutMs ?? REQUEST_DEFAULTS.timeoutSeconds * 1000,
			maxRetries: settings.maxRetries ?? REQUEST_DEFAULTS.maxRetries,
			signal: settings.signal,
			deadline: settings.deadline,
		});
	}

	/**
	 * The same API, bounded by `deadline` too (the earlier of the two holds):
	 * no retry waits past it and no request outlives it, whatever the API's
	 * Retry-After or the retries left say.
	 */
	until(deadline: number): HailuoClient {
		const bound = this.settings.deadline === undefined ? deadline : Math.min(this.settings.deadline, deadline);
		return new HailuoClient(this.ctx, this.baseUrl, { ...this.settings, deadline: bound });
	}

	/** Submit one generation. Returns the task id and the API's answer. */
	async submit(
		body: GenerateRequest,
		itemIndex: number,
	): Promise<{ taskId: string; answer: IDataObject }> {
		const doing = 'submitting the video';
		const answer = await this.call('/hailuo/videos', body, {
			doing,
			itemIndex,
			submission: true,
		});
		const taskId = answer.task_id;
		if (typeof taskId !== 'string' || taskId.trim() === '') {
			throw apiError(
				this.ctx.getNode(),
				{ kind: 'badJson', status: 200, reason: 'no task_id in the answer' },
				{ doing, baseUrl: this.baseUrl, submission: true, attempts: 1, waitedMs: 0, itemIndex },
			);
		}
		return { taskId, answer };
	}

	/** One task record. */
	async retrieve(taskId: string, itemIndex?: number): Promise<IDataObject> {
		return await this.call(
			'/hailuo/tasks',
			{ action: 'retrieve', id: taskId },
			{ doing: `reading task ${taskId}`, itemIndex, taskId },
		);
	}

	/** Task records for up to BATCH_LIMIT ids in one request. Records for ids not asked for are dropped. */
	async retrieveBatch(taskIds: string[]): Promise<Map<string, IDataObject>> {
		if (taskIds.length > BATCH_LIMIT) {
			throw new RangeError(`retrieveBatch takes at most ${BATCH_LIMIT} ids`);
		}
		const answer = await this.call(
			'/hailuo/tasks',
			{ action: 'retrieve_batch', ids: taskIds },
			{ doing: `reading ${taskIds.length} task(s)` },
		);
		const asked = new Set(taskIds);
		const records = new Map<string, IDataObject>();
		const items = Array.isArray(answer.items) ? answer.items : [];
		for (const item of items) {
			if (isObject(item) && typeof item.id === 'string' && asked.has(item.id)) {
				records.set(item.id, item);
			}
		}
		return records;
	}

	private async call(
		path: string,
		body: IDataObject,
		ctx: { doing: string; itemIndex?: number; taskId?: string; submission?: boolean },
	): Promise<IDataObject> {
		const started = Date.now();
		let attempts = 0;
		for (;;) {
			if (this.settings.signal?.aborted) throw cancelled(this.ctx.getNode());
			attempts++;
			const attempt = await this.attempt(path, body);
			if ('ok' in attempt) return attempt.ok;
			const { failure } = attempt;
			const certainlyNotSent =
				(failure.kind === 'status' && failure.status !== 408 && failure.status < 500) ||
				(failure.kind === 'network' && NOT_SENT_CODES.has(failure.code));
			const retryable = ctx.submission
				? certainlyNotSent && isTransient(failure)
				: isTransient(failure) && !isAccountProblem(failure);
			const backoff = Math.min(BACKOFF.baseMs * 2 ** (attempts - 1), BACKOFF.maxMs);
			const jitter = backoff * 0.2 * Math.random();
			const delay =
				attempt.retryAfterMs !== undefined
					? Math.min(attempt.retryAfterMs, BACKOFF.retryAfterCapMs)
					: backoff + jitter;
			const pastDeadline = this.settings.deadline !== undefined && Date.now() + delay >= this.settings.deadline;
			if (!retryable || attempts > this.settings.maxRetries || pastDeadline || this.settings.signal?.aborted) {
				throw apiError(this.ctx.getNode(), failure, {
					...ctx,
					baseUrl: this.baseUrl,
					certainlyNotSent,
					attempts,
					waitedMs: Date.now() - started,
				});
			}
			this.ctx.logger.warn(
				`Hailuo API: ${ctx.doing} failed (${describe(failure)}), retry ${attempts}/${this.settings.maxRetries} in ${Math.round(delay)} ms`,
			);
			await sleepOrCancel(this.ctx, delay, this.settings.signal);
		}
	}

	/** The Request Timeout, cut to what is left before the deadline (at least 1 s, so a late request still gets an answer). */
	private requestTimeoutMs(): number {
		const { requestTimeoutMs, deadline } = this.settings;
		return deadline === undefined ? requestTimeoutMs : Math.min(requestTimeoutMs, Math.max(1000, deadline - Date.now()));
	}

	private async attempt(path: string, body: IDataObject): Promise<Attempt> {
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: `${this.baseUrl}${path}`,
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			body: JSON.stringify(body),
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.requestTimeoutMs(),
		};
		try {
			// returnFullResponse: n8n's helper (typed as returning anything) answers with status, headers and body.
			const response: IN8nHttpFullResponse = await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL_NAME,
				options,
			);
			return readAnswer(response.statusCode, response.body, response.headers ?? {});
		} catch (error) {
			const code = networkCode(error);
			if (code) return { failure: { kind: 'network', code } };
			if (error instanceof NodeApiError && error.httpCode) {
				return { failure: { kind: 'status', status: Number(error.httpCode) } };
			}
			return { failure: { kind: 'network', code: 'EUNKNOWN' } };
		}
	}
}

function describe(failure: Failure): string {
	if (failure.kind === 'network') return failure.code;
	if (failure.kind === 'status') return `HTTP ${failure.status}`;
	if (failure.kind === 'html') return `HTML page, HTTP ${failure.status}`;
	return failure.reason;
}

/**
 * Waits, waking early when the execution is cancelled. n8n-workflow 2.x's
 * sleep takes the signal; 1.x's ignores it, so the signal is checked again
 * after the wait.
 */
export async function sleepOrCancel(ctx: ApiContext, ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw cancelled(ctx.getNode());
	try {
		await sleepUnlessAborted(ms, signal);
	} catch (error) {
		throw signal?.aborted ? cancelled(ctx.getNode()) : asNodeError(ctx.getNode(), error);
	}
	if (signal?.aborted) throw cancelled(ctx.getNode());
}
