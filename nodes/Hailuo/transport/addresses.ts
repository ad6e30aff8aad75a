import { DEFAULT_BASE_URL } from './apiFacts';

/** Which addresses are the official API, and which are local: a local address is never sent to the API nor fetched for it. */

export function isOfficialApi(baseUrl: string): boolean {
	try {
		return new URL(baseUrl).hostname === new URL(DEFAULT_BASE_URL).hostname;
	} catch {
		return false;
	}
}

export function isLocalHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host.endsWith('.local') ||
		host === '::1' ||
		host === '0.0.0.0' ||
		/^127\./.test(host) ||
		/^10\./.test(host) ||
		/^192\.168\./.test(host) ||
		/^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
		/^169\.254\./.test(host) ||
		/^f[cd][0-9a-f]{2}:/.test(host) ||
		/^fe80:/.test(host)
	);
}
