import { NodeApiError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { stopsTheRun } from '../transport/apiErrors';
import { BATCH_LIMIT, CREDENTIAL_NAME } from '../transport/apiFacts';
import { sleepOrCancel } from '../transport/hailuoClient';
import type { HailuoClient } from '../transport/hailuoClient';
import { asNodeError, errorText, httpCodeOf } from '../transport/nodeErrors';
import type { ItemError } from '../transport/nodeErrors';
import { readTask, unknownTask } from './taskRecord';
import type { TaskOutcome } from './taskRecord';

/**
 * Reading tasks many at a time. Waiting for many tasks by polling: every
 * round asks for all tasks still running with retrieve_batch (50 ids per
 * request), so 50 videos cost one status request per interval, not 50. And
 * callbacks arriving together share their verification reads (readShared).
 */

interface PollSettings {
	intervalMs: number;
	timeoutMs: number;
	/** Poll once straight away (tasks that may already be done), else wait an interval first. */
	pollFirst: boolean;
	/**
	 * The tasks were created by this run: a 404 then means "not visible yet",
	 * not "no such task", and polling goes on.
	 */
	createdHere?: boolean;
	signal?: AbortSignal;
}

export interface PolledTask {
	taskId: string;
	outcome: TaskOutcome;
	/** The last record the API returned for the task. */
	record?: IDataObject;
	/** Why the task is not known to have ended (timeout, unknown to the API, polling failed). */
	problem?: NodeApiError;
	/** Last failure of a poll round, kept so a pending task can say why it is still pending. */
	lastPollError?: string;
}

function chunks<T>(values: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
	return out;
}

/**
 * Poll until every task has ended or the time is up. Never throws for a
 * single task: each task's fate is in the returned map. Throws only when the
 * account itself is refused (a revoked token), since no task can be read then.
 */
export async function pollTasks(
	api: HailuoClient,
	taskIds: string[],
	settings: PollSettings,
): Promise<Map<string, PolledTask>> {
	const tasks = new Map<string, PolledTask>();
	for (const id of taskIds) tasks.set(id, { taskId: id, outcome: unknownTask(id) });
	const deadline = Date.now() + settings.timeoutMs;
	// One deadline for everything: a rate-limited or failing API cannot stretch the Timeout.
	const timed = api.until(deadline);
	let first = true;

	for (;;) {
		const running = [...tasks.entries()].filter(([, t]) => !t.outcome.finished && !t.problem);
		if (running.length === 0) break;
		const remaining = deadline - Date.now();
		if (!(first && settings.pollFirst)) {
			if (remaining <= 0) break;
			await sleepOrCancel(api.ctx, Math.min(settings.intervalMs, remaining), settings.signal);
		}
		first = false;

		for (const [index, batch] of chunks(running.map(([id]) => id), BATCH_LIMIT).entries()) {
			// Past the deadline the round stops between batches; the first one always goes out.
			if (index > 0 && Date.now() >= deadline) break;
			await pollBatch(timed, batch, tasks, settings.createdHere === true);
		}
		if (Date.now() >= deadline) break;
	}
	return tasks;
}

/** One task's read: its record, or why it could not be read. */
export type TaskRead = { record: IDataObject } | { error: ItemError };

/** A 4xx other than 429: a gateway without the batch action refuses it so. */
function batchActionRefused(error: unknown): boolean {
	const status = Number(httpCodeOf(error));
	return status >= 400 && status < 500 && status !== 429;
}

/**
 * Reads up to BATCH_LIMIT tasks in one retrieve_batch. A task the answer
 * leaves out is read alone, which tells an unknown id (404) from a batch that
 * merely skipped it; a batch action the gateway refuses falls back to reading
 * every task alone. Throws when the account itself is refused (every read
 * would be), or when the batch read fails otherwise (after the API module's
 * retries); anything else is the task's own read.
 */
export async function readTasks(api: HailuoClient, ids: string[]): Promise<Map<string, TaskRead>> {
	let records = new Map<string, IDataObject>();
	try {
		records = await api.retrieveBatch(ids);
	} catch (error) {
		if (stopsTheRun(error) || !batchActionRefused(error)) throw asNodeError(api.ctx.getNode(), error);
	}
	const reads = new Map<string, TaskRead>();
	for (const id of ids) {
		const record = records.get(id);
		if (record) {
			reads.set(id, { record });
			continue;
		}
		try {
			reads.set(id, { record: await api.retrieve(id) });
		} catch (error) {
			if (stopsTheRun(error)) throw asNodeError(api.ctx.getNode(), error);
			reads.set(id, { error: asNodeError(api.ctx.getNode(), error) });
		}
	}
	return reads;
}

async function pollBatch(api: HailuoClient, ids: string[], tasks: Map<string, PolledTask>, createdHere: boolean) {
	let reads: Map<string, TaskRead>;
	try {
		reads = await readTasks(api, ids);
	} catch (error) {
		if (stopsTheRun(error)) throw asNodeError(api.ctx.getNode(), error);
		// A failed round loses nothing: the tasks stay running and the next round asks again.
		for (const id of ids) {
			const task = tasks.get(id);
			if (task) task.lastPollError = errorText(error);
		}
		return;
	}
	for (const id of ids) {
		const task = tasks.get(id);
		const read = reads.get(id);
		// Every id asked for is in both maps.
		if (!task || !read) continue;
		if ('error' in read) {
			if (read.error instanceof NodeApiError && read.error.httpCode === '404' && !createdHere) task.problem = read.error;
			else task.lastPollError = read.error.message;
			continue;
		}
		if (typeof read.record.id === 'string' && read.record.id !== id) {
			task.lastPollError = `The API answered with task ${read.record.id} when asked for ${id}`;
			continue;
		}
		task.record = read.record;
		task.outcome = { ...readTask(read.record), taskId: id };
		task.lastPollError = undefined;
	}
}

/**
 * Callbacks that arrive together share their verification reads. Up to
 * MAX_IN_FLIGHT reads per credential go out at once; a callback arriving
 * while all are taken waits for the next one, which asks for every waiting
 * task in one retrieve_batch (50 ids at most). A lone callback is read at
 * once, alone, as before; 200 callbacks at once cost a handful of reads, so a
 * batch finishing together does not set off the provider's rate limit
 * against the very callbacks it should confirm.
 */

const MAX_IN_FLIGHT = 4;

interface Waiter {
	api: HailuoClient;
	taskId: string;
	resolve: (record: IDataObject) => void;
	reject: (error: unknown) => void;
}

interface Lane {
	inFlight: number;
	waiting: Waiter[];
}

/** Per credential and Base URL: reads of one account only ever share a request. */
const lanes = new Map<string, Lane>();

function laneOf(api: HailuoClient): Lane {
	const key = `${api.baseUrl} ${api.ctx.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? ''}`;
	let lane = lanes.get(key);
	if (!lane) {
		lane = { inFlight: 0, waiting: [] };
		lanes.set(key, lane);
	}
	return lane;
}

/** Reads the waiters' tasks: a lone one alone, several in one request (see readTasks). */
async function readTogether(batch: Waiter[]) {
	if (batch.length === 1) {
		const [waiter] = batch;
		await waiter.api.retrieve(waiter.taskId).then(waiter.resolve, waiter.reject);
		return;
	}
	let reads: Map<string, TaskRead>;
	try {
		reads = await readTasks(batch[0].api, batch.map((w) => w.taskId));
	} catch (error) {
		for (const waiter of batch) waiter.reject(error);
		return;
	}
	for (const waiter of batch) {
		const read = reads.get(waiter.taskId);
		if (read && 'record' in read) waiter.resolve(read.record);
		else waiter.reject(read?.error);
	}
}

async function run(lane: Lane, batch: Waiter[]) {
	lane.inFlight++;
	try {
		await readTogether(batch);
	} finally {
		lane.inFlight--;
		if (lane.waiting.length > 0) void run(lane, lane.waiting.splice(0, BATCH_LIMIT));
	}
}

/** The task's record, read together with the other callbacks' tasks of the same moment. */
export async function readShared(api: HailuoClient, taskId: string): Promise<IDataObject> {
	const lane = laneOf(api);
	return await new Promise<IDataObject>((resolve, reject) => {
		const waiter: Waiter = { api, taskId, resolve, reject };
		if (lane.inFlight < MAX_IN_FLIGHT) void run(lane, [waiter]);
		else lane.waiting.push(waiter);
	});
}
