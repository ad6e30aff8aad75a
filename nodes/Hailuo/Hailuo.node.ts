import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { nothingToRegister, resumeFromCallback } from './callbacks/pause';
import { operationOf, resourceParameter, subtitleOf } from './descriptions/operations';
import { PANEL_DESCRIPTION } from './descriptions/panel';
import { taskDescription, taskResource } from './resources/task/index';
import { videoDescription, videoResource } from './resources/video/index';
import { CREDENTIAL_NAME } from './transport/apiFacts';

const RESOURCES = [videoResource, taskResource];

export class Hailuo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo',
		name: 'hailuo',
		icon: { light: 'file:hailuo.svg', dark: 'file:hailuo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleOf(RESOURCES),
		description: PANEL_DESCRIPTION,
		defaults: { name: 'Hailuo' },
		usableAsTool: {
			// What an AI Agent reads before calling the tool: how long a call takes and what comes back.
			replacements: { description: `${videoResource.operations[0].toolText}.` },
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
			resourceParameter(RESOURCES, 'video'),
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
		const chosen = operationOf(RESOURCES, resource, operation);
		if (!chosen) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
		}
		return [await chosen.run.call(this)];
	}
}
