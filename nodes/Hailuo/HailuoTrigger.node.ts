import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { accept, deliver, readTriggerDownload, refuseTriggerCall } from './callbacks/answer';
import { answerMessage } from './callbacks/catchUpRound';
import { DEFAULT_CATCH_UP_MINUTES, liveCatchUp, rememberUrl, startCatchUp } from './callbacks/catchUpLoop';
import { receiveCallback } from './callbacks/pipeline';
import { rejected, secretMatches } from './callbacks/receive';
import { TRIGGER_EVENTS, selected, triggerItem } from './callbacks/triggerItem';
import type { TriggerTask } from './callbacks/triggerItem';
import { TRIGGER_WEBHOOK_PATH, readMessage } from './callbacks/triggerMessages';
import { PROCESS_ID, alreadyStarted, awaitTasks, claim } from './callbacks/triggerState';
import { learnOwnUrl } from './callbacks/webhookRegistration';
import { downloadFields } from './descriptions/options';
import { PANEL_DESCRIPTION } from './descriptions/panel';
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
			'={{ "On " + ($parameter["events"].length === 1 ? ({ failed: "Failed", unfinished: "Unfinished" }[$parameter["events"][0]] ?? "Succeeded") : "Finished") + " Videos" }}',
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
				path: TRIGGER_WEBHOOK_PATH,
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
				options: TRIGGER_EVENTS.map((event) => ({ ...event })),
				default: ['succeeded', 'failed', 'unfinished'],
				description:
					"Which outcomes start the workflow. Other callbacks are acknowledged and ignored. 'Video Never Finished': a task still running a day after the trigger began to wait for it.",
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
				displayName: 'Catch Up on Missed Callbacks',
				name: 'catchUp',
				type: 'boolean',
				default: true,
				description:
					"Whether to read, at an interval, the tasks whose callback has not come (n8n down or starting, the API never calling back) and start the workflow for those that ended. Tasks are known from the Hailuo nodes that submit them with this trigger's URL. Needs a Hailuo API credential.",
			},
			{
				displayName: 'Catch-Up Interval (Minutes)',
				name: 'catchUpInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_CATCH_UP_MINUTES,
				description:
					'How often the awaited tasks are read (one request per 50 tasks; none while nothing is awaited). A missed callback reaches the workflow at most this long after the video ended.',
				displayOptions: { show: { catchUp: [true] } },
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

	webhookMethods = { default: learnOwnUrl };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return startCatchUp(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		rememberUrl(this);
		const secret = String(this.getNodeParameter('secret', ''));
		const query: unknown = this.getQueryData();
		if (secret !== '' && !secretMatches(secret, isObject(query) ? query.secret : undefined)) {
			return refuseTriggerCall(this, rejected(401, 'Missing or wrong secret.'));
		}
		const message = readMessage(this.getBodyData());
		if (message) return await answerMessage(this, message, (status, reason) => refuseTriggerCall(this, rejected(status, reason)));

		const credentialChosen = this.getNode().credentials?.[CREDENTIAL_NAME] !== undefined;
		const reception = await receiveCallback(this, {
			refuse: refuseTriggerCall,
			verify: this.getNodeParameter('verify', true) === true && credentialChosen,
			// A repeated callback costs no API read; only a verified one marks its task (below).
			before: (callback) => (alreadyStarted(this, callback.taskId) ? duplicate() : undefined),
			// A task the API could not confirm as ended stays awaited: the catch-up reads it later.
			unconfirmed: (callback) => (credentialChosen ? awaitTasks(this, [callback.taskId]) : 0),
		});
		if ('answer' in reception) return reception.answer;
		const { callback, outcome, record, verified, baseUrl } = reception.received;
		const task: TriggerTask = { outcome, record, verified, deliveredBy: 'callback' };

		// Every setting is read before the task is marked as seen: a bad one must not eat the callback.
		const download = readTriggerDownload(this, baseUrl);
		if (!selected(this, task)) {
			return { webhookResponse: { accepted: true, started: false, reason: `"${outcome.state}" is not a selected event` } };
		}
		const json = triggerItem(this, task);
		const unverified = verified
			? undefined
			: "Not downloaded: only videos read back from the API are fetched. Choose a Hailuo API credential and keep 'Verify With the API' on.";
		// Where the catch-up runs in this process, it starts the workflow and learns when its execution ends.
		const catchUp = liveCatchUp(this);
		if (!claim(this, callback.taskId, catchUp ? PROCESS_ID : undefined)) return duplicate();
		if (!catchUp) return await deliver(this, { json }, outcome, download, unverified);
		accept(this, callback.taskId);
		catchUp.deliver({ taskId: callback.taskId, record, json, baseUrl, notVerified: unverified });
		return { noWebhookResponse: true };
	}
}

function duplicate(): IWebhookResponseData {
	return { webhookResponse: { accepted: true, started: false, reason: 'duplicate callback' } };
}
