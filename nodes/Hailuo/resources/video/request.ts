import type { IExecuteFunctions } from 'n8n-workflow';

import { refuseUndeliverable } from '../../trigger/callbackUrl';
import { pauseCallbackUrl } from '../../callbacks/pause';
import { InputError } from '../../run/inputChecks';
import { PROMPT_MAX_LENGTH } from '../../run/limits';
import { readOptions } from '../../run/settings';
import type { GenerateRequest } from '../../transport/hailuoClient';
import { OTHER_MODEL } from './fields';
import type { VideoOperation } from './fields';

/** The request for one item, checked field by field before anything is paid for. */
export function buildRequest(
	ctx: IExecuteFunctions,
	index: number,
	operation: VideoOperation,
	baseUrl: string,
	resumeUrl: string | undefined,
): GenerateRequest {
	const check = new InputError(ctx.getNode(), index);
	const prompt = check.text(
		'Prompt',
		ctx.getNodeParameter('prompt', index, ''),
		'Describe the video to generate, e.g. A red fox runs through fresh snow at dawn.',
		PROMPT_MAX_LENGTH,
	);
	const chosen = ctx.getNodeParameter('model', index, '');
	const model = check.text(
		chosen === OTHER_MODEL ? 'Model Name' : 'Model',
		chosen === OTHER_MODEL ? ctx.getNodeParameter('customModel', index, '') : chosen,
		"Pick a model, or choose 'Other' and type the model name.",
	);
	const body: GenerateRequest = { action: 'generate', prompt, model };
	if (operation === 'imageToVideo') {
		body.first_image_url = check.publicUrl(
			'First Image URL',
			ctx.getNodeParameter('firstImageUrl', index, ''),
			baseUrl,
			'Pass a public http(s) URL of the first-frame image, e.g. https://example.com/frame.jpg.',
		);
	}
	const options = readOptions(ctx, index);
	const callbackUrl = options.callbackUrl;
	if (resumeUrl !== undefined) {
		body.callback_url = pauseCallbackUrl(resumeUrl, prompt);
	} else if (typeof callbackUrl === 'string' && callbackUrl.trim() !== '') {
		body.callback_url = check.publicUrl(
			'Callback URL',
			callbackUrl,
			baseUrl,
			"Use the Production URL shown by a Hailuo Trigger node, e.g. https://n8n.your-company.com/webhook/<the trigger's id>/hailuo.",
		);
		refuseUndeliverable(check, body.callback_url, ctx.getMode());
	} else {
		// Without a callback, ask for an immediate task id: a held request
		// would keep a connection open for minutes per video.
		body.async = true;
	}
	return body;
}
