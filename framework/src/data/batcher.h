// Feeds a split to training in mini-batches: a seeded shuffle per epoch and
// the uint8 -> float [0,1] conversion, batch by batch.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace soma {

// Rows [first, first + count) of a batch: its part `part` of `parts` in
// data-parallel training. Contiguous, sizes differing by at most one, the
// larger parts first (so part 0 has a row whenever the batch has one).
struct RowRange {
    int first = 0, count = 0;
};
RowRange part_of_batch(int rows, int part, int parts);

class Batcher {
public:
    // split must outlive the batcher. Ready for epoch 0 on construction.
    Batcher(const Split& split, int features, int batch_size, std::uint64_t seed, bool shuffle);

    // Resets to the start of the split; with shuffle the order is a
    // permutation that depends only on (seed, epoch).
    void start_epoch(int epoch);

    // Writes the next up-to-batch_size samples into x ([b, features], scaled
    // by 1/255) and labels ([b]); returns b, or 0 at the end of the epoch. The
    // last batch may be partial. Does not allocate.
    int next(float* x, std::int32_t* labels);
    // Data-parallel: advances by the same batch as next() but gathers only
    // its part `part` of `parts` (part_of_batch) into x and labels, whose
    // size is returned in rows. Returns the whole batch's size, 0 at the end.
    int next_part(float* x, std::int32_t* labels, int part, int parts, int& rows);

    std::size_t batches_per_epoch() const;
    std::size_t size() const { return order_.size(); }
    int batch_size() const { return batch_size_; }
    // The sample order of the current epoch.
    const std::vector<std::uint32_t>& order() const { return order_; }

private:
    // Rows [pos_ + first, pos_ + first + count) of the order into x and labels.
    void gather(float* x, std::int32_t* labels, std::size_t first, int count) const;
    // The size of the batch starting at pos_ (0 at the end).
    int batch_at_pos() const;

    const Split& split_;
    int features_;
    int batch_size_;
    std::uint64_t seed_;
    bool shuffle_;
    std::vector<std::uint32_t> order_;
    std::size_t pos_ = 0;
};

// The plain gather the batcher must agree with (test oracle): rows `indices`
// of split into x as value / 255.0f, and their labels. Batcher::next agrees
// with it to within one ulp.
void gather_rows_reference(const Split& split, int features, const std::vector<std::uint32_t>& indices, float* x,
                           std::int32_t* labels);

}  // namespace soma
