// `npm run model:eval -- --seed S --count 1000 [--model DIR] [--threads T] [--misses]` (--misses: what the R@1 misses found instead)
// Quality of a model on fresh scenes of the synthetic world, through the app's own pipeline:
// world render → JPEG like a photo → the app's preprocess (the model's manifest) → the app's model
// runtime (tokenizer + ONNX encoders). Prints a table, then one JSON line (fractions in 0–1):
// {"t2i":{"R@1","R@5","R@10"},"zero_shot":{"colour","shape"},"heldout":{"R@1","R@10"},"seen":{"R@1","R@10"}}
import { parseArgs } from 'node:util';
import { loadModel, bundledModelDir, type LoadedModel } from '../../app/embed/node/model-load.js';
import { preprocessImage } from '../../app/embed/node/preprocess.js';
import { formatError, type Result } from '../../app/shared/result.js';
import { captionScene } from '../../app/world/caption.js';
import { forEachPool } from '../../app/world/pool.js';
import { renderScene } from '../../app/world/render.js';
import { largestGroup, sampleScene, type Scene } from '../../app/world/scene.js';
import { sampleRenderSettings } from '../../app/world/training-data.js';
import { COLOURS, PROMPT_TEMPLATES, SHAPES } from '../../app/world/vocabulary.js';
import { bestOther, classify, ensembleWeights, rankOf, recallAt, sceneDifference, stratifiedRecall } from './metrics.js';

interface EvalScene {
  scene: Scene;
  caption: string;
  pixels: Float32Array;
}

function unwrap<T>(r: Result<T>, what: string): T {
  if (!r.ok) {
    console.error(`evaluate: ${what}: ${formatError(r.error)}`);
    process.exit(1);
  }
  return r.value;
}

async function makeScenes(model: LoadedModel, seed: number, count: number): Promise<EvalScene[]> {
  const out = new Array<EvalScene>(count);
  await forEachPool(count, 4, async (i) => {
    const scene = sampleScene(seed, i, 'all');
    // Photos at least as large as the model's input, as in training (64–160 px for a 64 px model).
    const side = model.manifest.preprocess.size;
    const r = sampleRenderSettings(seed, i, side, side + 96);
    const jpeg = await renderScene(scene, r.width, r.height).jpeg({ quality: r.quality }).toBuffer();
    const pre = unwrap(await preprocessImage(jpeg, model.manifest.preprocess), `scene ${i}`);
    out[i] = { scene, caption: captionScene(scene, 1)[0]!, pixels: pre.tensor };
  });
  return out;
}

async function encodeImages(model: LoadedModel, scenes: EvalScene[], batch = 64): Promise<Float32Array[]> {
  const per = scenes[0]!.pixels.length;
  const out: Float32Array[] = [];
  for (let s = 0; s < scenes.length; s += batch) {
    const part = scenes.slice(s, s + batch);
    const buf = new Float32Array(per * part.length);
    part.forEach((x, j) => buf.set(x.pixels, j * per));
    out.push(...unwrap(await model.image.encode(buf, part.length), 'image encoder'));
  }
  return out;
}

async function encodeTexts(model: LoadedModel, texts: string[], batch = 256): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let s = 0; s < texts.length; s += batch) out.push(...unwrap(await model.text.encode(texts.slice(s, s + batch)), 'text encoder'));
  return out;
}

async function zeroShotWeights(model: LoadedModel, labels: readonly string[], templates: readonly string[]): Promise<Float32Array[]> {
  const prompts = labels.flatMap((l) => templates.map((t) => t.replace('{}', l)));
  const embeds = await encodeTexts(model, prompts);
  return ensembleWeights(labels.map((_, i) => embeds.slice(i * templates.length, (i + 1) * templates.length)));
}

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(100 * x).toFixed(1).padStart(5)}%`);
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, count: { type: 'string' }, model: { type: 'string' }, threads: { type: 'string' }, misses: { type: 'boolean' } },
  });
  if (values.seed === undefined) {
    console.error('usage: evaluate.ts --seed S [--count 1000] [--model DIR] [--threads 2] [--misses]  (use a seed never used in training)');
    process.exit(2);
  }
  const seed = Number(values.seed);
  const count = Number(values.count ?? 1000);
  const dir = values.model ?? bundledModelDir();
  const t0 = Date.now();
  const model = unwrap(await loadModel(dir, { threads: Number(values.threads ?? 2) }), `model ${dir}`);
  try {
    const scenes = await makeScenes(model, seed, count);
    const images = await encodeImages(model, scenes);
    const queries = await encodeTexts(model, scenes.map((s) => s.caption));
    const ranks = queries.map((q, i) => rankOf(q, images, i));

    if (values.misses) {
      // where R@1 fails: how the scene ranked first differs from the query's own ("shape+position 33, …")
      const tally = new Map<string, number>();
      ranks.forEach((r, i) => {
        if (r === 0) return;
        const k = sceneDifference(scenes[i]!.scene, scenes[bestOther(queries[i]!, images, i)]!.scene).join('+') || 'same words';
        tally.set(k, (tally.get(k) ?? 0) + 1);
      });
      const list = [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
      console.log(`R@1 misses by what the top scene gets wrong (${ranks.filter((r) => r > 0).length}): ${list.join(', ')}`);
    }
    const colourW = await zeroShotWeights(model, COLOURS, PROMPT_TEMPLATES.colour);
    const shapeW = await zeroShotWeights(model, SHAPES, PROMPT_TEMPLATES.shape);
    let colourOk = 0;
    let shapeOk = 0;
    const shapeBy = new Map<string, [number, number]>();   // largest group's kind -> [right, all]
    const confused = new Map<string, number>();               // "hexagon→circle" -> count
    images.forEach((img, i) => {
      const g = largestGroup(scenes[i]!.scene);
      if (COLOURS[classify(img, colourW)] === g.colour) colourOk++;
      const said = SHAPES[classify(img, shapeW)]!;
      const right = said === g.shape;
      if (right) shapeOk++;
      else confused.set(`${g.shape}→${said}`, (confused.get(`${g.shape}→${said}`) ?? 0) + 1);
      const kind = `${g.size} ${g.count === 1 ? 'single' : 'group'}, ${scenes[i]!.scene.groups.length} group(s)`;
      const t = shapeBy.get(kind) ?? [0, 0];
      shapeBy.set(kind, [t[0] + (right ? 1 : 0), t[1] + 1]);
    });
    if (values.misses) {
      // which scenes' shape zero-shot gets wrong: a large object, or only small ones (~10 px at 64 px input)
      const list = [...shapeBy].sort((a, b) => a[0].localeCompare(b[0])).map(([k, [r, n]]) => `${k} ${r}/${n}`);
      console.log(`zero-shot shape right by the largest group: ${list.join(', ')}`);
      const top = [...confused].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ${n}`);
      console.log(`zero-shot shape confusions (true→said): ${top.join(', ')}`);
    }

    // Held-out combos vs comparable seen scenes (same number of groups, reweighted: see stratifiedRecall).
    const held = scenes.map((s, i) => ({ i, s })).filter((x) => x.s.scene.heldout);
    const seen = scenes.map((s, i) => ({ stratum: s.scene.groups.length, rank: ranks[i]!, heldout: s.scene.heldout })).filter((x) => !x.heldout);
    const heldStrata = held.map((x) => x.s.scene.groups.length);
    const heldRanks = held.map((x) => ranks[x.i]!);

    const result = {
      t2i: { 'R@1': round4(recallAt(ranks, 1)), 'R@5': round4(recallAt(ranks, 5)), 'R@10': round4(recallAt(ranks, 10)) },
      zero_shot: { colour: round4(colourOk / count), shape: round4(shapeOk / count) },
      heldout: { 'R@1': round4(recallAt(heldRanks, 1)), 'R@10': round4(recallAt(heldRanks, 10)) },
      seen: { 'R@1': round4(stratifiedRecall(seen, heldStrata, 1)), 'R@10': round4(stratifiedRecall(seen, heldStrata, 10)) },
    };
    const dupes = count - new Set(scenes.map((s) => s.caption)).size;
    console.log(`model ${model.manifest.id} (${dir}), seed ${seed}, ${count} scenes, ${held.length} with a held-out combo, ${dupes} duplicate captions, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    console.log('metric                         value   target');
    console.log(`text→image R@1                ${pct(result.t2i['R@1'])}   ≥ 95%`);
    console.log(`text→image R@5                ${pct(result.t2i['R@5'])}`);
    console.log(`text→image R@10               ${pct(result.t2i['R@10'])}   ≥ 99%`);
    console.log(`zero-shot colour (largest)    ${pct(result.zero_shot.colour)}   ≥ 95%`);
    console.log(`zero-shot shape (largest)     ${pct(result.zero_shot.shape)}   ≥ 85%`);
    console.log(`held-out combos R@1 / R@10    ${pct(result.heldout['R@1'])} / ${pct(result.heldout['R@10'])}`);
    console.log(`comparable seen R@1 / R@10    ${pct(result.seen['R@1'])} / ${pct(result.seen['R@10'])}   (held-out within 5 points)`);
    console.log(JSON.stringify(result));
  } finally {
    await model.close();
  }
}

await main();
