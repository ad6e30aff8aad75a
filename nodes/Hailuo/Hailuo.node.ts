import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { resumeFromCallback } from './callbacks/pause';
import { nothingToRegister } from './callbacks/webhookRegistration';
import { PANEL_DESCRIPTION } from './descriptions/panel';
import { TOOL_DESCRIPTION } from './descriptions/toolTexts';
import { taskDescription, taskHandlers } from './resources/task/index';
import { videoDescription, videoHandlers } from './resources/video/index';
import { CREDENTIAL_NAME } from './transport/apiFacts';

const handlers: Record<string, Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[]>>> = {
	video: videoHandlers,
	task: taskHandlers,
};

export class Hailuo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo',
		name: 'hailuo',
		icon: { light: 'file:hailuo.svg', dark: 'file:hailuo.dark.svg' },
		group: ['transform'],
		version: 1,
		// The operation's label, not its value (e.g. "Text to Video", not "textToVideo: video").
		subtitle:
			'={{ { textToVideo: "Text to Video", imageToVideo: "Image to Video", get: "Get Task", getMany: "Get Many Tasks", wait: "Wait for Task" }[$parameter["operation"]] }}',
		description: PANEL_DESCRIPTION,
		defaults: { name: 'Hailuo' },
		usableAsTool: {
			// What an AI Agent reads before calling the tool: how long a call takes and what comes back.
			replacements: { description: TOOL_DESCRIPTION },
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		// The resume URL of a paused execution ("Pause Until Callback").
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
				ndvHideUrl: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Video', value: 'video' },
					{ name: 'Task', value: 'task' },
				],
				default: 'video',
			},
			...videoDescription,
			...taskDescription,
		],
	};

	webhookMethods = { default: nothingToRegister };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = String(this.getNodeParameter('resource', 0));
		const operation = String(this.getNodeParameter('operation', 0));
		const handler = handlers[resource]?.[operation];
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		}
		return [await handler.call(this)];
	}
}
