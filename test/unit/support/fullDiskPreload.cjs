// Preloaded into a CLI child process (node --require <this> dist/cli.js …) by the export
// safety tests: every export temporary file (*.part) fails with ENOSPC, as a full disk does,
// after THX_TEST_FULL_DISK_BYTES bytes. Plain CommonJS so the bundled CLI runs unchanged.
'use strict';
const fs = require('node:fs');

const limit = Number(process.env.THX_TEST_FULL_DISK_BYTES);
if (!Number.isInteger(limit) || limit < 0) throw new Error('THX_TEST_FULL_DISK_BYTES must be a byte count');

function enospc() {
  const error = new Error('ENOSPC: no space left on device, write');
  error.code = 'ENOSPC';
  error.errno = -28;
  error.syscall = 'write';
  return error;
}

const createWriteStream = fs.createWriteStream;
fs.createWriteStream = function patchedCreateWriteStream(path, options) {
  const stream = createWriteStream.call(this, path, options);
  if (!String(path).endsWith('.part')) return stream;
  const write = stream._write.bind(stream);
  let budget = limit;
  stream._writev = undefined;
  stream._write = (chunk, encoding, callback) => {
    if (budget <= 0) return callback(enospc());
    if (chunk.length <= budget) {
      budget -= chunk.length;
      return write(chunk, encoding, callback);
    }
    const head = chunk.subarray(0, budget);
    budget = 0;
    write(head, encoding, (error) => callback(error || enospc()));
  };
  return stream;
};
