import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toolPendingHint } from '../../run/asTool';
import { settleAll } from '../../run/itemResults';
import { waitBudgetMs } from '../../run/settings';
import { startRun } from '../../run/start';
import { pollTasks } from '../../records/polling';
import { asNodeError } from '../../transport/nodeErrors';
import { readTaskIdPerItem } from './taskIdInput';

/** Task > Wait: wait until existing tasks end, all items polled together. */
export async function wait(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { settings, api, results, signal, download } = await startRun(this, { polls: true, downloads: true });

	const wanted = readTaskIdPerItem(this, results);
	let polled;
	try {
		polled = await pollTasks(api, [...new Set(wanted.map((w) => w.taskId))], {
			intervalMs: settings.pollIntervalMs,
			timeoutMs: waitBudgetMs(settings),
			pollFirst: true,
			signal,
		});
	} catch (error) {
		const stopped = asNodeError(this.getNode(), error);
		stopped.description = `${stopped.description ?? ''} Tasks being waited for: ${wanted.map((w) => w.taskId).join(', ')}.`.trim();
		throw stopped;
	}
	const pendingHint = settings.asTool ? (taskId: string) => toolPendingHint(taskId, false) : undefined;
	await settleAll(this, results, wanted, polled, settings, download, pendingHint);
	return results.toArray();
}
