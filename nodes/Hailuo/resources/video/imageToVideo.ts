import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { customModelField, otherModelOption } from './fields';
import { generate } from './generate';

export const imageToVideoFields: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'MiniMax I2V', value: 'minimax-i2v', description: 'Animates the image' },
			{
				name: 'MiniMax I2V Director',
				value: 'minimax-i2v-director',
				description: 'Animates the image with camera moves described in the prompt',
			},
			otherModelOption,
		],
		default: 'minimax-i2v',
		displayOptions: { show: { resource: ['video'], operation: ['imageToVideo'] } },
	},
	customModelField('imageToVideo'),
	{
		displayName: 'First Image URL',
		name: 'firstImageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/first-frame.jpg',
		description:
			'Public http(s) URL of the image used as the first frame. Data URIs and local files are not accepted by the API.',
		displayOptions: { show: { resource: ['video'], operation: ['imageToVideo'] } },
	},
];

export async function imageToVideo(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await generate.call(this, 'imageToVideo');
}
