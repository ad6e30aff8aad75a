import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readTask } from '../records/taskRecord';
import type { TaskOutcome } from '../records/taskRecord';
import { DEFAULT_BASE_URL } from '../transport/apiFacts';
import { callbackApi, isRejection, mayStillEnd, readCallback, verifyCallback } from './receive';
import type { Callback, Rejection } from './receive';

/**
 * The steps every callback goes through, for the Hailuo Trigger and for a
 * paused execution alike: read the body, answer early where the caller says
 * so (a duplicate), read the task back from the API, and hand over what the
 * API says, or the answer that refuses the request.
 */

/** A callback's task, once read (and, where asked, verified with the API). */
export interface Received {
	callback: Callback;
	outcome: TaskOutcome;
	/** The API's own record of the task when verified, else the body as sent. */
	record: IDataObject;
	verified: boolean;
	/** Where the task was read back (the official API when it was not). */
	baseUrl: string;
}

type Reception = { answer: IWebhookResponseData } | { received: Received };

interface ReceiveSteps {
	/** How a refused request is answered. */
	refuse: (ctx: IWebhookFunctions, rejection: Rejection) => IWebhookResponseData;
	/** Read the task back from the API before anything in the body is believed. */
	verify: boolean;
	/** An answer before any API read (a repeated callback), or undefined to go on. */
	before?: (callback: Callback) => IWebhookResponseData | undefined;
	/** Told of a callback whose task the API could not confirm as ended (unreadable, or still running). */
	unconfirmed?: (callback: Callback) => void;
}

export async function receiveCallback(ctx: IWebhookFunctions, steps: ReceiveSteps): Promise<Reception> {
	const callback = readCallback(ctx);
	if (isRejection(callback)) return { answer: steps.refuse(ctx, callback) };
	const early = steps.before?.(callback);
	if (early) return { answer: early };
	if (!steps.verify) {
		const outcome = { ...readTask(callback.body, { final: true }), taskId: callback.taskId };
		return { received: { callback, outcome, record: callback.body, verified: false, baseUrl: DEFAULT_BASE_URL } };
	}
	const api = await callbackApi(ctx);
	if (isRejection(api)) {
		steps.unconfirmed?.(callback);
		return { answer: steps.refuse(ctx, api) };
	}
	const result = await verifyCallback(api, callback);
	if (isRejection(result)) {
		if (mayStillEnd(result)) steps.unconfirmed?.(callback);
		return { answer: steps.refuse(ctx, result) };
	}
	return { received: { callback, outcome: result.outcome, record: result.record, verified: true, baseUrl: api.baseUrl } };
}
