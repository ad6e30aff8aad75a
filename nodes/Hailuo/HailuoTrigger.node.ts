import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { downloadFields } from './descriptions/options';
import { PANEL_DESCRIPTION } from './descriptions/panel';
import { CREDENTIAL_NAME } from './transport/apiFacts';
import { DEFAULT_CATCH_UP_MINUTES, startCatchUp } from './trigger/catchUp';
import { TRIGGER_EVENTS } from './trigger/item';
import { TRIGGER_WEBHOOK_PATH, learnOwnUrl } from './trigger/messages';
import { triggerWebhook } from './trigger/webhook';

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
				displayName:
					"Choose a Hailuo API credential above. With it, every callback is read back from the API (a forged one cannot inject a video), missed callbacks are caught up and Download Video works. Without one, callbacks are taken as sent, nothing is downloaded, and each item says so in 'notVerified'.",
				name: 'credentialNotice',
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
					"If set, only callbacks whose URL carries ?secret= followed by this value are accepted; others get 401. In the URL, write characters other than letters, digits, '-', '_', '.' and '~' percent-encoded (a '&' or '#' typed as is cuts the secret short).",
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
		return await triggerWebhook(this);
	}
}
