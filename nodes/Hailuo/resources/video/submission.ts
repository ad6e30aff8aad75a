import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { unreachableTriggers } from '../../trigger/callbackUrl';
import { TriggerRegistrations } from '../../trigger/registration';
import { mapBounded } from '../../run/concurrency';
import { InputError } from '../../run/inputChecks';
import type { ItemResults } from '../../run/itemResults';
import { ToolSpendCap, repeatHint, uncertainRepeat } from '../../run/asTool';
import type { RepeatedCalls } from '../../run/asTool';
import type { RunSettings } from '../../run/settings';
import type { Run } from '../../run/start';
import type { SubmissionLedger } from '../../run/submissionLedger';
import { createdNoTask, stopsTheRun } from '../../transport/apiErrors';
import type { GenerateRequest, HailuoClient } from '../../transport/hailuoClient';
import { asNodeError, cancelled } from '../../transport/nodeErrors';
import type { ItemError } from '../../transport/nodeErrors';

/**
 * Paying for the items of a video run, once: n8n's Retry On Fail refused,
 * the items an earlier run (a Retry) or an earlier tool call already paid
 * for picked up, those it may have paid for refused, items whose callback
 * could not arrive failed, the spend guards asked, and the rest submitted,
 * each marked in the ledger first and registered with the Hailuo Trigger its
 * Callback URL leads to. An error that stops the run names the tasks
 * already created.
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

export interface Submission {
	index: number;
	body: GenerateRequest;
	/** The item's identity in the submission ledger. */
	key: string;
	taskId?: string;
	answer?: IDataObject;
	/** Submitted by an earlier run of this execution (a Retry), or by an earlier tool call with the same arguments; not by this one. */
	pickedUp?: boolean;
	/** As a tool: how long ago the call this one repeats started the task. */
	repeatOfMs?: number;
	/** Sent to the API (whatever came back); a run that stops early leaves the rest unsent. */
	sent?: boolean;
}

/** A submission with its task: created by this run, or picked up. */
export type WithTask = Submission & { taskId: string };

/** What keeps account of the submissions: every run's ledger and registrations; a tool's repeats and spending. */
interface Books {
	ledger: SubmissionLedger;
	registrations: TriggerRegistrations;
	repeats?: RepeatedCalls;
	spend?: ToolSpendCap;
}

async function submitAll(
	ctx: IExecuteFunctions,
	api: HailuoClient,
	submissions: Submission[],
	results: ItemResults,
	settings: RunSettings,
	{ ledger, registrations, repeats, spend }: Books,
) {
	const { settled, stoppedBy } = await mapBounded(
		submissions,
		settings.concurrency,
		async (submission) => {
			await ledger.beforeSend(submission.key);
			submission.sent = true;
			try {
				const { taskId, answer } = await api.submit(submission.body, submission.index);
				submission.taskId = taskId;
				submission.answer = answer;
				ledger.accepted(submission.key, submission.index, taskId);
				repeats?.accepted(submission.body, taskId);
				registrations.add(submission.body.callback_url, taskId);
			} catch (error) {
				if (createdNoTask(error)) {
					await ledger.notCreated(submission.key);
					repeats?.forget(submission.body);
					await spend?.giveBack(1);
				} else {
					ledger.uncertain(submission.index);
					repeats?.uncertain(submission.body);
				}
				throw asNodeError(ctx.getNode(), error);
			}
		},
		{
			// An account-wide refusal fails every item alike; without Continue On Fail
			// any error ends the run. Either way: submit nothing more.
			stopsOn: (error) => !ctx.continueOnFail() || stopsTheRun(error),
			// A cancelled execution submits nothing more either.
			stop: () => ctx.getExecutionCancelSignal()?.aborted === true,
		},
	);
	if (stoppedBy !== undefined && !ctx.continueOnFail()) throw asNodeError(ctx.getNode(), stoppedBy);
	if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx.getNode());
	settled.forEach((outcome, position) => {
		if (outcome?.status === 'rejected') results.fail(submissions[position].index, asNodeError(ctx.getNode(), outcome.reason));
	});
}

/**
 * Sorts the items of a Retry by what the run it repeats did with them: tasks
 * it created are picked up, items it sent without keeping the answer are
 * refused, the rest are sent. Any other run sends everything.
 */
async function sortByEarlierRuns(ledger: SubmissionLedger, submissions: Submission[]) {
	const earlier = await ledger.earlier(submissions.map((s) => s.key));
	const toSend: Submission[] = [];
	const refused: Submission[] = [];
	submissions.forEach((submission, position) => {
		const found = earlier[position];
		if (found.kind === 'task') {
			submission.taskId = found.taskId;
			submission.pickedUp = true;
			ledger.pickUp(submission.key, found.taskId);
		} else if (found.kind === 'sent') {
			refused.push(submission);
		} else {
			toSend.push(submission);
		}
	});
	return { toSend, refused };
}

/**
 * Items whose Callback URL leads to a Hailuo Trigger that would not take the
 * callback (not published, another secret) fail before they are paid for.
 * Returns the rest.
 */
async function withoutUnreachableTriggers(ctx: IExecuteFunctions, submissions: Submission[], results: ItemResults): Promise<Submission[]> {
	const unreachable = await unreachableTriggers(ctx, submissions.map((s) => s.body.callback_url));
	return submissions.filter((submission) => {
		const found = submission.body.callback_url === undefined ? undefined : unreachable.get(submission.body.callback_url);
		if (found) results.fail(submission.index, new InputError(ctx.getNode(), submission.index).error('Callback URL', found.problem, found.hint));
		return found === undefined;
	});
}

/**
 * As a tool: calls that repeat an earlier call's arguments get its task
 * instead of a new paid one; those whose earlier call may have started a
 * video without an id are refused. Returns what is left to send.
 */
async function takeRepeats(
	ctx: IExecuteFunctions,
	repeats: RepeatedCalls,
	submissions: Submission[],
	results: ItemResults,
): Promise<Submission[]> {
	const toSend: Submission[] = [];
	for (const submission of submissions) {
		const earlier = await repeats.earlierOrClaim(submission.body);
		if (earlier === undefined) {
			toSend.push(submission);
		} else if (earlier.kind === 'uncertain') {
			results.fail(submission.index, uncertainRepeat(ctx, submission.index, earlier.ageMs));
		} else {
			submission.taskId = earlier.taskId;
			submission.pickedUp = true;
			submission.repeatOfMs = earlier.ageMs;
			repeats.reused(earlier.taskId, earlier.ageMs);
		}
	}
	return toSend;
}

/**
 * Submits what is left to pay for, after every check; returns the
 * submissions that have a task (this run's or picked up). Whatever stops the
 * run once the earlier runs' tasks are known names the tasks already
 * created and picked up.
 */
export async function submitItems(
	ctx: IExecuteFunctions,
	run: Run,
	books: Pick<Books, 'ledger' | 'repeats'>,
	submissions: Submission[],
): Promise<WithTask[]> {
	const sorted = await sortByEarlierRuns(books.ledger, submissions);
	try {
		await payFor(ctx, run, books, submissions, sorted);
	} catch (error) {
		throw withSubmittedTasks(ctx, error, submissions);
	}
	return submissions.filter((s): s is WithTask => s.taskId !== undefined);
}

async function payFor(
	ctx: IExecuteFunctions,
	{ api, settings, results }: Run,
	{ ledger, repeats }: Pick<Books, 'ledger' | 'repeats'>,
	submissions: Submission[],
	{ toSend: unsent, refused }: Awaited<ReturnType<typeof sortByEarlierRuns>>,
) {
	const deliverable = await withoutUnreachableTriggers(ctx, unsent, results);
	const toSend = repeats ? await takeRepeats(ctx, repeats, deliverable, results) : deliverable;
	// Tasks an earlier run created are registered again: that run may have died before it could.
	const registrations = new TriggerRegistrations(ctx);
	for (const s of submissions) if (s.pickedUp && s.taskId) registrations.add(s.body.callback_url, s.taskId);
	try {
		guardSpend(ctx, toSend.length, settings);
		const spend = settings.spendCap ? ToolSpendCap.open(ctx, settings.spendCap) : undefined;
		await spend?.claim(toSend.length);
		try {
			await submitAll(ctx, api, toSend, results, settings, { ledger, registrations, repeats, spend });
		} finally {
			// Items a stopped run never sent cost nothing: their places go back.
			await spend?.giveBack(toSend.filter((s) => !s.sent).length);
		}
	} finally {
		repeats?.release();
		await registrations.done();
	}
	// Refused after the others were sent, so that a Retry still sends every item that was never sent.
	for (const s of refused) results.fail(s.index, alreadySent(ctx, s.index, ledger.earlierExecution));
}

/** Tells the model, in the item of a repeated call, that its task is an earlier call's. */
export function explainRepeats(results: ItemResults, submissions: Submission[]) {
	for (const s of submissions) {
		const json = results.succeeded(s.index) ? results.item(s.index)?.json : undefined;
		if (s.repeatOfMs === undefined || s.taskId === undefined || json === undefined) continue;
		const hint = typeof json.hint === 'string' ? ` ${json.hint}` : '';
		json.hint = `${repeatHint(s.taskId, s.repeatOfMs)}${hint}`;
	}
}
