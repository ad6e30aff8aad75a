'use strict';
/**
 * The mp4 files the simulator's CDN serves: an ISO BMFF `ftyp` box and one
 * `mdat` box filled with an AES-CTR keystream keyed on the task id, so any test can
 * rebuild the exact file and compare it byte for byte, and a 200 MB file can be
 * streamed without ever being held in memory.
 */
const { createCipheriv, createHash } = require('node:crypto');

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
	// Filler: AES-128-CTR keystream (fast, seekable), keyed on the id.
	if (pos < length) {
		const absolute = offset + pos;
		const skip = absolute % 16;
		const iv = Buffer.alloc(16);
		iv.writeBigUInt64BE(BigInt(Math.floor(absolute / 16)), 8);
		const key = createHash('sha256').update(id).digest().subarray(0, 16);
		const stream = createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(skip + length - pos));
		stream.copy(out, pos, skip);
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
				const done = () => {
					res.off('drain', done);
					res.off('close', done);
					resolve();
				};
				res.on('drain', done);
				res.on('close', done);
			});
		}
		if (res.destroyed) return;
	}
	if (cutAt !== undefined) res.socket?.destroy();
	else res.end();
}

module.exports = { videoBytes, streamVideo };
