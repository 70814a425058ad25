'use strict';
// CRC-32C on known vectors and on a large pseudo-random buffer (exercises the
// hardware path of each arch).
module.exports = (addon) => {
  const big = Buffer.alloc(1 << 20);
  let x = 1;
  for (let i = 0; i < big.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    big[i] = x >>> 24;
  }
  return {
    check: addon.crc32c(Buffer.from('123456789')).toString(16),
    empty: addon.crc32c(Buffer.alloc(0)),
    zeros32: addon.crc32c(Buffer.alloc(32)).toString(16),
    big: addon.crc32c(big).toString(16),
    bigOffset: addon.crc32c(big.subarray(3, big.length - 5)).toString(16),
    continued: addon.crc32c(big.subarray(1000), addon.crc32c(big.subarray(0, 1000))).toString(16),
  };
};
