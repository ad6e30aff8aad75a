import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapBounded } from '../../run/concurrency';
import { attachVideos } from '../../run/itemResults';
import { startRun } from '../../run/start';
import { readTask, simplify } from '../../records/taskRecord';
import type { TaskOutcome } from '../../records/taskRecord';
import { stopsTheRun } from '../../transport/apiErrors';
import { asNodeError } from '../../transport/nodeErrors';
import { readTaskIdPerItem } from './taskIdInput';

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 05aff65c-1f2b-4a7d-9c1e-1b2c3d4e5f60',
	description: 'The taskId output by a Text to Video or Image to Video run, or received by a Hailuo Trigger',
	displayOptions: { show: { resource: ['task'], operation: ['get', 'wait'] } },
};

/** Task > Get: one task record per item, read now, without waiting. */
export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { settings, api, results, download } = await startRun(this, { polls: false, downloads: true });

	const wanted = readTaskIdPerItem(this, results);
	// An account-wide refusal (e.g. a used-up balance) holds for every other read: send no more.
	const { settled: records } = await mapBounded(
		wanted,
		settings.concurrency,
		async ({ index, taskId }) => await api.retrieve(taskId, index),
		{ stopsOn: stopsTheRun },
	);
	const outcomes: Array<{ index: number; outcome: TaskOutcome }> = [];
	records.forEach((settled, position) => {
		const { index, taskId } = wanted[position];
		if (settled?.status === 'fulfilled') {
			const record = settled.value;
			const outcome = { ...readTask(record), taskId };
			outcomes.push({ index, outcome });
			results.set(index, settings.simplify ? simplify(outcome) : record);
		} else {
			results.fail(index, asNodeError(this.getNode(), settled?.reason), { taskId });
		}
	});
	if (download) await attachVideos(this, results, outcomes, settings, download);
	return results.toArray();
}
