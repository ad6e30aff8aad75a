import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { unreachableTriggers } from '../../callbacks/callbackUrl';
import { assertSingleItem, resumeUrl, waitForCallback } from '../../callbacks/pause';
import { TriggerRegistrations } from '../../callbacks/registration';
import { toolPendingHint } from '../../run/asTool';
import { mapBounded } from '../../run/concurrency';
import { InputError } from '../../run/inputChecks';
import { settleAll } from '../../run/itemResults';
import type { ItemResults } from '../../run/itemResults';
import { RepeatedCalls, repeatHint, uncertainRepeat } from '../../run/repeatedToolCalls';
import { readDownload, waitBudgetMs } from '../../run/settings';
import type { RunSettings } from '../../run/settings';
import { startRun } from '../../run/start';
import { ToolSpendCap } from '../../run/toolSpendCap';
import { SubmissionLedger } from '../../run/submissionLedger';
import { pollTasks } from '../../tasks/polling';
import { simplify, unknownTask } from '../../tasks/taskRecord';
import { createdNoTask, stopsTheRun } from '../../transport/apiErrors';
import type { GenerateRequest, HailuoApi } from '../../transport/hailuoApi';
import { asNodeError, cancelled } from '../../transport/nodeErrors';
import type { VideoOperation } from './fields';
import { alreadySent, guardSpend, refuseRetryOnFail, withSubmittedTasks } from './guards';
import { buildRequest } from './request';

/**
 * Text to Video and Image to Video: every item checked, then submitted (the
 * ledger marks each one first, a tool call may get an earlier call's task),
 * then waited for by polling, returned at once, or paused until the callback.
 */

const COMPLETIONS = ['poll', 'submitOnly', 'pauseUntilCallback'] as const;
type Completion = (typeof COMPLETIONS)[number];

/** The Completion chosen; an unknown value (a workflow from a later version) waits, as the default does. */
function completionOf(value: unknown): Completion {
	return COMPLETIONS.find((c) => c === value) ?? 'poll';
}

interface Submission {
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

/** What keeps account of the submissions: every run's ledger and registrations; a tool's repeats and spending. */
interface Books {
	ledger: SubmissionLedger;
	registrations: TriggerRegistrations;
	repeats?: RepeatedCalls;
	spend?: ToolSpendCap;
}

async function submitAll(
	ctx: IExecuteFunctions,
	api: HailuoApi,
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
	if (stoppedBy !== undefined && !ctx.continueOnFail()) throw withSubmittedTasks(ctx, stoppedBy, submissions);
	if (ctx.getExecutionCancelSignal()?.aborted) throw withSubmittedTasks(ctx, cancelled(ctx.getNode()), submissions);
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

/** Tells the model, in the item of a repeated call, that its task is an earlier call's. */
function explainRepeats(results: ItemResults, submissions: Submission[]) {
	for (const s of submissions) {
		const json = results.succeeded(s.index) ? results.item(s.index)?.json : undefined;
		if (s.repeatOfMs === undefined || s.taskId === undefined || json === undefined) continue;
		const hint = typeof json.hint === 'string' ? ` ${json.hint}` : '';
		json.hint = `${repeatHint(s.taskId, s.repeatOfMs)}${hint}`;
	}
}

export async function generate(
	this: IExecuteFunctions,
	operation: VideoOperation,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	refuseRetryOnFail(this);
	const chosen = completionOf(this.getNodeParameter('completion', 0, 'poll'));
	const { settings, api, results, signal } = await startRun(this, chosen === 'poll');
	const pause = chosen === 'pauseUntilCallback';
	if (pause) assertSingleItem(this, items.length);
	const callbackToResume = pause ? await resumeUrl(this, api.baseUrl) : undefined;
	const download = chosen === 'submitOnly' ? undefined : readDownload(this, api.baseUrl, settings);

	// Every item is checked before the first paid request.
	const ledger = SubmissionLedger.open(this);
	const submissions: Submission[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const body = buildRequest(this, index, operation, api.baseUrl, callbackToResume);
			submissions.push({ index, body, key: ledger.key(index, body) });
		} catch (error) {
			results.fail(index, asNodeError(this.getNode(), error));
		}
	}

	const repeats = settings.asTool ? RepeatedCalls.open(this) : undefined;
	const sorted = await sortByEarlierRuns(ledger, submissions);
	// Tasks a Retry picked up are named by whatever stops the run here.
	const deliverable = await withoutUnreachableTriggers(this, sorted.toSend, results).catch((error: unknown) => {
		throw withSubmittedTasks(this, error, submissions);
	});
	const toSend = repeats ? await takeRepeats(this, repeats, deliverable, results) : deliverable;
	const { refused } = sorted;
	// Tasks an earlier run created are registered again: that run may have died before it could.
	const registrations = new TriggerRegistrations(this);
	for (const s of submissions) if (s.pickedUp && s.taskId) registrations.add(s.body.callback_url, s.taskId);
	try {
		guardSpend(this, toSend.length, settings);
		const spend = settings.spendCap ? ToolSpendCap.open(this, settings.spendCap) : undefined;
		await spend?.claim(toSend.length);
		try {
			await submitAll(this, api, toSend, results, settings, { ledger, registrations, repeats, spend });
		} finally {
			// Items a stopped run never sent cost nothing: their places go back.
			await spend?.giveBack(toSend.filter((s) => !s.sent).length);
		}
	} finally {
		repeats?.release();
		await registrations.done();
	}
	// Refused after the others were sent, so that a Retry still sends every item that was never sent.
	try {
		for (const s of refused) results.fail(s.index, alreadySent(this, s.index, ledger.earlierExecution));
	} catch (error) {
		throw withSubmittedTasks(this, error, submissions);
	}
	const withTask = submissions.filter((s): s is Submission & { taskId: string } => s.taskId !== undefined);

	// A task picked up from an earlier run was submitted with that run's resume URL: its callback cannot resume this one, so it is polled.
	const completion: Completion = pause && withTask.some((s) => s.pickedUp) ? 'poll' : chosen;
	if (completion !== 'poll') {
		for (const s of withTask) {
			const json = settings.simplify || s.answer === undefined
				? simplify({ ...unknownTask(s.taskId), model: s.body.model, prompt: s.body.prompt })
				: s.answer;
			results.set(s.index, json);
		}
		explainRepeats(results, withTask);
		if (pause && withTask.length === 1) await waitForCallback(this, withTask[0].taskId, settings.timeoutMs);
		return results.toArray();
	}

	// From here on every task is paid for: whatever stops the run must name them all.
	try {
		const polled = await pollTasks(
			api,
			withTask.map((s) => s.taskId),
			{
				intervalMs: settings.pollIntervalMs,
				timeoutMs: waitBudgetMs(settings),
				// Tasks of an earlier run may have finished meanwhile.
				pollFirst: withTask.some((s) => s.pickedUp),
				createdHere: true,
				signal,
			},
		);
		// A failed generation is no video to pick up again: a later pass or a Retry makes a new one (billed).
		for (const s of withTask) if (polled.get(s.taskId)?.outcome.state === 'failed') await ledger.taskFailed(s.key);
		const entries = withTask.map((s) => ({ index: s.index, taskId: s.taskId }));
		const pendingHint = settings.asTool ? (taskId: string) => toolPendingHint(taskId, true) : undefined;
		await settleAll(this, results, entries, polled, settings, download, pendingHint);
		explainRepeats(results, withTask);
		// A failed generation is not a video to hand out again: a repeat of the call may try anew.
		for (const s of withTask) if (polled.get(s.taskId)?.outcome.state === 'failed') repeats?.forget(s.body);
	} catch (error) {
		throw withSubmittedTasks(this, error, submissions);
	}
	return results.toArray();
}
