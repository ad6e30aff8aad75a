import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { isObject } from '../transport/json';

/**
 * Which tasks' callbacks a Hailuo Trigger has already started a workflow for.
 *
 * n8n offers a webhook no shared atomic store. What it has is the workflow's
 * static data: read from the database when a request starts, and written back
 * whole when the webhook answers, so concurrent callbacks overwrite each
 * other's changes (the last writer wins). The remedy here: each process keeps
 * one set per trigger node of every task id it has accepted or read, and every
 * request puts that same live set in its static data. Whichever request of a
 * process is written last carries all the process knows at that moment, and
 * what other processes wrote comes in with every read. Copies that reach one
 * process together are told apart in memory, synchronously. Two processes
 * accepting copies of one task in the same instant can still both pass, and an
 * id accepted on one process in the instant another process writes can drop
 * out of the database until its own process writes again: docs/callbacks.md.
 */

const WINDOW_MS = 24 * 3600 * 1000;
const MAX_IDS = 5000;

/** Per trigger node (workflow id and node id): task id -> when it was accepted. */
const known = new Map<string, Record<string, number>>();

function liveSet(ctx: IWebhookFunctions): Record<string, number> {
	const key = `${ctx.getWorkflow().id}:${ctx.getNode().id}`;
	let set = known.get(key);
	if (!set) {
		set = {};
		known.set(key, set);
	}
	return set;
}

/** Drops ids past the window and, beyond MAX_IDS, the oldest ones. */
function trim(set: Record<string, number>, now: number) {
	const entries = Object.entries(set);
	const kept = new Set(
		entries
			.filter(([, at]) => now - at <= WINDOW_MS)
			.sort((a, b) => b[1] - a[1])
			.slice(0, MAX_IDS)
			.map(([id]) => id),
	);
	for (const [id] of entries) if (!kept.has(id)) delete set[id];
}

/**
 * This process's set for the node, with what the request's static data holds
 * merged in, and put into the static data: n8n writes it when the webhook
 * answers, as it is then.
 */
function synced(ctx: IWebhookFunctions): Record<string, number> {
	const set = liveSet(ctx);
	const staticData: IDataObject = ctx.getWorkflowStaticData('node');
	const stored: unknown = staticData.seenTasks;
	if (stored !== set && isObject(stored)) {
		for (const [id, at] of Object.entries(stored)) {
			if (typeof at === 'number' && (set[id] === undefined || set[id] < at)) set[id] = at;
		}
		// Ids past the window are ignored when read; trimming (a sort) waits until the set outgrows its cap.
		if (Object.keys(set).length > MAX_IDS) trim(set, Date.now());
	}
	staticData.seenTasks = set;
	return set;
}

/** Whether a workflow was already started for this task. Marks nothing: a forged copy must not mark a task. */
export function alreadySeen(ctx: IWebhookFunctions, taskId: string): boolean {
	const at = synced(ctx)[taskId];
	return at !== undefined && Date.now() - at <= WINDOW_MS;
}

/**
 * Marks a verified task as started, unless it already is (then false). The
 * check and the mark happen in one synchronous step, so two copies handled by
 * this process at once cannot both claim it.
 */
export function claim(ctx: IWebhookFunctions, taskId: string): boolean {
	if (alreadySeen(ctx, taskId)) return false;
	const set = liveSet(ctx);
	const now = Date.now();
	set[taskId] = now;
	if (Object.keys(set).length > MAX_IDS) trim(set, now);
	return true;
}
