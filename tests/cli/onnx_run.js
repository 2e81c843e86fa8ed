// Runs an ONNX model with onnxruntime (an independent runtime, from npm's
// onnxruntime-node) on raw float32 pixels and prints its outputs as JSON.
//   node onnx_run.js MODEL.onnx PIXELS.f32 FEATURES
// The module is found through NODE_PATH (tests/cli/CMakeLists.txt).
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, pixels, features] = process.argv.slice(2);
  const bytes = fs.readFileSync(pixels);
  const x = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const n = x.length / Number(features);
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({pixels: new ort.Tensor('float32', x, [n, Number(features)])});
  const result = {};
  for (const name of session.outputNames) result[name] = Array.from(out[name].data);
  process.stdout.write(JSON.stringify(result));
}
main().catch((e) => { console.error(String(e)); process.exit(1); });
