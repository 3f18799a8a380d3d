// Direct transport: the engine in the same process (tests, the CLI's web server, the Electron
// utility process). Thin: every call and event goes through the contract's schemas.
// Browser-safe (it imports nothing but the contract).
import type { ApiEvent, LibraryApi, MethodName } from '../../api/contract.js';
import { callChecked, checkEvent, methodNames } from './checked-call.js';

export function createDirectApi(impl: LibraryApi): LibraryApi {
  const api: Partial<Record<MethodName, (input: unknown) => Promise<unknown>>> = {};
  for (const m of methodNames) api[m] = (input: unknown) => callChecked(impl, m, input);
  return {
    ...(api as Omit<LibraryApi, 'subscribe'>),
    subscribe(listener: (event: ApiEvent) => void) {
      return impl.subscribe((event) => listener(checkEvent(event)));
    },
  } as LibraryApi;
}
