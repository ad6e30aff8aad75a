import type { NodeApiError } from 'n8n-workflow';

import { sleepOrCancel } from './api';
import type { HailuoApi } from './api';
import { stopsTheRun } from './apiErrors';
import { BATCH_LIMIT } from './constants';
import { asNodeError } from './nodeErrors';
import { readTask, unknownTask } from './taskRecord';
import type { TaskOutcome } from './taskRecord';

/**
 * Waits for many tasks at once by polling: every round asks for all tasks
 * still running with retrieve_batch (50 ids per request), so 50 videos cost one
 * status request per interval, not 50.
 */

export interface PollSettings {
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
	outcome: TaskOutcome;
	/** The last record the API returned for the task. */
	record?: object;
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
	api: HailuoApi,
	taskIds: string[],
	settings: PollSettings,
): Promise<Map<string, PolledTask>> {
	const tasks = new Map<string, PolledTask>();
	for (const id of taskIds) tasks.set(id, { outcome: unknownTask(id) });
	const deadline = Date.now() + settings.timeoutMs;
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

		for (const batch of chunks(running.map(([id]) => id), BATCH_LIMIT)) {
			await pollBatch(api, batch, tasks, settings.createdHere === true);
		}
		if (Date.now() >= deadline) break;
	}
	return tasks;
}

async function pollBatch(api: HailuoApi, ids: string[], tasks: Map<string, PolledTask>, createdHere: boolean) {
	let records = new Map<string, object>();
	try {
		records = await api.retrieveBatch(ids);
	} catch (error) {
		if (stopsTheRun(error)) throw asNodeError(api.ctx.getNode(), error);
		const apiFailure = error as NodeApiError;
		const status = Number(apiFailure.httpCode);
		if (!(status >= 400 && status < 500 && status !== 429)) {
			// A failed round (after the API module's own retries) loses nothing:
			// the tasks stay running and the next round asks again.
			for (const id of ids) (tasks.get(id) as PolledTask).lastPollError = apiFailure.message;
			return;
		}
		// The batch action itself is refused (a gateway without it): read the tasks one by one.
	}
	for (const id of ids) {
		const task = tasks.get(id) as PolledTask;
		const record = records.get(id);
		if (record) {
			task.record = record;
			task.outcome = { ...readTask(record), taskId: id };
			task.lastPollError = undefined;
			continue;
		}
		// Missing from the batch answer: ask for it alone, which tells an
		// unknown id (404) from a batch that merely left it out.
		try {
			const single = await api.retrieve(id);
			if (typeof single.id === 'string' && single.id !== id) {
				task.lastPollError = `The API answered with task ${single.id} when asked for ${id}`;
				continue;
			}
			task.record = single;
			task.outcome = { ...readTask(single), taskId: id };
			task.lastPollError = undefined;
		} catch (error) {
			// An account-wide refusal holds for every other task too: stop, as the batch read does.
			if (stopsTheRun(error)) throw asNodeError(api.ctx.getNode(), error);
			const apiFailure = error as NodeApiError;
			if (apiFailure.httpCode === '404' && !createdHere) task.problem = apiFailure;
			else task.lastPollError = apiFailure.message;
		}
	}
}
