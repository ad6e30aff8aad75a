import type { INode, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { InputError, readDownloadSettings } from '../run/inputChecks';
import { DOWNLOAD_TIMEOUT_MS, downloadVideo, nothingToDownload } from '../records/download';
import type { DownloadContext, DownloadSettings } from '../records/download';
import type { TaskOutcome } from '../records/taskRecord';
import { errorText } from '../transport/nodeErrors';
import type { Rejection } from './receive';

/**
 * How a callback request is answered: refused with its status and message,
 * or accepted (200 first) and handed to n8n as an item, with its video when
 * the node downloads it.
 */

/** Answers the HTTP request directly; n8n then starts (or resumes) nothing. */
export function refuse(ctx: IWebhookFunctions, rejection: Rejection): IWebhookResponseData {
	const response = ctx.getResponseObject();
	response.status(rejection.status).json({ accepted: false, message: rejection.message });
	return { noWebhookResponse: true };
}

/**
 * Starts (or resumes) the workflow with `item`. The caller gets its 200 and
 * JSON first, from here: a large download must not keep it waiting, and n8n's
 * own answer for a started workflow is no JSON (the literal text
 * "firstEntryJson"). Answering before handing the data over is also what
 * makes n8n 2.x save the trigger's static data (the seen task ids). A failed
 * download still delivers the task, with the reason in `downloadError`.
 */
export async function deliver(
	ctx: IWebhookFunctions,
	item: INodeExecutionData,
	outcome: TaskOutcome,
	download: DownloadSettings | undefined,
	notVerified?: string,
): Promise<IWebhookResponseData> {
	accept(ctx, outcome.taskId);
	await attachVideo(ctx, item, outcome, download, notVerified);
	return { noWebhookResponse: true, workflowData: [[item]] };
}

/** The caller's 200: the task is taken. */
export function accept(ctx: IWebhookFunctions, taskId: string | null) {
	ctx.getResponseObject().status(200).json({ accepted: true, started: true, taskId });
}

/** Attaches the task's video to the item, or says in it why there is none. */
export async function attachVideo(
	ctx: DownloadContext,
	item: INodeExecutionData,
	outcome: TaskOutcome,
	download: DownloadSettings | undefined,
	notVerified?: string,
) {
	if (!download) return;
	const reason = notVerified ?? nothingToDownload(outcome);
	if (reason) {
		item.json.downloadSkipped = reason;
		return;
	}
	try {
		item.binary = { [download.propertyName]: await downloadVideo(ctx, outcome, download) };
	} catch (error) {
		item.json.downloadError = errorText(error);
	}
}

/** A node's settings as any context reads them: a webhook request, the trigger's catch-up. */
export interface NodeParameters {
	getNode(): INode;
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

/** Download settings of a trigger (webhook call or catch-up), or of a paused node resuming. */
export function readTriggerDownload(ctx: NodeParameters, baseUrl: string) {
	return readDownloadSettings(
		(name, fallback) => ctx.getNodeParameter(name, fallback),
		new InputError(ctx.getNode(), 0),
		baseUrl,
		DOWNLOAD_TIMEOUT_MS,
	);
}
