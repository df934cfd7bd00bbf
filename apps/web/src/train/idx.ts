/**
 * Reads IDX files (LeCun's MNIST format): big-endian magic `0x0000 0x08 <ndim>` for uint8 data, then one
 * uint32 per dimension, then the values. Returns the dims and a view of the data.
 */
export function readIdx(bytes: Uint8Array): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new Error('IDX file is too short to hold a header.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff;
  const ndim = magic & 0xff;
  if (magic >> 16 !== 0 || type !== 0x08)
    throw new Error(
      `IDX file has magic 0x${magic.toString(16)}; only unsigned-byte (0x08) IDX files are supported.`,
    );
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * ndim;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + count)
    throw new Error(
      `IDX file is truncated: header promises ${count} values, file holds ${bytes.length - offset}.`,
    );
  return { dims, data: bytes.subarray(offset, offset + count) };
}
