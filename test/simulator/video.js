'use strict';
/**
 * The mp4 files the simulator's CDN serves: an ISO BMFF `ftyp` box and one
 * `mdat` box filled with bytes derived from the task id, so any test can
 * rebuild the exact file and compare it byte for byte, and a 200 MB file can be
 * streamed without ever being held in memory.
 */
const { createHash } = require('node:crypto');

const CHUNK = 64 * 1024;

function header(size) {
	const ftyp = Buffer.alloc(24);
	ftyp.writeUInt32BE(24, 0);
	ftyp.write('ftypisom', 4, 'latin1');
	ftyp.writeUInt32BE(0x200, 12);
	ftyp.write('isommp41', 16, 'latin1');
	const mdat = Buffer.alloc(8);
	mdat.writeUInt32BE(Math.max(8, size - 24), 0);
	mdat.write('mdat', 4, 'latin1');
	return Buffer.concat([ftyp, mdat]).subarray(0, size);
}

/** The bytes at [offset, offset + length) of the file for `id`. */
function chunkAt(id, size, offset, length) {
	const head = header(size);
	const out = Buffer.alloc(length);
	let pos = 0;
	if (offset < head.length) {
		pos = head.copy(out, 0, offset, Math.min(head.length, offset + length));
	}
	// Filler: a SHA-256 block per 32 bytes of the file, keyed on id and block number.
	while (pos < length) {
		const absolute = offset + pos;
		const block = Math.floor(absolute / 32);
		const digest = createHash('sha256').update(`${id}:${block}`).digest();
		const from = absolute % 32;
		pos += digest.copy(out, pos, from, Math.min(32, from + (length - pos)));
	}
	return out;
}

function videoBytes(id, size) {
	return chunkAt(id, size, 0, size);
}

/** Write the file to `res`, honouring back-pressure; stop (and cut the socket) at `cutAt`. */
async function streamVideo(res, id, size, cutAt) {
	const end = cutAt ?? size;
	for (let offset = 0; offset < end; offset += CHUNK) {
		const length = Math.min(CHUNK, end - offset);
		if (!res.write(chunkAt(id, size, offset, length))) {
			await new Promise((resolve) => {
				res.once('drain', resolve);
				res.once('close', resolve);
			});
		}
		if (res.destroyed) return;
	}
	if (cutAt !== undefined) res.socket?.destroy();
	else res.end();
}

module.exports = { videoBytes, streamVideo };
