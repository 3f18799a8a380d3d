import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSessions, DEFAULT_ALLOW_SPINNING, defaultProviders, parseProviders, resolveRuntimeSettings, sessionOptions, supportedProviders } from './execution-providers.js';
import { loadModel } from './model-load.js';

const TINY = fileURLToPath(new URL('./fixtures/tiny-clip/', import.meta.url));
// This machine has no GPU and no CUDA libraries; where it does, the fallback test says so and stops.
const cudaMissing = !process.env.CUDA_PATH && !process.env.LD_LIBRARY_PATH?.includes('cuda');

describe('provider settings', () => {
  it('asks for the fastest provider of each OS first and always ends with the CPU', () => {
    expect(defaultProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(defaultProviders('darwin')).toEqual(['coreml', 'cpu']);
    expect(parseProviders('CUDA, directml')).toEqual({ ok: true, value: ['cuda', 'dml', 'cpu'] });
    const bad = parseProviders('cuda,rocm');
    expect(bad.ok ? null : bad.error.message).toMatch(/^unknown execution provider 'rocm'/);
  });

  it('options win over SHOEBOX_PROVIDERS / SHOEBOX_THREADS, which win over defaults', () => {
    const env = { SHOEBOX_PROVIDERS: 'cpu', SHOEBOX_THREADS: '3' };
    expect(resolveRuntimeSettings({}, env)).toEqual({ ok: true, value: { providers: ['cpu'], threads: 3, allowSpinning: DEFAULT_ALLOW_SPINNING } });
    expect(resolveRuntimeSettings({ providers: ['cuda'], threads: 1 }, env)).toEqual({ ok: true, value: { providers: ['cuda', 'cpu'], threads: 1, allowSpinning: DEFAULT_ALLOW_SPINNING } });
    const bad = resolveRuntimeSettings({}, { SHOEBOX_THREADS: 'many' });
    expect(bad.ok ? null : bad.error.message).toBe("SHOEBOX_THREADS must be a positive integer, got 'many'");
  });

  it('SHOEBOX_ORT_SPINNING=0|1 turns intra-op spinning off or on; sessions are created either way', async () => {
    const off = resolveRuntimeSettings({ providers: ['cpu'], threads: 2 }, { SHOEBOX_ORT_SPINNING: '0' });
    expect(off.ok && off.value.allowSpinning).toBe(false);
    expect(sessionOptions('cpu', 2, false).extra).toEqual({ session: { intra_op: { allow_spinning: '0' } } });
    expect(sessionOptions('cpu', 2, true).extra).toBeUndefined();
    expect(sessionOptions('cpu', 2).extra).toEqual({ session: { intra_op: { allow_spinning: '0' } } }); // off by default
    const on = resolveRuntimeSettings({}, { SHOEBOX_ORT_SPINNING: '1' });
    expect(on.ok && on.value.allowSpinning).toBe(true);
    const bad = resolveRuntimeSettings({}, { SHOEBOX_ORT_SPINNING: 'no' });
    expect(bad.ok ? null : bad.error.message).toBe("SHOEBOX_ORT_SPINNING must be 0 or 1, got 'no'");
    if (!off.ok) throw new Error(off.error.message);
    // The binding accepts the nested config entry (it flattens it to session.intra_op.allow_spinning).
    const r = await createSessions({ image: join(TINY, 'image.onnx') }, off.value);
    if (!r.ok) throw new Error(r.error.message);
    await r.value.sessions.image.release();
    expect(r.value.runtime).toMatchObject({ provider: 'cpu', intraOpThreads: 2 });
  });

  it('lists what this onnxruntime-node build supports', () => {
    const names = supportedProviders().map((p) => p.name);
    expect(names).toContain('cpu');
  });
});

describe.runIf(cudaMissing && process.platform === 'linux')('fallback without a GPU', () => {
  it('requesting CUDA falls back to the CPU and says why', async () => {
    const r = await createSessions({ image: join(TINY, 'image.onnx') }, { providers: ['cuda', 'cpu'], threads: 1 });
    if (!r.ok) throw new Error(r.error.message);
    await r.value.sessions.image.release();
    expect(r.value.runtime.provider).toBe('cpu');
    expect(r.value.runtime.requestedProviders).toEqual(['cuda', 'cpu']);
    expect(r.value.runtime.fallbackReason).toMatch(/^cuda: no NVIDIA GPU driver or CUDA 12 \+ cuDNN 9 libraries found \(.*[Ff]ailed to load shared library.*\)$/);
    expect(r.value.runtime.fallbackReason).not.toMatch(/\n/);
  });

  it('a provider this build lacks is skipped with a reason, and the model still loads', async () => {
    const r = await loadModel(TINY, { providers: ['coreml', 'cuda', 'cpu'], threads: 1, verifyCachePath: null });
    if (!r.ok) throw new Error(r.error.message);
    await r.value.close();
    expect(r.value.runtime.provider).toBe('cpu');
    expect(r.value.runtime.fallbackReason).toMatch(/^coreml: not available in this onnxruntime-node build on linux-x64; cuda: /);
  });

  it('when no requested provider can start, the error says why for each', async () => {
    // 'cpu' is always appended by parseProviders; createSessions takes the list as given.
    const r = await createSessions({ image: join(TINY, 'image.onnx') }, { providers: ['cuda'], threads: 1 });
    expect(r.ok ? null : [r.error.code, r.error.message]).toEqual(['runtime', expect.stringMatching(/^could not create an ONNX Runtime session: cuda: /)]);
  });
});
