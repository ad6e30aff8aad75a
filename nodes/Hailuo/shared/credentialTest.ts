import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { normaliseBaseUrl } from './api';
import { isObject } from './taskRecord';

/**
 * Checks a token without spending anything: it reads a task that cannot exist.
 * A valid token gets "not found" (or an empty record); a wrong one gets 401.
 * Anything else says whether the server is reachable and is the API at all.
 */
export async function testHailuoCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const token = typeof data.apiToken === 'string' ? data.apiToken.trim() : '';
	if (!token) return { status: 'Error', message: 'The API Token is empty.' };
	const baseUrl = normaliseBaseUrl(data.baseUrl);
	let response: { statusCode: number; body: unknown };
	try {
		response = await this.helpers.request({
			method: 'POST',
			uri: `${baseUrl}/hailuo/tasks`,
			headers: {
				authorization: `Bearer ${token}`,
				accept: 'application/json',
				'content-type': 'application/json',
			},
			body: JSON.stringify({ action: 'retrieve', id: '00000000-0000-0000-0000-000000000000' }),
			resolveWithFullResponse: true,
			simple: false,
			timeout: 15_000,
		});
	} catch (error) {
		const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code ?? 'a network error';
		return {
			status: 'Error',
			message: `Cannot reach ${baseUrl} (${code}). Check the Base URL and this n8n's network access; the token was not checked.`,
		};
	}
	const status = response.statusCode;
	if (status === 401 || status === 403) {
		return { status: 'Error', message: 'The Hailuo API rejected the token (invalid_token). Paste a valid token from the AceData Cloud console.' };
	}
	let body: unknown = response.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			body = undefined;
		}
	}
	if (!isObject(body)) {
		return {
			status: 'Error',
			message: `${baseUrl} answered HTTP ${status} but not with the API's JSON. Check that the Base URL is the Hailuo API (https://api.acedata.cloud).`,
		};
	}
	if (status >= 500) {
		return { status: 'Error', message: `The Hailuo API at ${baseUrl} is failing (HTTP ${status}); the token could not be checked. Try again later.` };
	}
	return { status: 'OK', message: 'The token is accepted by the Hailuo API.' };
}
