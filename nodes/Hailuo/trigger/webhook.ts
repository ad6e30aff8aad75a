import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { accept, deliver, readTriggerDownload, refuse } from '../callbacks/answer';
import { carriesSecret, isRejection, receiveCallback, rejected } from '../callbacks/receive';
import type { Rejection } from '../callbacks/receive';
import { PROCESS_ID, alreadyStarted, awaitTasks, claim } from './books';
import { liveCatchUp } from './catchUp';
import { itemFor } from './item';
import type { TriggerTask } from './item';
import { answerMessage, checkWrittenBack, credentialChosen, readMessage, rememberUrl } from './messages';

/**
 * The Hailuo Trigger's webhook, one request from the top: the secret, then
 * either one of the package's own messages (messages.ts) or an API callback,
 * which is verified, filtered by event, claimed once and handed to the
 * workflow (by the catch-up of this process when it runs here, so that it
 * learns when the execution ends).
 */

export async function triggerWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	try {
		return await receive(ctx);
	} finally {
		await checkWrittenBack(ctx);
	}
}

async function receive(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const secret = String(ctx.getNodeParameter('secret', ''));
	if (secret !== '' && !carriesSecret(ctx, secret)) return refuseTriggerCall(ctx, rejected(401, 'Missing or wrong secret.'));
	rememberUrl(ctx);
	const message = readMessage(ctx.getBodyData());
	if (!message) return await takeCallback(ctx);
	const reply = await answerMessage(ctx, message);
	if (isRejection(reply)) return refuseTriggerCall(ctx, reply);
	ctx.getResponseObject().status(reply.status).json(reply.body);
	return { noWebhookResponse: true };
}

/** An API callback, from its body to the item of the execution it starts. */
async function takeCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const canRead = credentialChosen(ctx);
	const reception = await receiveCallback(ctx, {
		refuse: refuseTriggerCall,
		verify: ctx.getNodeParameter('verify', true) === true && canRead,
		// A repeated callback costs no API read; only a verified one marks its task (below).
		before: (callback) => (alreadyStarted(ctx, callback.taskId) ? duplicate() : undefined),
		// A task the API could not confirm as ended stays awaited: the catch-up reads it later.
		unconfirmed: (callback) => (canRead ? awaitTasks(ctx, [callback.taskId]) : 0),
	});
	if ('answer' in reception) return reception.answer;
	const { callback, outcome, record, verified, baseUrl } = reception.received;
	const task: TriggerTask = { outcome, record, verified, deliveredBy: 'callback' };

	const json = itemFor(ctx, task);
	if (!json) return { webhookResponse: { accepted: true, started: false, reason: `"${outcome.state}" is not a selected event` } };
	// Every setting is read before the task is marked as seen: a bad one must not eat the callback.
	const download = readTriggerDownload(ctx, baseUrl);
	const notVerified = verified ? undefined : 'Not downloaded: only videos read back from the API are fetched (see notVerified).';
	// Where the catch-up runs in this process, it starts the workflow and learns when its execution ends.
	const catchUp = liveCatchUp(ctx);
	if (!claim(ctx, callback.taskId, catchUp ? PROCESS_ID : undefined)) return duplicate();
	if (!catchUp) return await deliver(ctx, { json }, outcome, download, notVerified);
	accept(ctx, callback.taskId);
	catchUp.deliver({ taskId: callback.taskId, record, json, baseUrl, notVerified });
	return { noWebhookResponse: true };
}

/**
 * A refusal. While a user tests the trigger in the editor, it also comes out
 * as an item, so a wrong secret or a forged body shows up there instead of
 * leaving the editor listening in silence. (Never for a paused execution,
 * which answers with `refuse` alone: a forged call must not resume it.)
 */
function refuseTriggerCall(ctx: IWebhookFunctions, rejection: Rejection): IWebhookResponseData {
	const answered = refuse(ctx, rejection);
	if (ctx.getMode() !== 'manual') return answered;
	const item = { accepted: false, status: rejection.status, reason: rejection.message };
	return { ...answered, workflowData: [[{ json: item }]] };
}

function duplicate(): IWebhookResponseData {
	return { webhookResponse: { accepted: true, started: false, reason: 'duplicate callback' } };
}
