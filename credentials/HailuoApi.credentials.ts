import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { ACCOUNT_CODES, ACCOUNT_PROBLEMS } from '../nodes/Hailuo/transport/accountErrors';
import { BASE_URL_RULE } from '../nodes/Hailuo/transport/apiFacts';

/** Documented answers that say nothing about the token: the test cannot tell, and says why. */
const OTHER_ANSWERS: Array<[string, string]> = [
	['api_error', 'The Hailuo API is failing (api_error); the token could not be checked. Try again later.'],
	['too_many_requests', 'The Hailuo API is rate limiting this account (too_many_requests); the token could not be checked. Try again in a minute.'],
	[
		'api_not_implemented',
		`The Base URL answers like the AceData Cloud API but without the task reads this node needs (api_not_implemented). Check that it is ${BASE_URL_RULE}.`,
	],
	['bad_request', 'The Hailuo API refused the test request (bad_request); the token could not be checked. Check the Base URL.'],
];

/** A task id no account can have: reading it is free and needs a valid token. */
const NO_SUCH_TASK = '00000000-0000-0000-0000-000000000000';

export class HailuoApi implements ICredentialType {
	name = 'hailuoApi';

	displayName = 'Hailuo API';

	icon: Icon = {
		light: 'file:../nodes/Hailuo/hailuo.svg',
		dark: 'file:../nodes/Hailuo/hailuo.dark.svg',
	};

	documentationUrl = 'https://platform.acedata.cloud/documents';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Bearer token of your AceData Cloud account (Console → Credentials). It must be a token the Hailuo service accepts: Test names one made for another service or application (token_mismatched).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.acedata.cloud',
			placeholder: 'e.g. https://api.acedata.cloud',
			description: 'Change only for a proxy, a regional gateway or a local simulator of the API',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	/**
	 * A batch read of a task that cannot exist: free, and answered only for a
	 * valid token (an empty list). Every answer comes back as a body, so the
	 * provider's own error code picks the message; a body without `items` is
	 * not the API at all.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			baseURL: '={{ (($credentials.baseUrl || "").trim() || "https://api.acedata.cloud").replace(/\\/+$/, "") }}',
			url: '/hailuo/tasks',
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			body: { action: 'retrieve_batch', ids: [NO_SUCH_TASK] },
			json: true,
			ignoreHttpStatusErrors: true,
			timeout: 15_000,
		},
		rules: [
			...ACCOUNT_CODES.map((code) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error.code',
					value: code,
					message: `${ACCOUNT_PROBLEMS[code].headline}. ${ACCOUNT_PROBLEMS[code].nextStep}`,
				},
			})),
			...OTHER_ANSWERS.map(([value, message]) => ({
				type: 'responseSuccessBody' as const,
				properties: { key: 'error.code', value, message },
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'items',
					value: undefined,
					message:
						`The Base URL did not answer like the Hailuo API (no task list in the answer). Check that it is ${BASE_URL_RULE}; if it is, the API may be down: try again later.`,
				},
			},
		],
	};
}
