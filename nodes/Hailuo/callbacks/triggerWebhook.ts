import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../transport/apiFacts';
import { accept, deliver, readTriggerDownload, refuseTriggerCall } from './answer';
import { answerMessage } from './catchUpRound';
import { liveCatchUp, rememberUrl } from './catchUpLoop';
import { receiveCallback } from './pipeline';
import { carriesSecret, rejected } from './receive';
import { selected, triggerItem } from './triggerItem';
import type { TriggerTask } from './triggerItem';
import { readMessage } from './triggerMessages';
import { PROCESS_ID, alreadyStarted, awaitTasks, claim } from './triggerState';
import { checkWrittenBack } from './writeBack';

/**
 * The Hailuo Trigger's webhook: the secret, then the package's own requests
 * (registrations, the catch-up) or an API callback: verified, filtered by
 * event, claimed once, and handed to the workflow (by the catch-up of this
 * process when it runs here, so that it learns when the execution ends).
 */

export async function triggerWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	try {
		return await receive(ctx);
	} finally {
		await checkWrittenBack(ctx);
	}
}

async function receive(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	rememberUrl(ctx);
	const secret = String(ctx.getNodeParameter('secret', ''));
	if (secret !== '' && !carriesSecret(ctx, secret)) {
		return refuseTriggerCall(ctx, rejected(401, 'Missing or wrong secret.'));
	}
	const message = readMessage(ctx.getBodyData());
	if (message) return await answerMessage(ctx, message, (status, reason) => refuseTriggerCall(ctx, rejected(status, reason)));

	const credentialChosen = ctx.getNode().credentials?.[CREDENTIAL_NAME] !== undefined;
	const reception = await receiveCallback(ctx, {
		refuse: refuseTriggerCall,
		verify: ctx.getNodeParameter('verify', true) === true && credentialChosen,
		// A repeated callback costs no API read; only a verified one marks its task (below).
		before: (callback) => (alreadyStarted(ctx, callback.taskId) ? duplicate() : undefined),
		// A task the API could not confirm as ended stays awaited: the catch-up reads it later.
		unconfirmed: (callback) => (credentialChosen ? awaitTasks(ctx, [callback.taskId]) : 0),
	});
	if ('answer' in reception) return reception.answer;
	const { callback, outcome, record, verified, baseUrl } = reception.received;
	const task: TriggerTask = { outcome, record, verified, deliveredBy: 'callback' };

	// Every setting is read before the task is marked as seen: a bad one must not eat the callback.
	const download = readTriggerDownload(ctx, baseUrl);
	if (!selected(ctx, task)) {
		return { webhookResponse: { accepted: true, started: false, reason: `"${outcome.state}" is not a selected event` } };
	}
	const json = triggerItem(ctx, task);
	const unverified = verified
		? undefined
		: 'Not downloaded: only videos read back from the API are fetched (see notVerified).';
	// Where the catch-up runs in this process, it starts the workflow and learns when its execution ends.
	const catchUp = liveCatchUp(ctx);
	if (!claim(ctx, callback.taskId, catchUp ? PROCESS_ID : undefined)) return duplicate();
	if (!catchUp) return await deliver(ctx, { json }, outcome, download, unverified);
	accept(ctx, callback.taskId);
	catchUp.deliver({ taskId: callback.taskId, record, json, baseUrl, notVerified: unverified });
	return { noWebhookResponse: true };
}

function duplicate(): IWebhookResponseData {
	return { webhookResponse: { accepted: true, started: false, reason: 'duplicate callback' } };
}
