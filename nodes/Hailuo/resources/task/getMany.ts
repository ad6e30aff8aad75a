import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../run/inputChecks';
import { startRun } from '../../run/start';
import { readTask, simplify } from '../../records/taskRecord';
import { BATCH_LIMIT } from '../../transport/apiFacts';
import { asNodeError } from '../../transport/nodeErrors';

export const taskIdsField: INodeProperties = {
	displayName: 'Task IDs',
	name: 'taskIds',
	type: 'string',
	typeOptions: { rows: 3 },
	required: true,
	default: '',
	placeholder: 'e.g. 05aff65c-…, 58cc618b-…',
	description: `Up to ${BATCH_LIMIT} task IDs: a list (expression), or text separated by commas or new lines`,
	displayOptions: { show: { resource: ['task'], operation: ['getMany'] } },
};

/** Task > Get Many: up to 50 tasks per item in one request; one output item per task. */
export async function getMany(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { settings, api, results } = await startRun(this, { polls: false, downloads: false });

	for (let index = 0; index < this.getInputData().length; index++) {
		let ids: string[];
		try {
			ids = new InputError(this.getNode(), index).taskIds('Task IDs', this.getNodeParameter('taskIds', index, ''));
		} catch (error) {
			results.fail(index, asNodeError(this.getNode(), error));
			continue;
		}
		let records: Map<string, IDataObject>;
		try {
			records = await api.retrieveBatch(ids);
		} catch (error) {
			results.fail(index, asNodeError(this.getNode(), error), { taskIds: ids });
			continue;
		}
		results.set(
			index,
			ids.map((taskId) => {
				const record = records.get(taskId);
				if (!record) {
					return {
						taskId,
						state: 'notFound',
						error: { code: 'not_found', message: `The API returned no task with id ${taskId} for this account.` },
					};
				}
				return settings.simplify ? simplify({ ...readTask(record), taskId }) : record;
			}),
		);
	}
	return results.toArray();
}
