import type { IDataObject } from 'n8n-workflow';

import type { NodeParameters } from '../callbacks/answer';
import { CREDENTIAL_NAME } from '../transport/apiFacts';
import { isObject } from '../transport/shapes';
import { simplify } from '../records/taskRecord';
import type { TaskOutcome } from '../records/taskRecord';

/**
 * What a Hailuo Trigger hands its workflow for a task, whichever way the
 * task reached it: the event it is, whether the user selected that event,
 * and the item, which says who delivered it.
 */

/** How a task reached the trigger. */
export type DeliveredBy = 'callback' | 'catchUp';

/** The events of "Trigger On"; `unfinished` is a task given up on (still running after a day). */
export const TRIGGER_EVENTS = [
	{ name: 'Video Succeeded', value: 'succeeded' },
	{ name: 'Video Failed', value: 'failed' },
	{ name: 'Video Never Finished', value: 'unfinished' },
] as const;

type TriggerEvent = (typeof TRIGGER_EVENTS)[number]['value'];

export interface TriggerTask {
	outcome: TaskOutcome;
	/** The API's record when verified, else the callback body as sent. */
	record: IDataObject;
	verified: boolean;
	deliveredBy: DeliveredBy;
	/** Still running when the trigger stopped awaiting it. */
	gaveUp?: boolean;
}

function eventOf(task: TriggerTask): TriggerEvent {
	if (task.gaveUp) return 'unfinished';
	return task.outcome.state === 'failed' ? 'failed' : 'succeeded';
}

/** Whether the user's "Trigger On" selects this task's event. */
function selected(ctx: NodeParameters, task: TriggerTask): boolean {
	const events: unknown = ctx.getNodeParameter('events', []);
	return Array.isArray(events) && events.includes(eventOf(task));
}

/** Why the trigger takes callbacks as sent, in the words a user needs to change it. */
export function whyNotVerified(ctx: NodeParameters): string {
	if (ctx.getNode().credentials?.[CREDENTIAL_NAME] === undefined) {
		return 'No Hailuo API credential is chosen in the Hailuo Trigger, so callbacks are taken as sent: not read back from the API (anyone who knows the URL could send one), no video is downloaded, and missed callbacks are not caught up. Choose a credential in the trigger.';
	}
	return "'Verify With the API' is off in the Hailuo Trigger, so callbacks are taken as sent: not read back from the API, and no video is downloaded.";
}

/**
 * The item a task starts the workflow with, or undefined when "Trigger On"
 * does not select its event: the simplified task, saying who delivered it;
 * with Simplify off, the API's own final result as it is (never a callback
 * body's claims when verified).
 */
export function itemFor(ctx: NodeParameters, task: TriggerTask): IDataObject | undefined {
	if (!selected(ctx, task)) return undefined;
	const { outcome, record, verified, deliveredBy } = task;
	if (ctx.getNodeParameter('simplify', true) === false) {
		return verified && isObject(record.response) ? record.response : record;
	}
	const item: IDataObject = { ...simplify(outcome), verified, deliveredBy };
	if (!verified) item.notVerified = whyNotVerified(ctx);
	if (task.gaveUp) {
		item.gaveUp = true;
		item.hint = `Task ${outcome.taskId} had not finished a day after the trigger began to wait for it, so it stopped waiting. Read it later with a Hailuo node (Task > Get).`;
	}
	return item;
}
