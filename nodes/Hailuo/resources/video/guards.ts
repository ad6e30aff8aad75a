import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { RunSettings } from '../../run/settings';
import { asNodeError } from '../../transport/nodeErrors';
import type { ItemError } from '../../transport/nodeErrors';

/**
 * What stops a video run before it pays for something it should not, and
 * what an error that stops it must still say: n8n's Retry On Fail refused,
 * the spend guard, items an earlier run already sent, the tasks already
 * created.
 */

/** n8n's Retry On Fail would run the node again after an error: every video would be billed twice. */
export function refuseRetryOnFail(ctx: IExecuteFunctions) {
	if (ctx.getNode().retryOnFail !== true) return;
	throw new NodeOperationError(ctx.getNode(), "Turn off 'Retry On Fail' for this node: a retry would submit, and bill, every video again", {
		description:
			'Nothing was submitted. The node already retries what is safe to retry (rate limits, and status checks after server or network errors). Use Task > Wait or Task > Get to pick up tasks after an error.',
	});
}

/** A run that would pay for more videos than the user allows is refused before the first submission. */
export function guardSpend(ctx: IExecuteFunctions, count: number, settings: RunSettings) {
	if (count <= settings.maxVideos) return;
	throw new NodeOperationError(ctx.getNode(), `This run would submit ${count} videos, more than 'Max Videos per Run' (${settings.maxVideos})`, {
		description: `Nothing was submitted. If ${count} videos are intended, raise 'Max Videos per Run' in the node's Options. Otherwise check the node before this one: an expression or a Split Out on the wrong field can turn one item into thousands.`,
	});
}

/** An item an earlier run of this execution (the run a Retry repeats) sent, whose task id n8n lost when it stopped: never sent again. */
export function alreadySent(ctx: IExecuteFunctions, index: number, earlierExecution: string | undefined): NodeOperationError {
	const execution = earlierExecution ?? '<id of the execution you retried>';
	return new NodeOperationError(ctx.getNode(), `Item ${index + 1} was already sent to the Hailuo API by an earlier run of this execution, so it is not sent again`, {
		itemIndex: index,
		description: `n8n stopped before it could save that run (a Retry repeats it; n8n 1.x in queue mode also runs it again after its worker stopped), and with it the task ID. If the API accepted the item, its task ID is in n8n's log, in the line "Hailuo task <task id> accepted for item ${index + 1} (execution ${execution}, …". Collect the video with Task > Wait (or Task > Get Many) and that ID; if there is no such line, n8n stopped before the API's answer arrived: look for the task in the AceData Cloud console. To generate the video again anyway, start a new execution instead of Retry.`,
	});
}

/** Adds the task ids already created in this run to an error that stops it, so none is lost. */
export function withSubmittedTasks(ctx: IExecuteFunctions, thrown: unknown, submissions: ReadonlyArray<{ index: number; taskId?: string }>): ItemError {
	const error = asNodeError(ctx.getNode(), thrown);
	const created = submissions.filter((s) => s.taskId);
	if (created.length > 0) {
		const list = created.map((s) => `item ${s.index + 1}: ${s.taskId}`).join(', ');
		error.description = `${error.description ?? ''} Tasks already submitted for this run, not resubmitted (pick them up with Task > Wait, or Retry this execution): ${list}.`.trim();
		error.context = { ...(error.context ?? {}), submittedTaskIds: created.flatMap((s) => (s.taskId === undefined ? [] : [s.taskId])) };
	}
	return error;
}
