import type { INodeProperties } from 'n8n-workflow';

import { operationParameters } from '../../descriptions/operations';
import type { Resource } from '../../descriptions/operations';
import { REQUEST_OPTIONS, downloadFields, option, options, optionsCollection, simplifyField } from '../../descriptions/options';
import { generationText } from '../../descriptions/toolTexts';
import { promptField } from './fields';
import { imageToVideo, imageToVideoFields } from './imageToVideo';
import { textToVideo, textToVideoFields } from './textToVideo';

/** The Video resource: its operations, each said once. */
export const videoResource: Resource = {
	value: 'video',
	name: 'Video',
	defaultOperation: 'textToVideo',
	operations: [
		{
			value: 'textToVideo',
			name: 'Text to Video',
			description: 'Generate a video from a text prompt',
			action: 'Generate video from text',
			subtitle: 'Text to Video',
			toolText: generationText('Generate a video from a text prompt.'),
			run: textToVideo,
		},
		{
			value: 'imageToVideo',
			name: 'Image to Video',
			description: 'Generate a video that starts from an image',
			action: 'Generate video from image',
			subtitle: 'Image to Video',
			toolText: generationText('Generate a video from a public image URL (the first frame) and a prompt.'),
			run: imageToVideo,
		},
	],
};

const show = { resource: ['video'] };

export const videoDescription: INodeProperties[] = [
	...operationParameters(videoResource),
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
			"Pause Until Callback takes one item per execution and needs this n8n's webhook URL (N8N_WEBHOOK_URL; WEBHOOK_URL on n8n 1.x) to be reachable from the internet. The task ID is in the execution's custom data (hailuoTaskId) and in n8n's log. If no callback comes within the Timeout, the node's input goes on unchanged: branch on an empty state and collect the video with Task > Wait, as the README's generate-and-pause example does.",
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
