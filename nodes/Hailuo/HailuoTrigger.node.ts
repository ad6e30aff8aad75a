import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { deliver, readWebhookDownload, refuseTriggerCall } from './callbacks/answer';
import { receiveCallback } from './callbacks/pipeline';
import { rejected, secretMatches } from './callbacks/receive';
import { alreadySeen, claim } from './callbacks/seenTasks';
import { nothingToRegister } from './callbacks/webhookRegistration';
import { downloadFields } from './descriptions/options';
import { PANEL_DESCRIPTION } from './descriptions/panel';
import { simplify } from './tasks/taskRecord';
import { CREDENTIAL_NAME } from './transport/apiFacts';
import { isObject } from './transport/json';

export class HailuoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo Trigger',
		name: 'hailuoTrigger',
		icon: { light: 'file:hailuo.svg', dark: 'file:hailuo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ "On " + ($parameter["events"].length === 1 ? ($parameter["events"][0] === "failed" ? "Failed" : "Succeeded") : "Finished") + " Videos" }}',
		// n8n's nodes panel shows a node and its trigger (same name plus "Trigger") as one
		// entry, under the trigger's description: it has to speak for both.
		description: PANEL_DESCRIPTION,
		defaults: { name: 'Hailuo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: false }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'hailuo',
			},
		],
		properties: [
			{
				displayName:
					"Paste this node's Production URL (shown above) into the 'Callback URL' option of a Hailuo node; while you click 'Test this trigger' (or 'Listen for test event'), use the Test URL instead. With a Secret, append ?secret=YOUR_SECRET to the URL. While testing, a refused callback is shown here as an item saying why.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Trigger On',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Video Succeeded', value: 'succeeded' },
					{ name: 'Video Failed', value: 'failed' },
				],
				default: ['succeeded', 'failed'],
				description: 'Which outcomes start the workflow. Other callbacks are acknowledged and ignored.',
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'If set, only callbacks whose URL carries ?secret= followed by this value are accepted; others get 401',
			},
			{
				displayName: 'Verify With the API',
				name: 'verify',
				type: 'boolean',
				default: true,
				description:
					'Whether to read every called-back task from the API with the credential and use that record, so a forged callback cannot inject a video URL. Needs a Hailuo API credential.',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description:
					'Whether to return one flat item (taskId, state, videoUrl, videos, error...) instead of the raw callback body',
			},
			// Only verified videos are downloaded: without verification there is nothing to offer.
			...downloadFields({ verify: [true] }),
			{
				displayName:
					"In queue mode the file is stored by the webhook process before the execution exists, and n8n's main process cannot serve it. There, leave Download Video off and add a Hailuo node after this trigger: Task > Get with Download Video, Task ID {{ $json.taskId }}.",
				name: 'queueModeNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { verify: [true], download: [true] } },
			},
		],
	};

	webhookMethods = { default: nothingToRegister };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const secret = String(this.getNodeParameter('secret', ''));
		const query: unknown = this.getQueryData();
		if (secret !== '' && !secretMatches(secret, isObject(query) ? query.secret : undefined)) {
			return refuseTriggerCall(this, rejected(401, 'Missing or wrong secret.'));
		}
		const credentialChosen = this.getNode().credentials?.[CREDENTIAL_NAME] !== undefined;
		const reception = await receiveCallback(this, {
			refuse: refuseTriggerCall,
			verify: this.getNodeParameter('verify', true) === true && credentialChosen,
			// A repeated callback costs no API read; only a verified one marks its task (below).
			before: (callback) => (alreadySeen(this, callback.taskId) ? duplicate() : undefined),
		});
		if ('answer' in reception) return reception.answer;
		const { callback, outcome, record, verified, baseUrl } = reception.received;
		// What comes out is the API's own final result, never the body's claims.
		const raw = verified && isObject(record.response) ? record.response : record;

		// Every setting is read before the task is marked as seen: a bad one must not eat the callback.
		const download = readWebhookDownload(this, baseUrl);
		const simplifyOutput = this.getNodeParameter('simplify', true) !== false;
		const events: unknown = this.getNodeParameter('events', []);
		if (!Array.isArray(events) || !events.includes(outcome.state)) {
			return { webhookResponse: { accepted: true, started: false, reason: `"${outcome.state}" is not a selected event` } };
		}
		if (!claim(this, callback.taskId)) return duplicate();
		const json = simplifyOutput ? { ...simplify(outcome), verified } : raw;
		const unverified = verified
			? undefined
			: "Not downloaded: only videos read back from the API are fetched. Choose a Hailuo API credential and keep 'Verify With the API' on.";
		return await deliver(this, { json }, outcome, download, unverified);
	}
}

function duplicate(): IWebhookResponseData {
	return { webhookResponse: { accepted: true, started: false, reason: 'duplicate callback' } };
}
