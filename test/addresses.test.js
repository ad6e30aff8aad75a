/**
 * Which hosts count as local: every spelling a URL can give of a loopback,
 * private, link-local, unspecified or reserved address is caught; public
 * hosts pass. Hosts are given as URL parsing hands them over, since that is
 * how the node reads them.
 */
const { isLocalHost } = require('../dist/nodes/Hailuo/transport/addresses');

const hostOf = (url) => new URL(url).hostname;

const LOCAL = [
	'http://localhost/', 'http://LOCALHOST./', 'http://a.localhost/', 'http://printer.local/', 'http://metadata.google.internal/',
	'http://127.0.0.1/', 'http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://0.0.0.0/', 'http://0/',
	'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://169.254.169.254/', 'http://100.64.0.1/',
	'http://198.18.0.1/', 'http://224.0.0.1/', 'http://255.255.255.255/',
	'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[::]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:10.0.0.1]/',
	'http://[::ffff:169.254.169.254]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::10.0.0.1]/', 'http://[fe80::1]/', 'http://[fe90::1]/',
	'http://[febf::1]/', 'http://[fec0::1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[ff02::1]/',
];
const PUBLIC = [
	'https://api.acedata.cloud/', 'https://platform.cdn.acedata.cloud/x.mp4', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://172.15.255.255/',
	'http://192.169.0.1/', 'http://100.128.0.1/', 'http://[2001:4860:4860::8888]/', 'http://[::ffff:8.8.8.8]/', 'http://[64:ff9b::8.8.8.8]/',
	'http://[fec0-is-not-an-address.example]/'.replace('[', '').replace(']', ''),
];

test.each(LOCAL)('%s is local', (url) => {
	expect(isLocalHost(hostOf(url))).toBe(true);
});

test.each(PUBLIC)('%s is public', (url) => {
	expect(isLocalHost(hostOf(url))).toBe(false);
});

test('a host that looks like IPv6 but does not parse is treated as local (refused), not guessed at', () => {
	expect(isLocalHost('[1:2:3:4:5:6:7:8:9]')).toBe(true);
	expect(isLocalHost('::ffff:999.0.0.1')).toBe(true);
});
