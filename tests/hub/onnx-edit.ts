// Gives an ONNX graph another I/O contract without Python: renames the graph's input (through an
// Identity or Cast node, so the inner names stay), and renames the output (through an
// LpNormalization or Identity node). Enough to turn the demo model's `pixel_values → image_embeds`
// into Immich's `image → embedding (normalised)` and `input_ids int64` into `text int32`.
// It edits the protobuf wire format directly: ModelProto.graph (7) → GraphProto.node (1),
// input (11), output (12); ValueInfoProto.name (1), .type (2) → TypeProto.tensor_type (1) → elem_type (1).

type Field = { field: number; wt: number; value: Buffer | bigint; raw: Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function varint(n: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}

function parse(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(tag >> 3n), wt = Number(tag & 7n);
    let value: Buffer | bigint;
    if (wt === 0) [value, pos] = readVarint(buf, pos);
    else if (wt === 1 || wt === 5) {
      const n = wt === 1 ? 8 : 4;
      value = buf.subarray(pos, pos + n);
      pos += n;
    } else if (wt === 2) {
      const [len, p2] = readVarint(buf, pos);
      value = buf.subarray(p2, p2 + Number(len));
      pos = p2 + Number(len);
    } else throw new Error(`unsupported protobuf wire type ${wt}`);
    out.push({ field, wt, value, raw: buf.subarray(start, pos) });
  }
  return out;
}

const lenField = (field: number, bytes: Buffer): Buffer => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
const strField = (field: number, s: string): Buffer => lenField(field, Buffer.from(s, 'utf8'));
const intField = (field: number, n: number): Buffer => Buffer.concat([varint(field << 3), varint(n)]);

/** AttributeProto with an INT value (name 1, i 3, type 20 = INT 2). */
const intAttr = (name: string, v: number): Buffer => Buffer.concat([strField(1, name), intField(3, v), intField(20, 2)]);

function node(op: string, inputs: string[], outputs: string[], attrs: Buffer[] = []): Buffer {
  return lenField(1, Buffer.concat([...inputs.map((i) => strField(1, i)), ...outputs.map((o) => strField(2, o)), strField(3, `shoebox_${op}_${outputs[0]}`), strField(4, op), ...attrs.map((a) => lenField(5, a))]));
}

function valueInfoName(vi: Buffer): string {
  const f = parse(vi).find((x) => x.field === 1);
  return f ? (f.value as Buffer).toString('utf8') : '';
}

function renameValueInfo(vi: Buffer, name: string, elemType?: number): Buffer {
  return Buffer.concat(parse(vi).map((f) => {
    if (f.field === 1) return strField(1, name);
    if (f.field === 2 && elemType !== undefined) {
      const type = Buffer.concat(parse(f.value as Buffer).map((t) => {
        if (t.field !== 1) return t.raw;
        const tensor = Buffer.concat(parse(t.value as Buffer).map((e) => (e.field === 1 ? intField(1, elemType) : e.raw)));
        return lenField(1, tensor);
      }));
      return lenField(2, type);
    }
    return f.raw;
  }));
}

/** ONNX TensorProto element types. */
export const ELEM = { float32: 1, int32: 6, int64: 7 } as const;

export interface IoEdit {
  input: { from: string; to: string; /** new element type; a Cast to the old one is inserted */ type?: { from: number; to: number } };
  output: { from: string; to: string; /** L2-normalise along the last axis */ normalize: boolean };
}

export function editOnnxIo(model: Buffer, edit: IoEdit): Buffer {
  const fields = parse(model);
  const parts = fields.map((f) => {
    if (f.field !== 7) return f.raw;
    const graph = f.value as Buffer;
    const gfields = parse(graph);
    const inputs = gfields.filter((g) => g.field === 11).map((g) => valueInfoName(g.value as Buffer));
    const outputs = gfields.filter((g) => g.field === 12).map((g) => valueInfoName(g.value as Buffer));
    if (!inputs.includes(edit.input.from)) throw new Error(`graph has no input '${edit.input.from}' (has ${inputs.join(', ')})`);
    if (!outputs.includes(edit.output.from)) throw new Error(`graph has no output '${edit.output.from}' (has ${outputs.join(', ')})`);
    const prologue = edit.input.type
      ? node('Cast', [edit.input.to], [edit.input.from], [intAttr('to', edit.input.type.from)])
      : node('Identity', [edit.input.to], [edit.input.from]);
    const epilogue = edit.output.normalize
      ? node('LpNormalization', [edit.output.from], [edit.output.to], [intAttr('axis', -1), intAttr('p', 2)])
      : node('Identity', [edit.output.from], [edit.output.to]);
    const body = gfields.map((g) => {
      if (g.field === 11 && valueInfoName(g.value as Buffer) === edit.input.from) return lenField(11, renameValueInfo(g.value as Buffer, edit.input.to, edit.input.type?.to));
      if (g.field === 12 && valueInfoName(g.value as Buffer) === edit.output.from) return lenField(12, renameValueInfo(g.value as Buffer, edit.output.to));
      return g.raw;
    });
    // Repeated fields may interleave on the wire: the new nodes land first and last in node order.
    return lenField(7, Buffer.concat([prologue, ...body, epilogue]));
  });
  return Buffer.concat(parts);
}
