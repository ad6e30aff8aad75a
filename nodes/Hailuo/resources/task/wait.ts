import type { IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import { HailuoApi } from '../../shared/api';
import { attachVideos, ItemResults, settleTask } from '../../shared/results';
import { readDownload, readRunSettings } from '../../shared/settings';
import { pollTasks } from '../../shared/waiting';
import { readTaskIdPerItem } from './taskIdInput';

/** Task > Wait: wait until existing tasks end, all items polled together. */
export async function wait(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readRunSettings(this);
	const signal = this.getExecutionCancelSignal();
	const api = await HailuoApi.connect(this, { ...settings, signal });
	const results = new ItemResults(this, items.length);

	const wanted = readTaskIdPerItem(this, results);
	let polled;
	try {
		polled = await pollTasks(api, [...new Set(wanted.map((w) => w.taskId))], {
			intervalMs: settings.pollIntervalMs,
			timeoutMs: settings.timeoutMs,
			pollFirst: true,
			signal,
		});
	} catch (error) {
		const apiError = error as NodeApiError;
		apiError.description = `${apiError.description ?? ''} Tasks being waited for: ${wanted.map((w) => w.taskId).join(', ')}.`.trim();
		throw apiError;
	}
	const settled = wanted.map(({ index, taskId }) => {
		const task = polled.get(taskId)!;
		settleTask(this, results, index, task, settings);
		return { index, outcome: task.outcome };
	});
	const download = readDownload(this, api.baseUrl, settings);
	if (download) await attachVideos(this, results, settled, settings, download);
	return results.toArray();
}
