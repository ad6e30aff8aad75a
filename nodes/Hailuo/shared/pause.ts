import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackApi, deliver, isRejection, readCallback, refuse, verifyCallback } from './callbacks';
import { readWebhookDownload } from './settings';
import { simplify } from './taskRecord';
import { isOfficialApi, isLocalHost } from './validation';

/**
 * "Pause Until Callback": the node submits with this execution's resume URL as
 * callback_url and puts the execution to wait; nothing polls and no request is
 * held. n8n resumes the execution by calling the node's webhook() with the
 * API's callback.
 *
 * One item per execution: n8n resumes a waiting execution once, and webhook()
 * cannot read what execute() produced before the pause, so it could not know
 * the other items' tasks. Several items are refused before anything is paid.
 */

export function assertSingleItem(ctx: IExecuteFunctions, count: number) {
	if (count <= 1) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`Pause Until Callback takes one item per execution; this run has ${count}`,
		{
			description:
				"Nothing was submitted. For many items use Completion 'Wait for the Video (Poll)' (all items are checked in one request per round), or 'Return the Task ID at Once' with a Hailuo Trigger's URL as 'Callback URL', which starts one execution per finished video.",
		},
	);
}

/** This execution's resume URL, checked to be reachable by the API. */
export function resumeUrl(ctx: IExecuteFunctions, baseUrl: string): string {
	const url = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	let host = '';
	try {
		host = new URL(url).hostname;
	} catch {
		throw new NodeOperationError(ctx.getNode(), 'This n8n has no resume URL for waiting executions', {
			description: 'Pause Until Callback needs n8n\'s webhook URL (WEBHOOK_URL) to be set.',
		});
	}
	if (isOfficialApi(baseUrl) && isLocalHost(host)) {
		throw new NodeOperationError(ctx.getNode(), `n8n's resume URL (${host}) cannot be reached by the Hailuo API`, {
			description:
				"Nothing was submitted. Set WEBHOOK_URL to this n8n's public address, or use Completion 'Wait for the Video (Poll)', which needs no public URL.",
		});
	}
	return url;
}

/** The path that names a waiting execution, e.g. /webhook-waiting/123. */
function executionPath(url: unknown): string | undefined {
	if (typeof url !== 'string') return undefined;
	try {
		return new URL(url).pathname.replace(/\/+$/, '');
	} catch {
		return undefined;
	}
}

/** webhook() of a paused node: verify the callback and resume with the task. */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const callback = readCallback(ctx);
	if (isRejection(callback)) return refuse(ctx, callback);
	// Resume URLs carry no signature in n8n 1.x: the task is read back from the API.
	const api = await callbackApi(ctx);
	const verified = await verifyCallback(api, callback);
	if (isRejection(verified)) return refuse(ctx, verified);

	const request = verified.record.request as IDataObject | undefined;
	const submittedTo = executionPath(request?.callback_url);
	const expected = executionPath(ctx.evaluateExpression('{{ $execution.resumeUrl }}'));
	if (submittedTo !== undefined && expected !== undefined && submittedTo !== expected) {
		return refuse(ctx, { status: 400, message: 'This task was not submitted by this execution.' });
	}
	const json =
		ctx.getNodeParameter('simplify', true) === false ? verified.record : simplify(verified.outcome);
	const download = readWebhookDownload(ctx, api.baseUrl);
	return await deliver(ctx, { json, pairedItem: { item: 0 } }, verified.outcome, download);
}
