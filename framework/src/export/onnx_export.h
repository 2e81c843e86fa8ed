// `soma export --onnx`: a trained model as an ONNX graph (opset 13), written
// with Debian's libonnx (its protobuf classes) and checked with ONNX's own
// checker before it is written.
//
// The graph: input "pixels" float32 [N, rows*cols], the image's uint8 values
// (0..255) row by row as floats; Div by 255 (soma's input scaling, stated in
// the model's doc string); per layer Gemm (transB = 1, soma's [units, inputs]
// weights) and its activation; outputs "logits" (the last layer's outputs)
// and, for a cross-entropy model, "probabilities" (Softmax, axis 1).
// Each activation's nodes come from its plugin (FeatureInfo::onnx,
// soma/onnx.h): the exporter knows no activation by name. A layer other than
// dense, or an activation whose plugin gives no ONNX form, is refused with
// its name (and the activation's plugin library).
#pragma once

#include <filesystem>
#include <string>

#include "model/model_file.h"

namespace soma {

inline constexpr int onnx_opset = 13;

class Registry;

// The serialized ModelProto; the registry holds the model's activations
// (their ONNX forms). Throws soma::Error naming what cannot be exported.
std::string onnx_model_bytes(const ModelFile& model, const Registry& registry, const std::string& source);

// Writes it atomically to `file`; refuses to overwrite an existing file
// unless `overwrite`.
void export_onnx(const ModelFile& model, const Registry& registry, const std::string& source,
                 const std::filesystem::path& file, bool overwrite);

}  // namespace soma
