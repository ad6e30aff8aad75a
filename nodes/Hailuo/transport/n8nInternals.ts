import { sleep } from 'n8n-workflow';
import type { BinaryHelperFunctions, IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { hasMethods, isObject } from './shapes';

/**
 * Every part of n8n the package relies on that n8n does not document for
 * community nodes, in one place: what it is, where it was read (n8n 1.123.81
 * and 2.40.7, their compiled code), and what the package does where it is
 * not there. When n8n changes its internals (its v3.0 page announces some),
 * this file is the list to go through; test/n8nInternals.test.js runs the
 * package with each of them absent.
 */

/**
 * The execution a Retry repeats. 2.40.7 keeps it on the run's lifecycle hooks
 * (`additionalData.hooks.retryOf`, set by WorkflowRunner for mode "retry");
 * 1.123.81 keeps it nowhere a node can reach.
 * Absent: undefined. A Retry then goes by the marks of any earlier execution
 * of the same item: it may refuse an item another execution sent, it never
 * sends one twice.
 */
export function retriedExecution(ctx: IExecuteFunctions): string | undefined {
	if (!('additionalData' in ctx) || !isObject(ctx.additionalData)) return undefined;
	const hooks: unknown = ctx.additionalData.hooks;
	return isObject(hooks) && typeof hooks.retryOf === 'string' && hooks.retryOf !== '' ? hooks.retryOf : undefined;
}

/**
 * Which run of the node this is within its execution (a loop's pass): the
 * workflow data proxy's `$runIndex`, as expressions read it (both lines). It
 * also counts the placeholder run n8n gives a node when it rebuilds a killed
 * run from its event log (ExecutionRecoveryService), before a Retry runs the
 * workflow again from its start: the ledger counts passes from the node's
 * first run in the execution's data (submissionLedger.ts).
 * Absent: 0. Every pass of a loop then looks like the first: a later pass
 * with the same item and request is refused as already sent (its error says
 * so), rather than risk paying twice for a re-run of the same execution.
 */
export function runIndex(ctx: IExecuteFunctions): number {
	const value: unknown = typeof ctx.getWorkflowDataProxy === 'function' ? ctx.getWorkflowDataProxy(0).$runIndex : undefined;
	return typeof value === 'number' ? value : 0;
}

export interface CustomData {
	set(key: string, value: string): void;
}

function isCustomData(value: unknown): value is CustomData {
	return hasMethods(value, 'set');
}

/**
 * The execution's custom data, where a paused node keeps its task id for the
 * user. 2.40.7 gives nodes `customData`; 1.123.81 only `$execution.customData`
 * through the data proxy, which writes the same store.
 * Absent: undefined. Pause Until Callback is then refused before anything is
 * paid ("needs n8n 1.123 or newer"): a paused task's id would be in n8n's log
 * only.
 */
export function executionCustomData(ctx: IExecuteFunctions): CustomData | undefined {
	const direct: unknown = 'customData' in ctx ? ctx.customData : undefined;
	if (isCustomData(direct)) return direct;
	const execution: unknown = ctx.getWorkflowDataProxy(0).$execution;
	const proxied: unknown = typeof execution === 'object' && execution !== null && 'customData' in execution ? execution.customData : undefined;
	return isCustomData(proxied) ? proxied : undefined;
}

/**
 * The unparsed body of a webhook request, which n8n's body parser keeps
 * beside the parsed one (`request.rawBody`, both lines; express's type does
 * not know it).
 * Absent: undefined. The size is then judged by Content-Length, and the JSON
 * read from the parsed body.
 */
export function rawBodyOf(ctx: IWebhookFunctions): Buffer | undefined {
	const request = ctx.getRequestObject();
	const raw: unknown = 'rawBody' in request ? request.rawBody : undefined;
	return Buffer.isBuffer(raw) ? raw : undefined;
}

/**
 * How many bytes n8n stored for binary data. 2.40.7 reports `bytes`; 1.123.81
 * only a rounded `fileSize`, so the exact figure comes from the file's
 * metadata (filesystem and database modes) or from the base64 data (memory
 * mode).
 * Absent `bytes`: the metadata's size, as on 1.123.81 (tested).
 */
export async function storedBytes(ctx: { helpers: Pick<BinaryHelperFunctions, 'getBinaryMetadata'> }, file: IBinaryData): Promise<number> {
	if (typeof file.bytes === 'number') return file.bytes;
	if (file.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(file.id);
		return Number(metadata.fileSize);
	}
	return Buffer.byteLength(file.data, 'base64');
}

/**
 * Waits; 2.40.7's `sleep` wakes when the signal aborts, 1.123.81's ignores the
 * signal. Absent (a `sleep` that ignores it): the wait runs out, and the
 * caller checks the signal after it.
 */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	await sleep(ms, signal);
}

/**
 * n8n's own answer for a production webhook URL that no active workflow
 * listens on: 404 with `The requested webhook "POST …" is not registered.`
 * (WebhookNotFoundError, both lines).
 * Absent (another wording): the answer says nothing for sure, and a Callback
 * URL is not refused for it.
 */
export function saysNotRegistered(status: number, body: unknown): boolean {
	const message = typeof body === 'string' ? body : isObject(body) && typeof body.message === 'string' ? body.message : '';
	return status === 404 && /is not registered/.test(message);
}

/**
 * Display rules that n8n's editor and its tool builder read, beside the
 * documented `show`/`hide` on parameters (n8n-workflow's getPropertyValues,
 * both lines):
 * - `@version: [0]`: shown in no version of the node. The first "operation"
 *   parameter of a resource still steers the automatic tool description
 *   (resolveResourceAndOperation), so a hidden copy carries the tool texts.
 *   Absent: the model reads the panel's actions instead, shorter, nothing
 *   breaks.
 * - `@tool`: shown only on (or only off) the node's tool variant. Absent: the
 *   editor shows both Timeout options; the tool still reads only its own.
 */
export const SHOWN_IN_NO_VERSION = { '@version': [0] };
export const ONLY_AS_TOOL = { '@tool': [true] };
export const NOT_AS_TOOL = { '@tool': [false] };
