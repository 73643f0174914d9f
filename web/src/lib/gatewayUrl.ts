// Resolves the gateway URL setting into the absolute base URL the stream worker connects to.

/** Absolute gateway base URL for a setting ('' = the page's own origin); throws TypeError for an unusable URL. */
export function resolveGatewayUrl(setting: string, pageUrl: string): string {
  const url = new URL(setting.trim() || '/', pageUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${setting} is not an http(s) URL`);
  url.search = '';
  url.hash = '';
  return url.toString();
}
