import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readTasks } from '../records/polling';
import type { TaskRead } from '../records/polling';
import { readTask } from '../records/taskRecord';
import { BATCH_LIMIT, CREDENTIAL_NAME } from '../transport/apiFacts';
import { HailuoClient } from '../transport/hailuoClient';
import { isObject } from '../transport/shapes';
import { errorText } from '../transport/nodeErrors';
import { triggerItem, selected } from './triggerItem';
import type { TriggerTask } from './triggerItem';
import { PONG_BODY, SIGNATURE_HEADER, signature, signatureMatches } from './triggerMessages';
import type { TriggerMessage } from './triggerMessages';
import { GIVE_UP_MS, awaitTasks, claimDue, dueTasks, forget, settle, triggerKey } from './triggerState';
import type { DueTask } from './triggerState';

/**
 * The trigger's webhook answering the package's own requests: a Hailuo node
 * registering tasks, and the catch-up asking which awaited tasks ended. Here
 * the tasks are read (at most 50 ids a request) and claimed, in a webhook
 * request, where the static data is fresh and saved; the catch-up loop then
 * starts one execution per task (catchUpLoop.ts).
 */

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

function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

function credentialChosen(ctx: IWebhookFunctions): boolean {
	return ctx.getNode().credentials?.[CREDENTIAL_NAME] !== undefined;
}

const NO_CREDENTIAL =
	'This Hailuo Trigger has no Hailuo API credential, so it cannot read tasks whose callback is missed. Choose one in the trigger.';

async function register(ctx: IWebhookFunctions, message: Extract<TriggerMessage, { kind: 'await' }>) {
	if (!credentialChosen(ctx)) return answer(ctx, 200, { registered: 0, reason: NO_CREDENTIAL });
	return answer(ctx, 200, { registered: awaitTasks(ctx, message.taskIds) });
}

/** Whether a signed request comes from this trigger's own catch-up. */
async function signedByThisTrigger(ctx: IWebhookFunctions, message: Extract<TriggerMessage, { at: number }>) {
	if (!credentialChosen(ctx)) return false;
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const token = typeof credentials.apiToken === 'string' ? credentials.apiToken : '';
	const body: unknown = ctx.getBodyData();
	const expected = signature(token, triggerKey(ctx.getWorkflow().id, ctx.getNode().id), isObject(body) ? body : {});
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

async function catchUp(ctx: IWebhookFunctions, message: Extract<TriggerMessage, { kind: 'catchUp' }>): Promise<RoundReport> {
	settle(ctx, message.settled);
	const due = dueTasks(ctx, message.processId);
	const report: RoundReport = { due: due.length, readRequests: 0, caughtUp: [], ignored: 0, stillAwaited: 0, gaveUp: [], unknown: [], baseUrl: '' };
	if (due.length === 0) return report;
	const api = await HailuoClient.connect(ctx, { maxRetries: 2, requestTimeoutMs: 30_000 });
	report.baseUrl = api.baseUrl;
	const { reads, requests, readError } = await readDue(api, due);
	report.readRequests = requests;
	report.readError = readError;
	const now = Date.now();
	for (const task of due) {
		const read = reads.get(task.taskId);
		if (unknownToTheApi(read)) {
			forget(ctx, task.taskId);
			report.unknown.push(task.taskId);
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
		const found: TriggerTask = { outcome, record: read.record, verified: true, deliveredBy: 'catchUp', gaveUp };
		const wanted = selected(ctx, found);
		// A task whose event is not selected is marked without a lease: nothing is delivered, so nothing can die mid-run.
		if (!claimDue(ctx, task, message.processId, wanted)) continue;
		if (gaveUp) report.gaveUp.push(task.taskId);
		if (!wanted) {
			report.ignored++;
			continue;
		}
		report.caughtUp.push({ taskId: task.taskId, record: read.record, json: triggerItem(ctx, found), gaveUp });
	}
	return report;
}

/** Answers a message of the package; `refuse` answers a request that is not allowed. */
export async function answerMessage(
	ctx: IWebhookFunctions,
	message: TriggerMessage,
	refuse: (status: number, reason: string) => IWebhookResponseData,
): Promise<IWebhookResponseData> {
	if (message.kind === 'ping') return answer(ctx, 200, PONG_BODY);
	if (message.kind === 'await') return await register(ctx, message);
	if (!(await signedByThisTrigger(ctx, message))) return refuse(401, 'Missing or wrong signature.');
	if (message.kind === 'settle') {
		settle(ctx, message.settled);
		return answer(ctx, 200, { settled: message.settled.length });
	}
	try {
		return answer(ctx, 200, { ...(await catchUp(ctx, message)) });
	} catch (error) {
		ctx.logger.warn(`Hailuo Trigger catch-up: the awaited tasks could not be read: ${errorText(error)}`);
		return answer(ctx, 503, { message: errorText(error) });
	}
}
