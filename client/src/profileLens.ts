// Joins measured time into the server's Big-O lenses ("O(n²) · 41% CPU (1.2 s)").
// TEMPORARY: identity middleware; the profiles work replaces it.
import type { Middleware } from 'vscode-languageclient/node';
import type { ProfileApi } from './profileFeature';

export function createProfileLensMiddleware(_profiles: ProfileApi): Middleware {
  return {};
}
