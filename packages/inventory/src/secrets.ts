/** A 32-byte random pre-shared key, base64url (43 characters): Web Crypto, so it works in Node and browsers. */
export function generatePsk(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
