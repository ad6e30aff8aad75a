import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../run/inputChecks';
import type { ItemResults } from '../../run/itemResults';
import { asNodeError } from '../../transport/nodeErrors';

/** The "Task ID" of every item, checked; items with a bad id are failed in `results`. */
export function readTaskIdPerItem(
	ctx: IExecuteFunctions,
	results: ItemResults,
): Array<{ index: number; taskId: string }> {
	const wanted: Array<{ index: number; taskId: string }> = [];
	const count = ctx.getInputData().length;
	for (let index = 0; index < count; index++) {
		try {
			const taskId = new InputError(ctx.getNode(), index).taskId('Task ID', ctx.getNodeParameter('taskId', index, ''));
			wanted.push({ index, taskId });
		} catch (error) {
			results.fail(index, asNodeError(ctx.getNode(), error));
		}
	}
	return wanted;
}
