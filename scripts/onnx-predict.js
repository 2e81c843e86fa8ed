// Runs a model `soma export --onnx` wrote in onnxruntime (npm onnxruntime-node,
// a runtime independent of soma) on binary PGM images (P5, 8-bit, the model's
// image size) and prints, per image, the class and the top 3 probabilities in
// the layout of `soma predict`, so the two can be compared line by line:
//   npm install --ignore-scripts onnxruntime-node@1.20.1
//   NODE_PATH=node_modules node scripts/onnx-predict.js MODEL.onnx IMAGE.pgm...
const fs = require('fs');
const ort = require('onnxruntime-node');

// The pixels of a binary PGM as float32 0..255, row by row (the graph divides by 255).
function pgm(file) {
  const b = fs.readFileSync(file);
  const header = [];
  let i = 0;
  while (header.length < 4) {  // P5, width, height, maxval; '#' comments skipped
    while (/\s/.test(String.fromCharCode(b[i]))) i++;
    if (b[i] === 0x23) { while (b[i] !== 0x0a) i++; continue; }
    let token = '';
    while (i < b.length && !/\s/.test(String.fromCharCode(b[i]))) token += String.fromCharCode(b[i++]);
    header.push(token);
  }
  const [magic, width, height, maxval] = header;
  if (magic !== 'P5' || Number(maxval) !== 255) throw new Error(`${file}: not an 8-bit binary PGM (P5, maxval 255)`);
  const n = Number(width) * Number(height);
  const pixels = b.subarray(i + 1, i + 1 + n);
  if (pixels.length !== n) throw new Error(`${file}: truncated: ${pixels.length} of ${n} pixels`);
  return Float32Array.from(pixels);
}

async function main() {
  const [model, ...images] = process.argv.slice(2);
  if (!model || images.length === 0) throw new Error('usage: node onnx-predict.js MODEL.onnx IMAGE.pgm...');
  const session = await ort.InferenceSession.create(model);
  console.log(`model: ${model} (onnxruntime ${require('onnxruntime-node/package.json').version}, top classes by probability)`);
  for (const image of images) {
    const x = pgm(image);
    const out = await session.run({pixels: new ort.Tensor('float32', x, [1, x.length])});
    const p = Array.from(out.probabilities.data);
    const top = p.map((v, k) => [k, v]).sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`${image}: ${top[0][0]}     ` + top.map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  '));
  }
}
main().catch((e) => { console.error(`onnx-predict: ${e.message}`); process.exit(1); });
