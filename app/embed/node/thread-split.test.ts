import { describe, expect, it } from 'vitest';
import { defaultThreadSplit, resolveThreadSplit } from './thread-split.js';

describe('thread split between decoding and inference', () => {
  it('uses every core for each side, at most 4', () => {
    expect(defaultThreadSplit(1)).toEqual({ decodeConcurrency: 1, inferenceThreads: 1 });
    expect(defaultThreadSplit(2)).toEqual({ decodeConcurrency: 2, inferenceThreads: 2 });
    expect(defaultThreadSplit(4)).toEqual({ decodeConcurrency: 4, inferenceThreads: 4 });
    expect(defaultThreadSplit(16)).toEqual({ decodeConcurrency: 4, inferenceThreads: 4 });
  });

  it('options win over SHOEBOX_THREADS / SHOEBOX_DECODE_CONCURRENCY, each side on its own', () => {
    const env = { SHOEBOX_THREADS: '3', SHOEBOX_DECODE_CONCURRENCY: '5' };
    expect(resolveThreadSplit({}, env, 2)).toEqual({ ok: true, value: { inferenceThreads: 3, decodeConcurrency: 5 } });
    expect(resolveThreadSplit({ threads: 1 }, env, 2)).toEqual({ ok: true, value: { inferenceThreads: 1, decodeConcurrency: 5 } });
    expect(resolveThreadSplit({ threads: 1 }, {}, 2)).toEqual({ ok: true, value: { inferenceThreads: 1, decodeConcurrency: 2 } });
    expect(resolveThreadSplit({ decodeConcurrency: 1 }, {}, 8)).toEqual({ ok: true, value: { inferenceThreads: 4, decodeConcurrency: 1 } });
    expect(resolveThreadSplit({}, {}, 3)).toEqual({ ok: true, value: { inferenceThreads: 3, decodeConcurrency: 3 } });
  });

  it('says which setting is wrong', () => {
    const bad = resolveThreadSplit({}, { SHOEBOX_DECODE_CONCURRENCY: 'lots' }, 2);
    expect(bad.ok ? null : bad.error.message).toBe("SHOEBOX_DECODE_CONCURRENCY must be a positive integer, got 'lots'");
    const zero = resolveThreadSplit({ threads: 0 }, {}, 2);
    expect(zero.ok ? null : zero.error.message).toBe('threads must be a positive integer, got 0');
  });
});
