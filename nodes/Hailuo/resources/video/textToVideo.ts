import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { customModelField, otherModelOption } from './fields';
import { generate } from './generate';

export const textToVideoFields: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [{ name: 'MiniMax T2V', value: 'minimax-t2v', description: 'Text to video' }, otherModelOption],
		default: 'minimax-t2v',
		displayOptions: { show: { resource: ['video'], operation: ['textToVideo'] } },
	},
	customModelField('textToVideo'),
];

export async function textToVideo(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await generate.call(this, 'textToVideo');
}
