import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { ACCOUNT_PROBLEMS, isAccountCode } from './accountErrors';
import { BASE_URL_RULE } from './apiFacts';

/**
 * Turns what went wrong on the wire into errors a workflow builder can act on.
 * Errors are built from a sanitised summary, never from the raw HTTP error,
 * whose request config carries the Authorization header.
 */

export type Failure =
	| { kind: 'status'; status: number; code?: string; apiMessage?: string; traceId?: string; htmlPage?: boolean }
	| { kind: 'html'; status: number }
	| { kind: 'badJson'; status: number; reason: string }
	| { kind: 'network'; code: string };

interface FailureContext {
	/** What was being done, e.g. "submitting the video" or "reading task 05af…" */
	doing: string;
	baseUrl: string;
	/** A submission: a failure after sending may have created (and billed) a task. */
	submission?: boolean;
	/** Whether the request certainly never reached the API (submission only). */
	certainlyNotSent?: boolean;
	attempts: number;
	waitedMs: number;
	taskId?: string;
	itemIndex?: number;
}

const NETWORK_MESSAGES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was cut before the answer was complete',
	EPIPE: 'the connection was cut while sending',
	ETIMEDOUT: 'no answer came in time',
	ECONNABORTED: 'no answer came in time',
	ERR_CANCELED: 'the request was cancelled',
};

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);

/** Network failures after which the request certainly did not reach the API. */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransient(failure: Failure): boolean {
	switch (failure.kind) {
		case 'status':
			return failure.status === 429 || failure.status >= 500;
		case 'html':
		case 'badJson':
			return true;
		case 'network':
			return failure.code !== 'ERR_CANCELED';
	}
}

/**
 * Documented codes that are about one request, not the account. A 401 or 403
 * carrying one of them is not taken as a refused token.
 */
const REQUEST_CODES = new Set(['bad_request', 'too_many_requests', 'api_error', 'api_not_implemented']);

/**
 * Whether an answer holds for the whole account, so that every other item or
 * task would meet it too: a documented account code (used_up, disabled,
 * token_expired...), or a 401 / 403 without a code that says otherwise.
 */
function isAccountWide(status: number | undefined, code: unknown): boolean {
	if (isAccountCode(code)) return true;
	if (typeof code === 'string' && REQUEST_CODES.has(code)) return false;
	return status === 401 || status === 403;
}

/** Errors that say nothing about the request, only about the account: stop at once. */
export function isAccountProblem(failure: Failure): boolean {
	return failure.kind === 'status' && isAccountWide(failure.status, failure.code);
}

function seconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

type StatusFailure = Extract<Failure, { kind: 'status' }>;

/** One case of what went wrong: when it applies, what the error says, what to do next. */
interface ErrorCase<F extends Failure> {
	when: (failure: F, ctx: FailureContext) => boolean;
	headline: (failure: F, ctx: FailureContext) => string;
	nextStep: (failure: F, ctx: FailureContext) => string;
}

/** "The node tried 3 times over 7.2 s." before the next step, when it retried. */
const retried = (ctx: FailureContext, nextStep: string) =>
	`${ctx.attempts > 1 ? `The node tried ${ctx.attempts} times over ${seconds(ctx.waitedMs)}. ` : ''}${nextStep}`;

const quoted = (f: StatusFailure) => (f.apiMessage ? `: ${f.apiMessage}` : f.htmlPage ? ' (an HTML error page instead of JSON)' : '');
const coded = (f: StatusFailure) => (f.code ? ` (${f.code})` : '');

const CHECK_BASE_URL = `Check the Base URL of the Hailuo API credential: it must be ${BASE_URL_RULE}.`;

/**
 * Every answer with an HTTP status, first matching row wins. Whether a case
 * stops the whole run is not a row's choice: it is isAccountProblem(), the
 * same question the retry policy asks.
 */
const STATUS_CASES: Array<ErrorCase<StatusFailure>> = [
	{
		when: (f) => isAccountCode(f.code),
		headline: (f) => (isAccountCode(f.code) ? ACCOUNT_PROBLEMS[f.code].headline : ''),
		nextStep: (f, ctx) =>
			isAccountCode(f.code) ? `${ACCOUNT_PROBLEMS[f.code].nextStep}${f.code === 'no_api' ? ` The Base URL is ${ctx.baseUrl}.` : ''}` : '',
	},
	{
		when: (f) => isAccountWide(f.status, f.code),
		headline: (f) => `The Hailuo API rejected the token${coded(f)}`,
		nextStep: () => 'Open the Hailuo API credential and paste a valid token from the AceData Cloud console (and check its Base URL).',
	},
	{
		when: (f) => f.status === 429,
		headline: (f) => `The Hailuo API is rate limiting this account${coded(f)}`,
		nextStep: (_f, ctx) => retried(ctx, "Lower 'Concurrency' or raise 'Poll Interval' in the node's options, or spread runs out in time."),
	},
	{
		when: (f) => f.code === 'bad_request',
		headline: (f, ctx) => `The Hailuo API refused a parameter while ${ctx.doing} (bad_request)${quoted(f)}`,
		nextStep: (f) =>
			f.apiMessage
				? `The API's message names the field to fix ("${f.apiMessage}"): correct that parameter of the node (Prompt, Model, First Image URL) and run the item again.`
				: "The API did not say which parameter it refused: check the node's Prompt, Model and First Image URL.",
	},
	{
		when: (f, ctx) => f.status === 404 && ctx.taskId !== undefined,
		headline: (f, ctx) => `Task ${ctx.taskId ?? ''} was not found${coded(f)}`,
		nextStep: () =>
			'Check the task ID: it is the taskId output by Text to Video or Image to Video (or received by a Hailuo Trigger), and tasks are visible only to the account that created them.',
	},
	{
		when: (f) => f.status >= 500,
		headline: (f, ctx) => `The Hailuo API failed with HTTP ${f.status} while ${ctx.doing}${coded(f)}${quoted(f)}`,
		nextStep: (f, ctx) =>
			retried(ctx, `This is a fault on the provider's side${f.htmlPage ? ' or a gateway in front of it' : ''}: try again later, and if it lasts, contact AceData support with the trace id.`),
	},
	{
		when: (f) => f.status === 404,
		headline: (f, ctx) => `The Hailuo API refused the request (HTTP ${f.status}) while ${ctx.doing}${coded(f)}${quoted(f)}`,
		nextStep: () => CHECK_BASE_URL,
	},
	{
		when: () => true,
		headline: (f, ctx) => `The Hailuo API refused the request (HTTP ${f.status}) while ${ctx.doing}${coded(f)}${quoted(f)}`,
		nextStep: () => "Check the node's parameters (prompt, model, image URL) against the API's message.",
	},
];

type NetworkFailure = Extract<Failure, { kind: 'network' }>;

const NETWORK_CASES: Array<ErrorCase<NetworkFailure>> = [
	{
		when: (f) => TIMEOUT_CODES.has(f.code),
		headline: (f, ctx) => `Could not reach the Hailuo API at ${ctx.baseUrl} while ${ctx.doing}: ${NETWORK_MESSAGES[f.code]}`,
		nextStep: (_f, ctx) => retried(ctx, "Raise 'Request Timeout' in the node's options if the API is slow, or try again later."),
	},
	{
		when: () => true,
		headline: (f, ctx) => `Could not reach the Hailuo API at ${ctx.baseUrl} while ${ctx.doing}: ${NETWORK_MESSAGES[f.code] ?? `network error ${f.code}`}`,
		nextStep: (_f, ctx) => retried(ctx, "Check the credential's Base URL and this machine's network access."),
	},
];

/** The answers that are not JSON at all: one case each. */
const UNREADABLE_CASES: { [K in 'html' | 'badJson']: ErrorCase<Extract<Failure, { kind: K }>> } = {
	html: {
		when: () => true,
		headline: (f, ctx) => `The Hailuo API answered with an HTML page instead of JSON (HTTP ${f.status}) while ${ctx.doing}`,
		nextStep: (_f, ctx) =>
			retried(ctx, "An HTML page usually comes from a gateway or proxy in front of the API, or from a Base URL that is not the API: check the credential's Base URL."),
	},
	badJson: {
		when: () => true,
		headline: (f, ctx) => `The Hailuo API gave an unreadable answer (HTTP ${f.status}, ${f.reason}) while ${ctx.doing}`,
		nextStep: (_f, ctx) => retried(ctx, 'The answer was cut off or malformed; this is usually a passing gateway fault.'),
	},
};

function pick<F extends Failure>(cases: Array<ErrorCase<F>>, failure: F, ctx: FailureContext): ErrorCase<F> {
	return cases.find((c) => c.when(failure, ctx)) ?? cases[cases.length - 1];
}

/** The headline and next step of a failure, from the one row that matches it. */
function describeFailure(failure: Failure, ctx: FailureContext): { headline: string; nextStep: string } {
	const say = <F extends Failure>(row: ErrorCase<F>, f: F) => ({ headline: row.headline(f, ctx), nextStep: row.nextStep(f, ctx) });
	switch (failure.kind) {
		case 'status':
			return say(pick(STATUS_CASES, failure, ctx), failure);
		case 'network':
			return say(pick(NETWORK_CASES, failure, ctx), failure);
		case 'html':
			return say(UNREADABLE_CASES.html, failure);
		case 'badJson':
			return say(UNREADABLE_CASES.badJson, failure);
	}
}

/** What every error adds after its next step: the provider's words, what was (not) billed, the task to pick up. */
function consequences(failure: Failure, ctx: FailureContext, headline: string): string[] {
	const lines: string[] = [];
	if (failure.kind === 'status') {
		// The provider's own words, wherever the headline does not already quote them.
		if (failure.apiMessage && !headline.includes(failure.apiMessage)) lines.push(`The API said: "${failure.apiMessage}"`);
		if (failure.traceId) lines.push(`Trace id for AceData support: ${failure.traceId}.`);
	}
	const accountWide = isAccountProblem(failure);
	if (ctx.submission && accountWide) lines.push('This holds for every item, so nothing more was submitted after this answer.');
	if (ctx.submission && !ctx.certainlyNotSent) {
		lines.push(
			'The request may have reached the API, so a task may exist and be billed. It was NOT resubmitted, to avoid paying twice, and no task id came back: check the AceData Cloud console before running this item again (a Retry of this execution will not send it).',
		);
	} else if (ctx.submission) {
		lines.push(
			accountWide
				? 'No task was created for this item, so it is safe to run it again once this is fixed.'
				: 'No task was created for this item, so it is safe to run it again.',
		);
	}
	const taskUnknown = failure.kind === 'status' && failure.status === 404 && failure.code !== 'no_api';
	if (ctx.taskId && !taskUnknown) lines.push(`Task id: ${ctx.taskId}. Pick it up later with Task > Wait or Task > Get.`);
	return lines;
}

export function apiError(node: INode, failure: Failure, ctx: FailureContext): NodeApiError {
	const summary: JsonObject = { kind: failure.kind };
	if (failure.kind === 'status') {
		summary.status = failure.status;
		if (failure.code) summary.code = failure.code;
		if (failure.apiMessage) summary.message = failure.apiMessage;
		if (failure.traceId) summary.trace_id = failure.traceId;
	} else if (failure.kind === 'network') {
		summary.networkCode = failure.code;
	} else {
		summary.status = failure.status;
	}
	if (ctx.taskId) summary.task_id = ctx.taskId;
	const httpCode = 'status' in failure ? String(failure.status) : undefined;
	const { headline: title, nextStep } = describeFailure(failure, ctx);
	const error = new NodeApiError(node, summary, {
		message: title,
		description: [nextStep, ...consequences(failure, ctx, title)].join(' '),
		httpCode,
		itemIndex: ctx.itemIndex,
	});
	// NodeApiError maps some codes to generic texts; the specific one is more useful.
	error.message = title;
	if (ctx.taskId) error.context.taskId = ctx.taskId;
	if (failure.kind === 'status' && failure.code) error.context.apiCode = failure.code;
	// Decided here, from the failure itself, so every caller asks stopsTheRun the same question.
	error.context.accountWide = isAccountProblem(failure);
	error.context.noTaskCreated = ctx.submission === true && ctx.certainlyNotSent === true;
	return error;
}

/** Whether a failed submission certainly created (and billed) no task, so the item may be sent again. */
export function createdNoTask(error: unknown): boolean {
	return error instanceof NodeApiError && error.context?.noTaskCreated === true;
}

/**
 * Whether an error holds for the whole account (a refused or expired token, a
 * used-up balance, a disabled application, a Base URL without the API): every
 * other item would meet it too, so a run stops at once.
 */
export function stopsTheRun(error: unknown): boolean {
	return error instanceof NodeApiError && error.context?.accountWide === true;
}
