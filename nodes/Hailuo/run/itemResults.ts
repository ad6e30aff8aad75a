import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { downloadVideo, nothingToDownload } from '../records/download';
import type { DownloadSettings } from '../records/download';
import type { PolledTask } from '../records/polling';
import { firstVideoUrl, simplify, unknownTask } from '../records/taskRecord';
import type { TaskOutcome } from '../records/taskRecord';
import { asNodeError } from '../transport/nodeErrors';
import type { ItemError } from '../transport/nodeErrors';
import { mapBounded } from './concurrency';
import type { RunSettings } from './settings';


/**
 * The output of a run: items in input order, each paired with its input item.
 * A failing item either becomes an error item (Continue On Fail) or stops the
 * run, as n8n users expect.
 */
export class ItemResults {
	private readonly items: Array<INodeExecutionData[] | undefined>;

	private readonly errors = new Set<number>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		count: number,
	) {
		this.items = new Array(count).fill(undefined);
	}

	set(index: number, json: IDataObject | IDataObject[]) {
		const list = Array.isArray(json) ? json : [json];
		this.items[index] = list.map((entry) => ({ json: entry, pairedItem: { item: index } }));
	}

	/** The single item output for an input item, to attach a video or a note to. */
	item(index: number): INodeExecutionData | undefined {
		return this.items[index]?.[0];
	}

	/**
	 * Records the error (Continue On Fail) or throws it. The item has only
	 * `error` and `details`, the shape n8n routes to a node's error output;
	 * the task id and URL live in `details`. (Setting the item's own `error`
	 * would make n8n replace the JSON with the message and lose them.)
	 */
	fail(index: number, error: ItemError, known: IDataObject = {}) {
		if (!this.ctx.continueOnFail()) throw error;
		const details: IDataObject = { ...known };
		if (error.description) details.description = error.description;
		this.items[index] = [{ json: { error: error.message, details }, pairedItem: { item: index } }];
		this.errors.add(index);
	}

	/** Whether the input item has a regular (not an error) output. */
	succeeded(index: number): boolean {
		return this.items[index] !== undefined && !this.errors.has(index);
	}

	toArray(): INodeExecutionData[] {
		return this.items.flatMap((entry) => entry ?? []);
	}
}

/** The output for a task that was waited on, by the user's rules for failures and timeouts. */
function settleTask(
	ctx: IExecuteFunctions,
	results: ItemResults,
	index: number,
	task: PolledTask,
	settings: RunSettings,
	pendingHint: ((taskId: string) => string) | undefined,
) {
	const { outcome } = task;
	const timeoutSeconds = settings.timeoutMs / 1000;
	const { taskId } = task;
	if (task.problem) {
		results.fail(index, task.problem, { taskId });
		return;
	}
	if (outcome.state === 'failed' && settings.onTaskFailure === 'error') {
		const reason = outcome.error ? `${outcome.error.message} (${outcome.error.code})` : 'no reason given';
		results.fail(
			index,
			new NodeOperationError(ctx.getNode(), `Task ${taskId} failed: ${reason}`, {
				itemIndex: index,
				description: outcome.traceId
					? `Trace id for AceData support: ${outcome.traceId}. Set 'On Task Failure' to 'Output the Failed Task' to handle failures in the workflow.`
					: "Set 'On Task Failure' to 'Output the Failed Task' to handle failures in the workflow.",
			}),
			{ taskId, state: 'failed' },
		);
		return;
	}
	const pickUp = `Task ${taskId} is still ${outcome.state} after ${timeoutSeconds} s. It is not lost: a Hailuo node with Task > Wait and this task id picks it up later.`;
	if (!outcome.finished && settings.onTimeout === 'error') {
		results.fail(
			index,
			new NodeOperationError(ctx.getNode(), `Task ${taskId} did not finish within ${timeoutSeconds} s`, {
				itemIndex: index,
				description: pickUp,
			}),
			{ taskId, state: outcome.state },
		);
		return;
	}
	if (!settings.simplify) {
		results.set(index, task.record ?? { id: taskId });
		return;
	}
	const json = simplify(outcome);
	if (!outcome.finished) {
		const next = pendingHint?.(taskId) ?? pickUp;
		json.hint = task.lastPollError ? `${next} Last status check failed: ${task.lastPollError}` : next;
	}
	results.set(index, json);
}

/**
 * The output of every waited-for task, by the user's rules, then the videos
 * when asked for. `entries` pairs input items with task ids (several items may
 * wait for the same task). `pendingHint` says what to do with a task still
 * running (a tool's next call), instead of the workflow advice.
 */
export async function settleAll(
	ctx: IExecuteFunctions,
	results: ItemResults,
	entries: Array<{ index: number; taskId: string }>,
	polled: Map<string, PolledTask>,
	settings: RunSettings,
	download: DownloadSettings | undefined,
	pendingHint?: (taskId: string) => string,
) {
	const settled = entries.map(({ index, taskId }) => {
		// A task no poll round reached is still unknown: pending.
		const task = polled.get(taskId) ?? { taskId, outcome: unknownTask(taskId) };
		settleTask(ctx, results, index, task, settings, pendingHint);
		return { index, outcome: task.outcome };
	});
	if (download) await attachVideos(ctx, results, settled, settings, download);
}

/**
 * Downloads the videos of the given items into binary data, as many at a time
 * as the run's concurrency. Items without a video say why (simplified output);
 * a failed download fails its item, keeping the task id and the URL.
 */
export async function attachVideos(
	ctx: IExecuteFunctions,
	results: ItemResults,
	tasks: Array<{ index: number; outcome: TaskOutcome }>,
	settings: RunSettings,
	download: DownloadSettings,
) {
	const wanted = tasks.filter(({ index, outcome }) => {
		if (!results.succeeded(index)) return false;
		const reason = nothingToDownload(outcome);
		const item = results.item(index);
		if (reason && settings.simplify && item) item.json.downloadSkipped = reason;
		return reason === undefined;
	});
	const { settled: files } = await mapBounded(wanted, settings.concurrency, async ({ index, outcome }) =>
		await downloadVideo(ctx, outcome, download, index),
	);
	files.forEach((file, position) => {
		const { index, outcome } = wanted[position];
		if (file?.status === 'fulfilled') {
			const item = results.item(index);
			if (item) item.binary = { ...(item.binary ?? {}), [download.propertyName]: file.value };
		} else {
			results.fail(index, asNodeError(ctx.getNode(), file?.reason), { taskId: outcome.taskId, videoUrl: firstVideoUrl(outcome) });
		}
	});
}
