// Synthetic data generation. Only the self-written Rng and plain arithmetic,
// so the same seed gives the same bytes on every platform.
#include "data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "data/rng.h"
#include "util/error.h"

namespace soma {
namespace {

constexpr int kSide = 28;
constexpr int kClasses = 10;
static_assert(kSyntheticSampleBytes == kSide * kSide + 1, "the config bounds synthetic sizes by this");
constexpr int kPool = 14;            // strokes shared between classes, so classes overlap
constexpr int kStrokesPerClass = 3;

struct Stroke {
    double x0, y0, x1, y1, half_width;
};
struct Blob {
    double x, y, radius;
};
struct Prototype {
    int strokes[kStrokesPerClass];
    Blob blob;
};

struct Model {
    Stroke pool[kPool];
    Prototype classes[kClasses];
};

Model make_model(std::uint64_t seed) {
    data::Rng rng(data::mix_seed(seed, 0));
    Model m;
    for (auto& s : m.pool) {
        do {
            s = {rng.uniform(5, 23), rng.uniform(5, 23), rng.uniform(5, 23), rng.uniform(5, 23), rng.uniform(0.7, 1.5)};
        } while (std::hypot(s.x1 - s.x0, s.y1 - s.y0) < 7);
    }
    for (int c = 0; c < kClasses; ++c) {
        auto& p = m.classes[c];
        int order[kPool];
        for (int i = 0; i < kPool; ++i) order[i] = i;
        data::shuffle(order, order + kPool, rng);
        std::copy(order, order + kStrokesPerClass, p.strokes);
        p.blob = {rng.uniform(7, 21), rng.uniform(7, 21), rng.uniform(1.5, 3.0)};
    }
    return m;
}

double segment_distance(double px, double py, const Stroke& s) {
    const double dx = s.x1 - s.x0, dy = s.y1 - s.y0;
    double t = ((px - s.x0) * dx + (py - s.y0) * dy) / (dx * dx + dy * dy);
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(px - (s.x0 + t * dx), py - (s.y0 + t * dy));
}

void draw_stroke(double* canvas, const Stroke& s, double intensity) {
    for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x) {
            const double cover = std::clamp(s.half_width + 0.5 - segment_distance(x + 0.5, y + 0.5, s), 0.0, 1.0);
            double& v = canvas[y * kSide + x];
            v = std::max(v, cover * intensity);
        }
}

void draw_blob(double* canvas, const Blob& b, double intensity) {
    for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x) {
            const double cover = std::clamp(b.radius + 0.5 - std::hypot(x + 0.5 - b.x, y + 0.5 - b.y), 0.0, 1.0);
            double& v = canvas[y * kSide + x];
            v = std::max(v, cover * intensity);
        }
}

void make_sample(const Model& m, data::Rng& rng, std::uint8_t* image, std::uint8_t& label) {
    const int c = static_cast<int>(rng.below(kClasses));
    label = static_cast<std::uint8_t>(c);
    const double dx = static_cast<double>(rng.below(5)) - 2, dy = static_cast<double>(rng.below(5)) - 2;
    double canvas[kSide * kSide] = {};
    const auto& p = m.classes[c];
    for (int k = 0; k < kStrokesPerClass; ++k) {
        const bool keep = rng.uniform() < 0.8;
        Stroke s = m.pool[p.strokes[k]];
        s.x0 += dx + rng.uniform(-1.5, 1.5);
        s.y0 += dy + rng.uniform(-1.5, 1.5);
        s.x1 += dx + rng.uniform(-1.5, 1.5);
        s.y1 += dy + rng.uniform(-1.5, 1.5);
        const double intensity = rng.uniform(0.5, 1.0);
        if (keep) draw_stroke(canvas, s, intensity);
    }
    Blob b = p.blob;
    b.x += dx + rng.uniform(-1, 1);
    b.y += dy + rng.uniform(-1, 1);
    const double blob_intensity = rng.uniform(0.5, 1.0);
    if (rng.uniform() < 0.8) draw_blob(canvas, b, blob_intensity);
    // A stray stroke of the shared pool blurs the line between classes.
    if (rng.uniform() < 0.35) {
        Stroke s = m.pool[rng.below(kPool)];
        s.x0 += dx;
        s.y0 += dy;
        s.x1 += dx;
        s.y1 += dy;
        draw_stroke(canvas, s, rng.uniform(0.4, 0.9));
    }
    for (int i = 0; i < kSide * kSide; ++i) {
        const double noise = (rng.uniform() + rng.uniform() - 1.0) * 0.3;
        const long q = std::lround(std::clamp(canvas[i] + noise, 0.0, 1.0) * 255.0);
        image[i] = static_cast<std::uint8_t>(q);
    }
}

Split make_split(const Model& m, int n, std::uint64_t stream_seed) {
    data::Rng rng(stream_seed);
    Split s;
    s.images.resize(static_cast<std::size_t>(n) * kSide * kSide);
    s.labels.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) make_sample(m, rng, s.images.data() + static_cast<std::size_t>(i) * kSide * kSide, s.labels[i]);
    return s;
}

}  // namespace

Dataset make_synthetic(int n_train, int n_test, std::uint64_t seed) {
    if (n_train < 1 || n_test < 1)
        throw Error("synthetic dataset: synthetic_train and synthetic_test must be at least 1, got " +
                    std::to_string(n_train) + " and " + std::to_string(n_test));
    const Model m = make_model(seed);
    Dataset d;
    d.name = "synthetic";
    d.rows = kSide;
    d.cols = kSide;
    d.classes = kClasses;
    d.train = make_split(m, n_train, data::mix_seed(seed, 1));
    d.test = make_split(m, n_test, data::mix_seed(seed, 2));
    return d;
}

}  // namespace soma
