import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { ACCOUNT_CODES, ACCOUNT_PROBLEMS } from '../nodes/Hailuo/shared/accountErrors';

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
				'Bearer token of your AceData Cloud account (Console → Credentials). One token works for every service of the platform.',
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
			baseURL: '={{ ($credentials.baseUrl || "https://api.acedata.cloud").trim().replace(/\\/+$/, "") }}',
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
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'api_error',
					message: 'The Hailuo API is failing (api_error); the token could not be checked. Try again later.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'items',
					value: undefined,
					message:
						"The Base URL did not answer like the Hailuo API (no task list in the answer). Check that it is https://api.acedata.cloud or a proxy that forwards /hailuo/ to it; if it is, the API may be down: try again later.",
				},
			},
		],
	};
}
