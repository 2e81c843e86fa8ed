// The batch gather is a large share of an epoch at small batch sizes, so it is
// a flat loop over bytes the compiler vectorises, with no allocation.
#include "data/batcher.h"

#include <algorithm>
#include <string>

#include "data/rng.h"
#include "soma/math.h"
#include "util/error.h"

namespace soma {
namespace {

// A multiply vectorises far better than a divide; v * (1/255) differs from
// v / 255 by at most one ulp (for about half of the 256 values), which the
// tests allow against the dividing reference.
constexpr float kScale = 1.0f / 255.0f;

// Compiled for AVX-512, AVX2 and the baseline (SOMA_VECTOR_CLONES): the
// baseline's SSE2 widens bytes to floats in four unpack steps, AVX2 and
// AVX-512 in one instruction, about 2 instructions per byte against 0.5.
SOMA_VECTOR_CLONES void gather_row(const std::uint8_t* __restrict src, float* __restrict dst, int n) {
    for (int j = 0; j < n; ++j) dst[j] = static_cast<float>(src[j]) * kScale;
}

}  // namespace

Batcher::Batcher(const Split& split, int features, int batch_size, std::uint64_t seed, bool shuffle)
    : split_(split), features_(features), batch_size_(batch_size), seed_(seed), shuffle_(shuffle) {
    if (features < 1) throw Error("Batcher: features must be at least 1, got " + std::to_string(features));
    if (batch_size < 1) throw Error("training.batch_size must be at least 1, got " + std::to_string(batch_size));
    if (split.images.size() != split.size() * static_cast<std::size_t>(features))
        throw Error("Batcher: split has " + std::to_string(split.images.size()) + " image bytes for " +
                    std::to_string(split.size()) + " samples, expected " + std::to_string(features) + " per sample");
    if (split.size() > UINT32_MAX) throw Error("Batcher: more than 2^32 samples");
    order_.resize(split.size());
    start_epoch(0);
}

void Batcher::start_epoch(int epoch) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::uint32_t>(i);
    if (shuffle_) {
        // Shuffling the identity (not last epoch's order) makes an epoch's
        // order independent of which epochs ran before it, e.g. on resume.
        data::Rng rng(data::mix_seed(seed_, static_cast<std::uint64_t>(static_cast<std::int64_t>(epoch))));
        data::shuffle(order_.begin(), order_.end(), rng);
    }
    pos_ = 0;
}

RowRange part_of_batch(int rows, int part, int parts) {
    const int base = rows / parts, extra = rows % parts;
    return {part * base + std::min(part, extra), base + (part < extra ? 1 : 0)};
}

int Batcher::batch_at_pos() const {
    const std::size_t left = order_.size() - pos_;
    return left < static_cast<std::size_t>(batch_size_) ? static_cast<int>(left) : batch_size_;
}

void Batcher::gather(float* x, std::int32_t* labels, std::size_t first, int count) const {
    const std::uint8_t* images = split_.images.data();
    const std::uint8_t* label_bytes = split_.labels.data();
    const auto f = static_cast<std::size_t>(features_);
    for (int i = 0; i < count; ++i) {
        const std::size_t r = order_[pos_ + first + static_cast<std::size_t>(i)];
        gather_row(images + r * f, x + static_cast<std::size_t>(i) * f, features_);
        labels[i] = label_bytes[r];
    }
}

int Batcher::next(float* x, std::int32_t* labels) {
    const int b = batch_at_pos();
    gather(x, labels, 0, b);
    pos_ += static_cast<std::size_t>(b);
    return b;
}

int Batcher::next_part(float* x, std::int32_t* labels, int part, int parts, int& rows) {
    const int b = batch_at_pos();
    const RowRange mine = part_of_batch(b, part, parts);
    gather(x, labels, static_cast<std::size_t>(mine.first), mine.count);
    rows = mine.count;
    pos_ += static_cast<std::size_t>(b);
    return b;
}

std::size_t Batcher::batches_per_epoch() const {
    return (order_.size() + static_cast<std::size_t>(batch_size_) - 1) / static_cast<std::size_t>(batch_size_);
}

void gather_rows_reference(const Split& split, int features, const std::vector<std::uint32_t>& indices, float* x,
                           std::int32_t* labels) {
    for (std::size_t i = 0; i < indices.size(); ++i) {
        for (int j = 0; j < features; ++j) {
            const std::uint8_t v = split.images[static_cast<std::size_t>(indices[i]) * features + j];
            x[i * features + j] = static_cast<float>(v) / 255.0f;
        }
        labels[i] = split.labels[indices[i]];
    }
}

}  // namespace soma
