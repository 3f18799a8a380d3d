// Messages between Electron's main process and the engine's utility process. The engine (SQLite,
// ONNX Runtime, sharp) runs there so the window never stalls on it.
import type { ApiEvent, ApiResult, MethodName } from '../app/api/contract.js';

export type ToHost =
  | { type: 'call'; id: number; method: MethodName; input: unknown }
  | { type: 'thumb'; id: number; rawId: string; preview?: boolean }
  | { type: 'model-file'; id: number; model: string; file: string };

export type FromHost =
  | { type: 'ready'; error: string | null }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'bytes'; id: number; bytes: Uint8Array | null; contentType: string; status: number }
  | { type: 'event'; event: ApiEvent };
