import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { collectDoctorReport, type DoctorReport } from './doctor.js';

const TINY = fileURLToPath(new URL('../../embed/node/fixtures/tiny-clip/', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'shoebox-doctor-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('shoebox doctor', () => {
  it('reports the model, its verification, the provider in use, and the library folder', async () => {
    const env = { SHOEBOX_CACHE_DIR: tmp, SHOEBOX_HOME: join(tmp, 'lib'), SHOEBOX_THREADS: '1' };
    const first = await collectDoctorReport({ modelDir: TINY, providers: ['cpu'], env, cwd: tmp });
    expect(first.problems).toEqual([]);
    expect(first.model).toMatchObject({ ok: true, id: 'tiny-clip', embeddingSize: 16, verified: 'hashed', verifyCache: join(tmp, 'model-verify.json') });
    expect(first.onnxruntime).toMatchObject({ providerInUse: 'cpu', measuredWith: 'model', threads: 1, requestedProviders: ['cpu'] });
    expect(first.library).toEqual({ dir: join(tmp, 'lib'), from: 'SHOEBOX_HOME' });
    expect(first.images.decodes).toEqual(expect.arrayContaining(['jpeg', 'png', 'webp', 'heif']));
    expect(first.sqlite.version).toMatch(/^3\.\d+\.\d+$/);
    const second = await collectDoctorReport({ modelDir: TINY, providers: ['cpu'], env, cwd: tmp });
    expect(second.model.verified).toBe('cached');
  });

  it('--json, and exit code 1 with the reason when the model folder is not usable', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await main(['doctor', '--json', '--model', tmp, '--providers', 'cpu'], { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: { SHOEBOX_CACHE_DIR: tmp }, cwd: tmp });
    const r = JSON.parse(out) as DoctorReport;
    expect(code).toBe(1);
    expect(r.model).toMatchObject({ ok: false, error: `no model.json in ${tmp} (is this a model folder?)` });
    expect(r.problems).toEqual([`model: ${r.model.error}`]);
    // the provider is still measured, with the test graph
    expect([r.onnxruntime.providerInUse, r.onnxruntime.measuredWith]).toEqual(['cpu', 'probe']);
  });
});
