import type { INodeProperties } from 'n8n-workflow';

import { operationParameters } from '../../descriptions/operations';
import type { Resource } from '../../descriptions/operations';
import { REQUEST_OPTIONS, WAIT_OPTIONS, downloadFields, options, optionsCollection, simplifyField } from '../../descriptions/options';
import { ANSWERS } from '../../descriptions/toolTexts';
import { get, taskIdField } from './get';
import { getMany, taskIdsField } from './getMany';
import { wait } from './wait';

/** The Task resource: its operations, each said once. */
export const taskResource: Resource = {
	value: 'task',
	name: 'Task',
	defaultOperation: 'get',
	operations: [
		{
			value: 'get',
			name: 'Get',
			description: 'Get the current state of a task',
			action: 'Get task',
			subtitle: 'Get Task',
			toolText: 'Read the state of a video task, given its taskId, at once and for free: videoUrl when it is ready, state "pending" or "processing" while it is being made',
			run: get,
		},
		{
			value: 'getMany',
			name: 'Get Many',
			description: 'Get the state of up to 50 tasks in one request',
			action: 'Get many tasks',
			subtitle: 'Get Many Tasks',
			toolText: 'Read the state of up to 50 video tasks, given their taskIds, at once and for free',
			run: getMany,
		},
		{
			value: 'wait',
			name: 'Wait',
			description: 'Wait until a task has finished, then output its video',
			action: 'Wait for task to finish',
			subtitle: 'Wait for Task',
			toolText: `Wait for a video started earlier, given its taskId, and return its videoUrl. Free: reading a task is not billed. ${ANSWERS}; then call this tool again with the same taskId. Never start a new video for a task that is still running`,
			run: wait,
		},
	],
};

const show = { resource: ['task'] };

export const taskDescription: INodeProperties[] = [
	...operationParameters(taskResource),
	taskIdField,
	taskIdsField,
	simplifyField(show),
	...downloadFields({ resource: ['task'], operation: ['get', 'wait'] }),
	optionsCollection({ show: { resource: ['task'], operation: ['get'] } }, options(['concurrency', ...REQUEST_OPTIONS])),
	optionsCollection({ show: { resource: ['task'], operation: ['getMany'] } }, options(REQUEST_OPTIONS)),
	optionsCollection({ show: { resource: ['task'], operation: ['wait'] } }, options([...WAIT_OPTIONS, 'concurrency', ...REQUEST_OPTIONS])),
];
