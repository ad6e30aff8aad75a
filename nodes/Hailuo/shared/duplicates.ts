import type { IWebhookFunctions } from 'n8n-workflow';

import { isObject } from './taskRecord';

/**
 * Which tasks' callbacks a Hailuo Trigger has already started a workflow for.
 *
 * Two places remember them, because n8n offers a webhook no shared atomic
 * store: the workflow's static data (saved in n8n's database when the
 * webhook answers before handing its data over; read afresh by every process
 * at every request, so it survives restarts and is seen by every webhook
 * process) and this process's memory (two copies arriving at the same moment
 * on one process). Two copies reaching two processes at the same moment can
 * both pass: the README gives the downstream guard for that case.
 */

const WINDOW_MS = 24 * 3600 * 1000;
const MAX_IDS = 5000;
const recentInProcess = new Map<string, number>();

function keyOf(ctx: IWebhookFunctions, taskId: string): string {
	return `${ctx.getWorkflow().id}:${ctx.getNode().id}:${taskId}`;
}

function seenInStaticData(ctx: IWebhookFunctions): Record<string, number> {
	const staticData = ctx.getWorkflowStaticData('node');
	return (isObject(staticData.seenTasks) ? staticData.seenTasks : {}) as Record<string, number>;
}

/** Whether a workflow was already started for this task. Reads only: a forged copy must not mark a task. */
export function alreadySeen(ctx: IWebhookFunctions, taskId: string): boolean {
	const now = Date.now();
	const inProcess = recentInProcess.get(keyOf(ctx, taskId));
	if (inProcess !== undefined && now - inProcess <= WINDOW_MS) return true;
	const stored = seenInStaticData(ctx)[taskId];
	return typeof stored === 'number' && now - stored <= WINDOW_MS;
}

/**
 * Marks a verified task as started, unless it already is (then false). The
 * check and the mark happen in one synchronous step, so two copies handled
 * by this process at once cannot both claim it.
 */
export function claim(ctx: IWebhookFunctions, taskId: string): boolean {
	if (alreadySeen(ctx, taskId)) return false;
	const now = Date.now();
	recentInProcess.set(keyOf(ctx, taskId), now);
	for (const [key, at] of recentInProcess) {
		// Maps iterate in insertion order: the oldest entries come first.
		if (now - at <= WINDOW_MS && recentInProcess.size <= MAX_IDS * 4) break;
		recentInProcess.delete(key);
	}
	const seen = seenInStaticData(ctx);
	seen[taskId] = now;
	const kept = Object.entries(seen)
		.filter(([, at]) => now - at <= WINDOW_MS)
		.sort((a, b) => b[1] - a[1])
		.slice(0, MAX_IDS);
	ctx.getWorkflowStaticData('node').seenTasks = Object.fromEntries(kept);
	return true;
}
