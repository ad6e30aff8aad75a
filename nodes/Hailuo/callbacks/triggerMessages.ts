import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../transport/shapes';

/**
 * The package's own requests to a Hailuo Trigger's URL, beside the API's
 * callbacks: a Hailuo node asking, before it pays, whether the trigger is
 * there to take the callbacks, then registering the tasks it submitted with
 * that URL as their callback; and the trigger's catch-up reaching its own webhook
 * (every change to the trigger's state happens in a webhook request). A
 * callback of the API never carries the `hailuoTrigger` field.
 */

/** The last segment of every Hailuo Trigger's URL (n8n puts the node's webhook id before it). */
export const TRIGGER_WEBHOOK_PATH = 'hailuo';
export const MESSAGE_FIELD = 'hailuoTrigger';
/** The header that carries a catch-up request's signature. */
export const SIGNATURE_HEADER = 'x-hailuo-trigger-signature';
/** Ids per registration request; a run registers its tasks in a few requests. */
export const MAX_REGISTERED_PER_REQUEST = 500;
/** A signed request older than this is refused (a replay). */
const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export type TriggerMessage =
	/** "Are you there, and is my secret yours?": sent by the Hailuo node before it submits; changes nothing. */
	| { kind: 'ping' }
	/** "Await these tasks": sent by the Hailuo node the moment the API accepts them. */
	| { kind: 'await'; taskIds: unknown[] }
	/** "Read the tasks you await and hand me the ended ones": the catch-up of process `processId`. */
	| { kind: 'catchUp'; processId: string; settled: unknown[]; at: number }
	/** "These deliveries' executions ended". */
	| { kind: 'settle'; processId: string; settled: unknown[]; at: number };

export type SignedKind = 'catchUp' | 'settle';

/** The message a request body carries, or undefined for anything else (an API callback). */
export function readMessage(body: unknown): TriggerMessage | undefined {
	if (!isObject(body)) return undefined;
	const kind = body[MESSAGE_FIELD];
	const list = (value: unknown) => (Array.isArray(value) ? value : []);
	if (kind === 'ping') return { kind };
	if (kind === 'await') return { kind, taskIds: list(body.taskIds).slice(0, MAX_REGISTERED_PER_REQUEST) };
	if ((kind === 'catchUp' || kind === 'settle') && typeof body.processId === 'string' && typeof body.at === 'number') {
		return { kind, processId: body.processId, settled: list(body.settled), at: body.at };
	}
	return undefined;
}

export const PING_BODY: IDataObject = { [MESSAGE_FIELD]: 'ping' };
export const PONG_BODY: IDataObject = { [MESSAGE_FIELD]: 'ready' };

/** Whether an answer is a Hailuo Trigger's to a ping. */
export function isPong(answer: unknown): boolean {
	return isObject(answer) && answer[MESSAGE_FIELD] === PONG_BODY[MESSAGE_FIELD];
}

export function registrationBody(taskIds: string[]): IDataObject {
	return { [MESSAGE_FIELD]: 'await', taskIds };
}

export function signedBody(kind: SignedKind, processId: string, settled: string[]): IDataObject {
	return { [MESSAGE_FIELD]: kind, processId, settled, at: Date.now() };
}

/**
 * Signs with a key only this trigger's credential gives: the API token,
 * bound to the trigger node, so that a catch-up request can neither be made
 * up nor replayed against another trigger.
 */
export function signature(token: string, triggerKey: string, body: IDataObject): string {
	const key = createHmac('sha256', token).update(`hailuo-trigger ${triggerKey}`).digest();
	return createHmac('sha256', key).update(JSON.stringify(body)).digest('hex');
}

export function signatureMatches(expected: string, given: unknown, at: number): boolean {
	if (typeof given !== 'string' || Math.abs(Date.now() - at) > SIGNATURE_MAX_AGE_MS) return false;
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(given, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}
