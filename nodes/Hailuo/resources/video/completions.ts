import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { waitForCallback } from '../../callbacks/pause';
import { toolPendingHint } from '../../run/asTool';
import { settleAll } from '../../run/itemResults';
import type { RepeatedCalls } from '../../run/asTool';
import { waitBudgetMs } from '../../run/settings';
import type { Run } from '../../run/start';
import type { SubmissionLedger } from '../../run/submissionLedger';
import { pollTasks } from '../../records/polling';
import { simplify, unknownTask } from '../../records/taskRecord';
import { explainRepeats, withSubmittedTasks } from './submission';
import type { Submission, WithTask } from './submission';

/**
 * How a video run ends once its tasks exist, one function per Completion:
 * waiting for the videos (Poll), handing out the task ids (Return the Task
 * ID at Once), or pausing the execution until the API calls back.
 */

export const COMPLETIONS = ['poll', 'submitOnly', 'pauseUntilCallback'] as const;
export type Completion = (typeof COMPLETIONS)[number];

/** The Completion chosen; an unknown value (a workflow from a later version) waits, as the default does. */
export function completionOf(value: unknown): Completion {
	return COMPLETIONS.find((c) => c === value) ?? 'poll';
}

/** What a finishing gets: the run, its submissions (all, and those with a task), what keeps account of them. */
export interface Finishing {
	ctx: IExecuteFunctions;
	run: Run;
	submissions: Submission[];
	withTask: WithTask[];
	ledger: SubmissionLedger;
	repeats?: RepeatedCalls;
}

/** One item per task, as the API first described it: the task id, `pending`. */
function taskIdsNow({ run, withTask }: Finishing) {
	for (const s of withTask) {
		const json = run.settings.simplify || s.answer === undefined
			? simplify({ ...unknownTask(s.taskId), model: s.body.model, prompt: s.body.prompt })
			: s.answer;
		run.results.set(s.index, json);
	}
	explainRepeats(run.results, withTask);
}

async function returnTaskIds(finishing: Finishing): Promise<INodeExecutionData[]> {
	taskIdsNow(finishing);
	return finishing.run.results.toArray();
}

async function pauseUntilCallback(finishing: Finishing): Promise<INodeExecutionData[]> {
	taskIdsNow(finishing);
	const { ctx, run, withTask } = finishing;
	if (withTask.length === 1) await waitForCallback(ctx, withTask[0].taskId, run.settings.timeoutMs);
	return run.results.toArray();
}

async function pollUntilDone({ ctx, run, submissions, withTask, ledger, repeats }: Finishing): Promise<INodeExecutionData[]> {
	const { api, settings, results, signal } = run;
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
		const failed = withTask.filter((s) => polled.get(s.taskId)?.outcome.state === 'failed');
		// A failed generation is no video to pick up again: a later pass or a Retry makes a new one (billed).
		for (const s of failed) await ledger.taskFailed(s.key);
		const entries = withTask.map((s) => ({ index: s.index, taskId: s.taskId }));
		const pendingHint = settings.asTool ? (taskId: string) => toolPendingHint(taskId, true) : undefined;
		await settleAll(ctx, results, entries, polled, settings, run.download, pendingHint);
		explainRepeats(results, withTask);
		// Nor is it a video to hand out again: a repeat of the call may try anew.
		for (const s of failed) repeats?.forget(s.body);
	} catch (error) {
		throw withSubmittedTasks(ctx, error, submissions);
	}
	return results.toArray();
}

const FINISH: Record<Completion, (finishing: Finishing) => Promise<INodeExecutionData[]>> = {
	poll: pollUntilDone,
	submitOnly: returnTaskIds,
	pauseUntilCallback,
};

/**
 * Ends the run as the Completion chosen says. A task a Retry picked up was
 * submitted with the earlier run's resume URL: its callback cannot resume
 * this execution, so a pause with one is polled instead.
 */
export async function finish(chosen: Completion, finishing: Finishing): Promise<INodeExecutionData[]> {
	const completion = chosen === 'pauseUntilCallback' && finishing.withTask.some((s) => s.pickedUp) ? 'poll' : chosen;
	return await FINISH[completion](finishing);
}
