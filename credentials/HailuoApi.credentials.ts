import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
			description:
				'Change only for a proxy, a regional gateway or a local simulator of the API',
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
}
