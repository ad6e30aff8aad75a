import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { REQUEST_OPTIONS, WAIT_OPTIONS, downloadFields, options, optionsCollection, simplifyField } from '../../descriptions/options';
import { toolActions } from '../../descriptions/toolTexts';
import { get, taskIdField } from './get';
import { getMany, taskIdsField } from './getMany';
import { wait } from './wait';

export const taskHandlers = { get, getMany, wait };

const show = { resource: ['task'] };

const operations: INodePropertyOptions[] = [
	{ name: 'Get', value: 'get', description: 'Get the current state of a task', action: 'Get task' },
	{
		name: 'Get Many',
		value: 'getMany',
		description: 'Get the state of up to 50 tasks in one request',
		action: 'Get many tasks',
	},
	{
		name: 'Wait',
		value: 'wait',
		description: 'Wait until a task has finished, then output its video',
		action: 'Wait for task to finish',
	},
];

export const taskDescription: INodeProperties[] = [
	toolActions('task', operations),
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: operations,
		default: 'get',
	},
	taskIdField,
	taskIdsField,
	simplifyField(show),
	...downloadFields({ resource: ['task'], operation: ['get', 'wait'] }),
	optionsCollection({ show: { resource: ['task'], operation: ['get'] } }, options(['concurrency', ...REQUEST_OPTIONS])),
	optionsCollection({ show: { resource: ['task'], operation: ['getMany'] } }, options(REQUEST_OPTIONS)),
	optionsCollection({ show: { resource: ['task'], operation: ['wait'] } }, options([...WAIT_OPTIONS, 'concurrency', ...REQUEST_OPTIONS])),
];
