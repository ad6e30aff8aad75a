import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { REQUEST_OPTIONS, downloadFields, option, options, optionsCollection, simplifyField } from '../../descriptions/options';
import { toolActions } from '../../descriptions/toolTexts';
import { promptField } from './fields';
import { imageToVideo, imageToVideoFields } from './imageToVideo';
import { textToVideo, textToVideoFields } from './textToVideo';

export const videoHandlers = { textToVideo, imageToVideo };

const show = { resource: ['video'] };

const operations: INodePropertyOptions[] = [
	{
		name: 'Text to Video',
		value: 'textToVideo',
		description: 'Generate a video from a text prompt',
		action: 'Generate video from text',
	},
	{
		name: 'Image to Video',
		value: 'imageToVideo',
		description: 'Generate a video that starts from an image',
		action: 'Generate video from image',
	},
];

export const videoDescription: INodeProperties[] = [
	toolActions('video', operations),
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: operations,
		default: 'textToVideo',
	},
	promptField(['textToVideo', 'imageToVideo']),
	...textToVideoFields,
	...imageToVideoFields,
	{
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{
				name: 'Wait for the Video (Poll)',
				value: 'poll',
				description: 'Wait here until the videos are done, asking for all of them in one request per interval',
			},
			{
				name: 'Return the Task ID at Once',
				value: 'submitOnly',
				description:
					'Output the task ID straight away; pick the result up later with Task > Wait or a Hailuo Trigger',
			},
			{
				name: 'Pause Until Callback',
				value: 'pauseUntilCallback',
				description:
					"Pause this execution (nothing polls, no worker is held) until the API calls back; one item per execution; needs n8n's public webhook URL",
			},
		],
		default: 'poll',
	},
	{
		displayName:
			"Pause Until Callback takes one item per execution and needs this n8n's webhook URL (N8N_WEBHOOK_URL; WEBHOOK_URL on n8n 1.x) to be reachable from the internet. While the execution waits, the task ID is in the execution's custom data (hailuoTaskId) and in n8n's log.",
		name: 'pauseNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, completion: ['pauseUntilCallback'] } },
	},
	simplifyField(show),
	...downloadFields({ resource: ['video'], completion: ['poll', 'pauseUntilCallback'] }),
	optionsCollection({ show }, [
		option('callbackUrl', { '/completion': ['submitOnly', 'poll'] }),
		...options(['pollInterval', 'onTimeout', 'onTaskFailure'], { '/completion': ['poll'] }),
		...options(['timeout'], { '/completion': ['poll', 'pauseUntilCallback'] }),
		option('concurrency', { '/completion': ['poll', 'submitOnly'] }),
		option('maxVideos', { '/completion': ['poll', 'submitOnly'] }),
		...options(['toolMaxVideos', 'toolMaxVideosPeriod']),
		...options(REQUEST_OPTIONS),
	]),
];
