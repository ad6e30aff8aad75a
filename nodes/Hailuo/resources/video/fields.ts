import type { INodeProperties } from 'n8n-workflow';

import { PROMPT_MAX_LENGTH } from '../../run/limits';

export type VideoOperation = 'textToVideo' | 'imageToVideo';

export const OTHER_MODEL = 'other';

export function promptField(operations: VideoOperation[]): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A red fox runs through fresh snow at dawn, cinematic, slow motion',
		description: `What the video should show (up to ${PROMPT_MAX_LENGTH} characters)`,
		displayOptions: { show: { resource: ['video'], operation: operations } },
	};
}

export const otherModelOption = {
	name: 'Other (Type a Model Name)',
	value: OTHER_MODEL,
	description: 'A model not listed here yet',
};

const MODEL_EXAMPLES: Record<VideoOperation, string> = {
	textToVideo: 'e.g. minimax-t2v',
	imageToVideo: 'e.g. minimax-i2v',
};

/** The free-text model name, shown when "Other" is picked. */
export function customModelField(operation: VideoOperation): INodeProperties {
	return {
		displayName: 'Model Name',
		name: 'customModel',
		type: 'string',
		required: true,
		default: '',
		placeholder: MODEL_EXAMPLES[operation],
		description: 'Model name exactly as the API expects it',
		displayOptions: { show: { resource: ['video'], operation: [operation], model: [OTHER_MODEL] } },
	};
}
