import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { LIMITS } from '../run/limits';
import { NOT_AS_TOOL, ONLY_AS_TOOL } from '../transport/n8nInternals';
import { SPEND_PERIODS } from '../run/asTool';

/** Options shared by several operations, defined once and picked per operation. */
const OPTION_FIELDS: Record<string, INodeProperties> = {
	callbackUrl: {
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/0f6c…/hailuo',
		description:
			'Where the API POSTs the result when the video is done, e.g. the production URL of a Hailuo Trigger node. Must be reachable from the internet.',
	},
	pollInterval: {
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: LIMITS.pollIntervalSeconds.min },
		default: 10,
		description:
			'How often to ask for the status of all running tasks (one request per 50 tasks each time)',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.timeoutSeconds.min },
		default: 900,
		description: 'How long to wait for the videos before giving up waiting (the tasks keep running)',
		displayOptions: { show: NOT_AS_TOOL },
	},
	// A tool's own Timeout: adding the node's would pre-fill 900 s, far past what an MCP client waits.
	toolTimeout: {
		displayName: 'Timeout (Seconds)',
		name: 'toolTimeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.timeoutSeconds.min },
		default: 45,
		description:
			"How long a tool call may take, counted from its start, before it answers with the task ID (the video keeps being made; the Task > Wait tool picks it up). MCP clients give up on a call after 60 s by default: past that, the video is paid for and its task ID never reaches the model. Raise it only for a caller that waits longer, such as n8n's AI Agent.",
		displayOptions: { show: ONLY_AS_TOOL },
	},
	onTimeout: {
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		options: [
			{
				name: 'Output the Pending Task',
				value: 'output',
				description: 'Output the task ID with state "pending" so a later Task > Wait can pick it up',
			},
			{ name: 'Error', value: 'error', description: 'Fail the item (the task ID is in the error)' },
		],
		default: 'output',
	},
	onTaskFailure: {
		displayName: 'On Task Failure',
		name: 'onTaskFailure',
		type: 'options',
		options: [
			{
				name: 'Output the Failed Task',
				value: 'output',
				description: 'Output the task with state "failed" and its error, and go on with the other items',
			},
			{ name: 'Error', value: 'error', description: 'Fail the item, as any node error' },
		],
		default: 'output',
	},
	concurrency: {
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: LIMITS.concurrency.min, maxValue: LIMITS.concurrency.max },
		default: 5,
		description: 'How many requests to send at the same time when there are many items',
	},
	maxVideos: {
		displayName: 'Max Videos per Run',
		name: 'maxVideos',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxVideosPerRun.min, maxValue: LIMITS.maxVideosPerRun.max },
		default: 200,
		description:
			'A run that would submit more videos than this is refused before anything is paid, e.g. when an expression fans out to thousands of items',
	},
	toolMaxVideos: {
		displayName: 'Max Videos (All Calls)',
		name: 'toolMaxVideos',
		type: 'number',
		typeOptions: { minValue: LIMITS.toolMaxVideos.min, maxValue: LIMITS.toolMaxVideos.max },
		default: 50,
		description:
			'How many videos this tool may pay for across all its calls in the period below; a call past it is refused before anything is paid. Guards against an agent calling in a loop, or anyone holding the MCP server\'s token.',
		displayOptions: { show: ONLY_AS_TOOL },
	},
	toolMaxVideosPeriod: {
		displayName: 'Max Videos Period',
		name: 'toolMaxVideosPeriod',
		type: 'options',
		options: SPEND_PERIODS.map(({ name, value }) => ({ name, value })),
		default: 'day',
		description: "The period 'Max Videos (All Calls)' counts over: each clock hour, or each day from midnight UTC",
		displayOptions: { show: ONLY_AS_TOOL },
	},
	requestTimeout: {
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: LIMITS.requestTimeoutSeconds.min, maxValue: LIMITS.requestTimeoutSeconds.max },
		default: 60,
		description: 'How long one request to the API may take',
	},
	maxRetries: {
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxRetries.min, maxValue: LIMITS.maxRetries.max },
		default: 4,
		description:
			'How often to retry a status request after a rate limit, server or network error. Submissions are retried only when no task can have been created.',
	},
};

type OptionName = keyof typeof OPTION_FIELDS;

/** Options that come as a pair, one for the node and one for its tool variant. */
const WITH_TOOL_VARIANT: Partial<Record<OptionName, OptionName>> = { timeout: 'toolTimeout' };

/** A shared option, optionally shown only when other parameters match (e.g. `/completion`). */
export function option(name: OptionName, show?: IDisplayOptions['show']): INodeProperties {
	const field = OPTION_FIELDS[name];
	return show ? { ...field, displayOptions: { show: { ...field.displayOptions?.show, ...show } } } : field;
}

/** Shared options (with their tool variants), optionally shown only when other parameters match. */
export function options(names: OptionName[], show?: IDisplayOptions['show']): INodeProperties[] {
	return names.flatMap((name) => [name, WITH_TOOL_VARIANT[name] ?? []].flat()).map((name) => option(name, show));
}

export function optionsCollection(
	displayOptions: IDisplayOptions,
	fields: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		// Alphabetical, as in n8n's own nodes, whichever operation picks them.
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export const WAIT_OPTIONS: OptionName[] = ['pollInterval', 'timeout', 'onTimeout', 'onTaskFailure'];
export const REQUEST_OPTIONS: OptionName[] = ['requestTimeout', 'maxRetries'];

export function simplifyField(show: IDisplayOptions['show']): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description:
			'Whether to return one flat item per task (taskId, state, videoUrl, videos, error...) instead of the raw API record',
	};
}

/** "Download Video" and the binary field it fills, shown where a finished task can come out. */
export function downloadFields(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Download Video',
			name: 'download',
			type: 'boolean',
			default: false,
			displayOptions: { show },
			description:
				'Whether to attach the finished video as binary data (streamed, video/mp4), ready for Google Drive, S3, YouTube and other nodes',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { ...show, download: [true] } },
			description: 'The name of the binary field to put the video in',
		},
	];
}
