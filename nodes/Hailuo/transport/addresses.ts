import { DEFAULT_BASE_URL } from './apiFacts';

/**
 * Which addresses are the official API, and which are local: a local address
 * is never sent to the API nor fetched for it. A host is judged in its
 * canonical form (the one URL parsing gives: `[::ffff:7f00:1]` for
 * `[::ffff:127.0.0.1]`, `127.0.0.1` for `0x7f000001` or `127.1`), and every
 * spelling of an IPv6 address is expanded before it is looked at, so no
 * spelling of a loopback, private, link-local or unspecified address passes.
 */

export function isOfficialApi(baseUrl: string): boolean {
	try {
		return new URL(baseUrl).hostname === new URL(DEFAULT_BASE_URL).hostname;
	} catch {
		return false;
	}
}

/** IPv4 ranges that are not on the public internet: [first octet(s) as a prefix, prefix length]. */
const LOCAL_V4: Array<[number, number]> = [
	[0x00000000, 8], // "this network", 0.0.0.0
	[0x0a000000, 8], // private
	[0x64400000, 10], // carrier-grade NAT
	[0x7f000000, 8], // loopback
	[0xa9fe0000, 16], // link-local (cloud metadata services)
	[0xac100000, 12], // private
	[0xc0000000, 24], // IETF protocol assignments
	[0xc0a80000, 16], // private
	[0xc6120000, 15], // benchmarking
	[0xe0000000, 3], // multicast, reserved, broadcast
];

function v4Number(host: string): number | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
	return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function isLocalV4(n: number): boolean {
	return LOCAL_V4.some(([prefix, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(prefix / 2 ** (32 - bits)));
}

/** The eight 16-bit groups of an IPv6 address in any spelling (`::`, embedded IPv4), or undefined. */
function v6Groups(host: string): number[] | undefined {
	let text = host.split('%')[0];
	const embedded = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
	if (embedded) {
		const n = v4Number(embedded[1]);
		if (n === undefined) return undefined;
		text = `${text.slice(0, -embedded[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
	}
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const groups = (part: string) => (part === '' ? [] : part.split(':'));
	const head = groups(halves[0]);
	const tail = halves.length === 2 ? groups(halves[1]) : [];
	const missing = 8 - head.length - tail.length;
	if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
	const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
	if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
	return all.map((g) => parseInt(g, 16));
}

function isLocalV6(g: number[]): boolean {
	const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
	const v4 = (g[6] << 16) + g[7] >>> 0;
	if (zeros(8)) return true; // :: unspecified
	if (zeros(7) && g[7] === 1) return true; // ::1 loopback
	if (zeros(5) && g[5] === 0xffff) return isLocalV4(v4); // ::ffff:a.b.c.d, IPv4-mapped
	if (zeros(6)) return isLocalV4(v4); // ::a.b.c.d, IPv4-compatible
	if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isLocalV4(v4); // NAT64
	if ((g[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
	if ((g[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
	if ((g[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
	if ((g[0] & 0xff00) === 0xff00) return true; // multicast
	return false;
}

export function isLocalHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
	const v4 = v4Number(host);
	if (v4 !== undefined) return isLocalV4(v4);
	if (!host.includes(':')) return false;
	const groups = v6Groups(host);
	// Something that looks like IPv6 but does not parse is refused rather than guessed at.
	return groups === undefined || isLocalV6(groups);
}

/**
 * Hosts that are written in place of a real one: the names reserved for
 * examples (RFC 2606: example.com/.net/.org and the .example and .invalid
 * domains) and labels such as `your-n8n-host` or `yourdomain`. Nothing on the
 * internet answers there, whichever API is used.
 */
export function isPlaceholderHost(hostname: string): boolean {
	const labels = hostname.replace(/\.$/, '').toLowerCase().split('.');
	const domain = labels.slice(-2).join('.');
	if (['example.com', 'example.net', 'example.org'].includes(domain)) return true;
	if (['example', 'invalid'].includes(labels[labels.length - 1])) return true;
	return labels.some((label) => /^your[-_]/.test(label) || /^your(domain|host|server|site|n8n|instance)$/.test(label));
}
