// The request target must be an origin-form path (RFC 9112 §3.2.1) in normalised form, so that the path the
// guard sees is the path the router matches: no absolute-form (`GET http://x/api/runs`), no asterisk-form, no
// percent-encoded unreserved characters (`/%61pi`), no encoded or doubled slashes, no backslashes, no dot segments.
// Percent-encoding stays allowed for the characters that need it (`%20`, `%5B`, `%25`, …).

export type TargetProblem =
  | { code: 'invalid_request_target'; message: string; fix: string }
  | { code: 'path_not_normalized'; message: string; fix: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const FIX_PATH =
  'Send the path in normalised form: no %-escapes of letters, digits, "-._~", "/" or "\\", no "//", "./" or "../".';

function notNormalized(why: string): TargetProblem {
  return { code: 'path_not_normalized', message: `The request path ${why}.`, fix: FIX_PATH };
}

/** null when `rawUrl` (the request line's target, as Node received it) is an origin-form, normalised path. */
export function checkRequestTarget(rawUrl: string | undefined): TargetProblem | null {
  if (rawUrl?.[0] !== '/')
    return {
      code: 'invalid_request_target',
      message: `The request target '${(rawUrl ?? '').slice(0, 80)}' is not a path (absolute-form, authority-form and asterisk-form targets are refused).`,
      fix: 'Send the request line as `METHOD /path?query HTTP/1.1` with the host in the Host header.',
    };
  const q = rawUrl.search(/[?#]/);
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (path.includes('\\')) return notNormalized('contains a backslash');
  if (path.includes('//')) return notNormalized('contains an empty segment ("//")');
  for (const seg of path.split('/')) {
    if (seg === '.' || seg === '..') return notNormalized(`contains a dot segment ("${seg}")`);
  }
  for (let i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return notNormalized('contains a malformed %-escape');
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    if (UNRESERVED.test(ch) || ch === '/' || ch === '\\')
      return notNormalized(`escapes '${ch}' as %${hex}, which must be sent as is`);
  }
  return null;
}
