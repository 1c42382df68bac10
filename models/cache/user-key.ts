/**
 * The key a user state is cached under: the user id with its type, plus a fingerprint of the
 * user features the state was computed from. A state is a pure function of those features, so
 * a request whose features differ from the cached ones (a changed profile, or a client reusing
 * an id) misses instead of being scored with another user's state, and the number 77 and the
 * string "77" are two users, not one.
 */

/** 64 bits of fingerprint as two 32-bit FNV-1a style hashes with different seeds and primes. */
export function featuresFingerprint(features: Float32Array): string {
  const words = new Uint32Array(features.buffer, features.byteOffset, features.length);
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ w, 0x85ebca6b) ^ (b >>> 13);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

/** `n:77:<fingerprint>` for the number 77, `s:77:<fingerprint>` for the string "77". */
export function userStateKey(userId: number | string, userFeatures: Float32Array): string {
  return `${typeof userId === 'number' ? 'n' : 's'}:${userId}:${featuresFingerprint(userFeatures)}`;
}
