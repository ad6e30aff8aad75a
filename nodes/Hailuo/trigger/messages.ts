import { createHmac, timingSafeEqual } from 'crypto';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { readTasks } from '../records/polling';
import type { TaskRead } from '../records/polling';
import { readTask } from '../records/taskRecord';
import { BATCH_LIMIT, CREDENTIAL_NAME } from '../transport/apiFacts';
import { HailuoClient } from '../transport/hailuoClient';
import { errorText } from '../transport/nodeErrors';
import { isObject } from '../transport/shapes';
import { rejected } from '../callbacks/receive';
import type { Rejection } from '../callbacks/receive';
import { GIVE_UP_MS, PROCESS_ID, awaitTasks, bookRound, dueTasks, settle, takeUnconfirmed, triggerKey } from './books';
import type { DueTask, Finding } from './books';
import { itemFor } from './item';

/**
 * The package's own requests to a Hailuo Trigger's URL, beside the API's
 * callbacks: their shape, their signature, sending them and answering them.
 * A Hailuo node asks, before it pays, whether the trigger is there to take
 * the callbacks, then registers the tasks it submitted with that URL as
 * their callback; the trigger's catch-up reaches its own webhook, because
 * every change to the trigger's books happens in a webhook request (n8n
 * loads and saves the static data per request; the catch-up's timer works on
 * the copy loaded at activation). A callback of the API never carries the
 * `hailuoTrigger` field.
 */

/** The last segment of every Hailuo Trigger's URL (n8n puts the node's webhook id before it). */
export const TRIGGER_WEBHOOK_PATH = 'hailuo';
const MESSAGE_FIELD = 'hailuoTrigger';
/** The header that carries a signed request's signature. */
const SIGNATURE_HEADER = 'x-hailuo-trigger-signature';
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
	/** "These deliveries' executions ended" (empty: "write your books back", see checkWrittenBack). */
	| { kind: 'settle'; processId: string; settled: unknown[]; at: number };

type SignedMessage = Extract<TriggerMessage, { at: number }>;
export type SignedKind = SignedMessage['kind'];

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
const PONG_BODY: IDataObject = { [MESSAGE_FIELD]: 'ready' };

/** Whether an answer is a Hailuo Trigger's to a ping. */
export function isPong(answer: unknown): boolean {
	return isObject(answer) && answer[MESSAGE_FIELD] === PONG_BODY[MESSAGE_FIELD];
}

export function registrationBody(taskIds: string[]): IDataObject {
	return { [MESSAGE_FIELD]: 'await', taskIds };
}

// ---- Signing: a key only this trigger's credential gives ----

/** A context that can read the credential and send requests: the catch-up's timer and a webhook request alike. */
type Sender = Pick<ITriggerFunctions, 'getCredentials' | 'getNode'> & { helpers: Pick<ITriggerFunctions['helpers'], 'httpRequest'> };

async function signingToken(ctx: Sender): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	return typeof credentials.apiToken === 'string' ? credentials.apiToken : '';
}

/**
 * The API token, bound to the trigger node, so that a signed request can
 * neither be made up nor replayed against another trigger.
 */
function signature(token: string, key: string, body: IDataObject): string {
	const bound = createHmac('sha256', token).update(`hailuo-trigger ${key}`).digest();
	return createHmac('sha256', bound).update(JSON.stringify(body)).digest('hex');
}

function signatureMatches(expected: string, given: unknown, at: number): boolean {
	if (typeof given !== 'string' || Math.abs(Date.now() - at) > SIGNATURE_MAX_AGE_MS) return false;
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(given, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}

/** A signed message of process `processId` for the trigger `key`: the body and the header that carries its signature. */
export function signedMessage(
	token: string,
	key: string,
	message: { kind: SignedKind; processId: string; settled: string[]; at?: number },
): { body: IDataObject; headers: IDataObject } {
	const { kind, processId, settled, at = Date.now() } = message;
	const body: IDataObject = { [MESSAGE_FIELD]: kind, processId, settled, at };
	return { body, headers: { [SIGNATURE_HEADER]: signature(token, key, body) } };
}

/** Posts a signed message of this process to a trigger's webhook; returns the answer's JSON object. */
async function postSigned(
	ctx: Sender,
	key: string,
	url: string,
	message: { kind: SignedKind; settled: string[] },
	options: Pick<IHttpRequestOptions, 'timeout' | 'skipSslCertificateValidation'>,
): Promise<IDataObject> {
	const signed = signedMessage(await signingToken(ctx), key, { ...message, processId: PROCESS_ID });
	const answer: unknown = await ctx.helpers.httpRequest({ method: 'POST', url, json: true, ...signed, ...options });
	// While n8n starts, a webhook URL may answer 200 with a text page and run nothing. (Named without its query: the secret.)
	if (!isObject(answer)) throw new NodeOperationError(ctx.getNode(), `${url.split('?')[0]} answered with no JSON object (n8n still starting?)`);
	return answer;
}

// ---- The trigger's own URL, and the catch-up's requests to it ----

/** Per trigger node: its production URL, learnt when n8n registers the webhook or calls it. */
const urls = new Map<string, string>();

export function rememberUrl(ctx: IHookFunctions | IWebhookFunctions) {
	const url = ctx.getNodeWebhookUrl('default');
	if (url && ctx.getMode() !== 'manual') urls.set(triggerKey(ctx), url);
}

/**
 * The Hailuo Trigger's webhook lifecycle. The API has no webhook registry
 * (each task carries its own callback_url), so there is nothing to create at
 * the provider; this is where n8n tells the trigger its Production URL
 * before the catch-up starts.
 */
export const learnOwnUrl = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		rememberUrl(this);
		return true;
	},
	async create(this: IHookFunctions): Promise<boolean> {
		rememberUrl(this);
		return true;
	},
	async delete(): Promise<boolean> {
		return true;
	},
};

function withSecret(url: string, secret: string): string {
	return secret === '' ? url : `${url}${url.includes('?') ? '&' : '?'}secret=${encodeURIComponent(secret)}`;
}

/** A signed request of the catch-up's timer to its trigger's own webhook. */
export async function sendToOwnWebhook(ctx: ITriggerFunctions, kind: SignedKind, settled: string[], timeoutMs: number): Promise<IDataObject> {
	const key = triggerKey(ctx);
	const url = urls.get(key);
	if (url === undefined) throw new NodeOperationError(ctx.getNode(), 'the trigger has not learnt its Production URL yet');
	return await postSigned(ctx, key, withSecret(url, String(ctx.getNodeParameter('secret', ''))), { kind, settled }, { timeout: timeoutMs });
}

// ---- Making sure what a process knows reaches the database ----

/**
 * A webhook request writes the whole static data when it answers; when two
 * processes (queue mode's webhook processors) write at once, the last one
 * wins and the other's new entries drop out of the database until its
 * process writes again, and are lost if every process restarts first: a
 * claimed callback would then be delivered again by the catch-up. So, a
 * moment after a request that changed the trigger's books (or found the
 * database behind), the process sends itself one signed, empty "settle"
 * through the socket the request came in on (a balancer could route it
 * elsewhere): it reads the database, writes back what is missing, and looks
 * again until the database holds everything. One process (regular mode)
 * finds it complete at once.
 */
const WRITE_BACK_AFTER_MS = 1_000;
const writeBackPending = new Set<string>();

function ownAddress(ctx: IWebhookFunctions): string | undefined {
	const request = ctx.getRequestObject();
	// A request that did not come over a socket (n8n-core driven by hand) has no address to go back to.
	const socket: unknown = request.socket;
	if (!isObject(socket)) return undefined;
	const { localAddress, localPort } = socket;
	if (typeof localAddress !== 'string' || typeof localPort !== 'number') return undefined;
	const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
	return `${request.protocol === 'https' ? 'https' : 'http'}://${host}:${localPort}${request.originalUrl}`;
}

/** Called at the end of every trigger request: schedules the look, when one is due and none is. Never throws. */
export async function checkWrittenBack(ctx: IWebhookFunctions): Promise<void> {
	try {
		scheduleWriteBack(ctx);
	} catch (error) {
		ctx.logger.debug(`Hailuo Trigger: no write-back check (${errorText(error)})`);
	}
}

function scheduleWriteBack(ctx: IWebhookFunctions) {
	const key = triggerKey(ctx);
	if (writeBackPending.has(key) || ctx.getMode() === 'manual' || !takeUnconfirmed(ctx)) return;
	const url = ownAddress(ctx);
	if (url === undefined || !credentialChosen(ctx)) return;
	writeBackPending.add(key);
	void (async () => {
		await sleep(WRITE_BACK_AFTER_MS);
		writeBackPending.delete(key);
		try {
			await postSigned(ctx, key, url, { kind: 'settle', settled: [] }, { timeout: 30_000, skipSslCertificateValidation: true });
		} catch (error) {
			ctx.logger.debug(`Hailuo Trigger: writing back its state failed (${errorText(error)}); the next request writes it`);
		}
	})();
}

// ---- Answering the messages ----

/** One task the catch-up hands to the workflow, with the API's record (the video is downloaded from it). */
export type CaughtUp = {
	taskId: string;
	record: IDataObject;
	json: IDataObject;
	gaveUp: boolean;
};

/** What a catch-up round reports, for the log. */
export type RoundReport = {
	due: number;
	readRequests: number;
	caughtUp: CaughtUp[];
	/** Ended tasks whose event is not selected: marked, nothing started. */
	ignored: number;
	stillAwaited: number;
	gaveUp: string[];
	unknown: string[];
	readError?: string;
	baseUrl: string;
};

/** What a message is answered with (a refusal is a `Rejection`, answered by the webhook). */
export interface Reply {
	status: number;
	body: IDataObject;
}

export function credentialChosen(ctx: { getNode(): INode }): boolean {
	return ctx.getNode().credentials?.[CREDENTIAL_NAME] !== undefined;
}

const NO_CREDENTIAL =
	'This Hailuo Trigger has no Hailuo API credential, so it cannot read tasks whose callback is missed. Choose one in the trigger.';

/** Whether a signed request comes from this trigger's own catch-up (or write-back). */
async function signedByThisTrigger(ctx: IWebhookFunctions, message: SignedMessage) {
	const body: unknown = ctx.getBodyData();
	const expected = signature(await signingToken(ctx), triggerKey(ctx), isObject(body) ? body : {});
	return signatureMatches(expected, ctx.getHeaderData()[SIGNATURE_HEADER], message.at);
}

/** Reads the due tasks, 50 ids a request; a request that fails leaves its tasks awaited. */
async function readDue(api: HailuoClient, due: DueTask[]) {
	const reads = new Map<string, TaskRead>();
	let requests = 0;
	let readError: string | undefined;
	for (let start = 0; start < due.length; start += BATCH_LIMIT) {
		const ids = due.slice(start, start + BATCH_LIMIT).map((t) => t.taskId);
		requests++;
		try {
			for (const [id, read] of await readTasks(api, ids)) reads.set(id, read);
		} catch (error) {
			readError = errorText(error);
		}
	}
	return { reads, requests, readError };
}

const unknownToTheApi = (read: TaskRead | undefined) =>
	read !== undefined && 'error' in read && read.error instanceof NodeApiError && read.error.httpCode === '404';

type RoundFinding = Finding & { record?: IDataObject; json?: IDataObject; gaveUp?: boolean };

/**
 * A catch-up round, in a webhook request: the due tasks read from the API
 * (50 ids a request), and those that ended (or were given up on) booked for
 * the process that asked, with the item each starts its workflow with.
 */
async function catchUpRound(ctx: IWebhookFunctions, message: Extract<TriggerMessage, { kind: 'catchUp' }>): Promise<RoundReport> {
	const due = dueTasks(ctx, message.processId, message.settled);
	const report: RoundReport = { due: due.length, readRequests: 0, caughtUp: [], ignored: 0, stillAwaited: 0, gaveUp: [], unknown: [], baseUrl: '' };
	if (due.length === 0) return report;
	const api = await HailuoClient.connect(ctx, { maxRetries: 2, requestTimeoutMs: 30_000 });
	const { reads, requests, readError } = await readDue(api, due);
	Object.assign(report, { baseUrl: api.baseUrl, readRequests: requests, readError });
	const now = Date.now();
	const findings: RoundFinding[] = [];
	for (const task of due) {
		const read = reads.get(task.taskId);
		if (unknownToTheApi(read)) {
			findings.push({ task, verdict: 'unknown' });
			continue;
		}
		if (read === undefined || !('record' in read)) {
			report.stillAwaited++;
			continue;
		}
		const outcome = { ...readTask(read.record), taskId: task.taskId };
		const gaveUp = !outcome.finished && now - task.since > GIVE_UP_MS;
		if (!outcome.finished && !gaveUp) {
			report.stillAwaited++;
			continue;
		}
		const json = itemFor(ctx, { outcome, record: read.record, verified: true, deliveredBy: 'catchUp', gaveUp });
		// A task whose event is not selected is booked without a lease: nothing is delivered, so nothing can die mid-run.
		findings.push({ task, verdict: json ? 'deliver' : 'ignore', record: read.record, json, gaveUp });
	}
	for (const { task, verdict, record, json, gaveUp } of bookRound(ctx, message.processId, findings)) {
		if (verdict === 'unknown') report.unknown.push(task.taskId);
		if (gaveUp) report.gaveUp.push(task.taskId);
		if (verdict === 'ignore') report.ignored++;
		if (verdict === 'deliver' && record && json) report.caughtUp.push({ taskId: task.taskId, record, json, gaveUp: gaveUp === true });
	}
	return report;
}

/** The answer to a message of the package, or why it is refused. */
export async function answerMessage(ctx: IWebhookFunctions, message: TriggerMessage): Promise<Reply | Rejection> {
	if (message.kind === 'ping') return { status: 200, body: PONG_BODY };
	if (message.kind === 'await') {
		if (!credentialChosen(ctx)) return { status: 200, body: { registered: 0, reason: NO_CREDENTIAL } };
		return { status: 200, body: { registered: awaitTasks(ctx, message.taskIds) } };
	}
	if (!credentialChosen(ctx) || !(await signedByThisTrigger(ctx, message))) return rejected(401, 'Missing or wrong signature.');
	if (message.kind === 'settle') return { status: 200, body: { settled: settle(ctx, message.settled) } };
	try {
		return { status: 200, body: { ...(await catchUpRound(ctx, message)) } };
	} catch (error) {
		ctx.logger.warn(`Hailuo Trigger catch-up: the awaited tasks could not be read: ${errorText(error)}`);
		return { status: 503, body: { message: errorText(error) } };
	}
}
