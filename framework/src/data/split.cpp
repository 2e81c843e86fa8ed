// Split cutting; the hold-out uses the data Rng so it is the same everywhere.
#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "data/rng.h"
#include "util/error.h"

namespace soma {

Split select_rows(const Split& split, int features, const std::vector<std::uint32_t>& indices) {
    const auto f = static_cast<std::size_t>(features);
    Split out;
    out.images.resize(indices.size() * f);
    out.labels.resize(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const std::size_t r = indices[i];
        std::copy_n(split.images.begin() + static_cast<std::ptrdiff_t>(r * f), f,
                    out.images.begin() + static_cast<std::ptrdiff_t>(i * f));
        out.labels[i] = split.labels[r];
    }
    return out;
}

void keep_first(Split& split, int features, std::size_t n) {
    if (n == 0 || n >= split.size()) return;
    split.labels.resize(n);
    split.images.resize(n * static_cast<std::size_t>(features));
    split.labels.shrink_to_fit();
    split.images.shrink_to_fit();
}

Split hold_out(Split& train, int features, double fraction, std::uint64_t seed) {
    if (!(fraction >= 0.0 && fraction < 1.0))
        throw Error("data.validation must be in [0, 1), got " + std::to_string(fraction));
    const std::size_t n = train.size();
    const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
    if (k == 0) return {};
    if (k >= n)
        throw Error("data.validation = " + std::to_string(fraction) + " would hold out all " + std::to_string(n) +
                    " training samples, leaving none to train on");
    std::vector<std::uint32_t> perm(n);
    for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
    data::Rng rng(data::mix_seed(seed, 0x76616c6964ULL));  // "valid"
    data::shuffle(perm.begin(), perm.end(), rng);
    std::vector<std::uint32_t> held(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<std::uint32_t> kept(perm.begin() + static_cast<std::ptrdiff_t>(k), perm.end());
    std::sort(held.begin(), held.end());
    std::sort(kept.begin(), kept.end());
    Split validation = select_rows(train, features, held);
    // The kept rows move down in place (kept[i] >= i): a copy of the training
    // set would add ~42 MB to the peak memory of a run on MNIST.
    const auto f = static_cast<std::size_t>(features);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const std::size_t r = kept[i];
        if (r == i) continue;
        std::copy_n(train.images.begin() + static_cast<std::ptrdiff_t>(r * f), f,
                    train.images.begin() + static_cast<std::ptrdiff_t>(i * f));
        train.labels[i] = train.labels[r];
    }
    train.images.resize(kept.size() * f);
    train.labels.resize(kept.size());
    return validation;
}

}  // namespace soma
