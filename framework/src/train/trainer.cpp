// The training loop. Everything is allocated before the first batch; a step
// in steady state allocates nothing.
#include "train/trainer.h"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "data/batcher.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "plugin/registry.h"
#include "soma/random.h"
#include "util/error.h"

namespace soma {

namespace {

constexpr int kEvalBatch = 256;

struct Evaluation {
    double loss = 0, accuracy = 0;
};

Evaluation evaluate(Network& net, LossKind loss, const Split& split, int features,
                    std::vector<float>& x, std::vector<std::int32_t>& labels,
                    std::vector<int>* confusion) {
    Evaluation e;
    if (split.size() == 0) {
        e.loss = e.accuracy = std::numeric_limits<double>::quiet_NaN();
        return e;
    }
    const int classes = net.classes();
    Batcher batcher(split, features, kEvalBatch, 0, /*shuffle=*/false);
    batcher.start_epoch(0);
    double loss_sum = 0;
    long correct = 0;
    while (int b = batcher.next(x.data(), labels.data())) {
        const float* out = net.forward(x.data(), b, /*training=*/false);
        LossResult r = loss_forward_backward(loss, out, labels.data(), b, classes, nullptr);
        loss_sum += r.loss_sum;
        correct += r.correct;
        if (confusion)
            for (int n = 0; n < b; ++n)
                ++(*confusion)[labels[n] * classes + argmax(out + static_cast<std::size_t>(n) * classes, classes)];
    }
    e.loss = loss_sum / static_cast<double>(split.size());
    e.accuracy = static_cast<double>(correct) / static_cast<double>(split.size());
    return e;
}

}  // namespace

int apply_threads(int threads) {
    const int n = threads > 0 ? threads : omp_get_num_procs();
    omp_set_num_threads(n);
    return n;
}

RunResult train(const Experiment& experiment, const Dataset& data, const Registry& registry,
                TrainObserver* observer) {
    const TrainingConfig& tc = experiment.training;
    RunResult result;
    result.threads = apply_threads(tc.threads);
    result.classes = data.classes;
    const LossKind loss = parse_loss(tc.loss);
    if (data.train.size() == 0) throw Error("dataset '" + data.name + "' has no training samples");

    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    NetworkOptions options;
    options.inputs = data.features();
    options.classes = data.classes;
    options.max_batch = std::max(tc.batch_size, kEvalBatch);
    options.seed = tc.seed;
    Network net(registry, experiment.model, options, engine, stream);
    result.parameters = net.parameter_count();
    result.network = net.describe();

    std::vector<ParamTensor> params = net.parameters();
    std::unique_ptr<Optimizer> optimizer = registry.make_optimizer(tc.optimizer.name, tc.optimizer.params);
    optimizer->setup(params);

    const int features = data.features();
    const int classes = data.classes;
    const std::size_t rows = static_cast<std::size_t>(options.max_batch);
    std::vector<float> x(rows * features);
    std::vector<std::int32_t> labels(rows);
    std::vector<float> grad(rows * classes);

    Batcher batcher(data.train, features, tc.batch_size, derive_seed(tc.seed, 77), /*shuffle=*/true);
    if (observer) observer->on_start(net, tc.epochs, batcher.batches_per_epoch());

    using clock = std::chrono::steady_clock;
    for (int epoch = 1; epoch <= tc.epochs; ++epoch) {
        EpochMetrics m;
        m.epoch = epoch;
        batcher.start_epoch(epoch);
        double loss_sum = 0;
        long correct = 0, seen = 0;
        std::size_t done = 0;
        bool diverged = false;
        const auto start = clock::now();
        while (int b = batcher.next(x.data(), labels.data())) {
            const float* out = net.forward(x.data(), b, /*training=*/true);
            LossResult r = loss_forward_backward(loss, out, labels.data(), b, classes, grad.data());
            if (!std::isfinite(r.loss_sum)) {
                diverged = true;
                break;
            }
            net.backward(grad.data(), b);
            optimizer->step(1.f);
            loss_sum += r.loss_sum;
            correct += r.correct;
            seen += b;
            ++done;
            if (observer) observer->on_batch(epoch, done, batcher.batches_per_epoch(), loss_sum / seen);
        }
        m.seconds = std::chrono::duration<double>(clock::now() - start).count();
        if (diverged) {
            result.status = "diverged";
            result.diverged_epoch = epoch;
            break;
        }
        m.train_loss = loss_sum / static_cast<double>(seen);
        m.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
        m.samples_per_second = m.seconds > 0 ? static_cast<double>(seen) / m.seconds : 0;

        Evaluation v = evaluate(net, loss, data.validation, features, x, labels, nullptr);
        m.validation_loss = v.loss;
        m.validation_accuracy = v.accuracy;
        result.confusion.assign(static_cast<std::size_t>(classes) * classes, 0);
        Evaluation t = evaluate(net, loss, data.test, features, x, labels, &result.confusion);
        m.test_loss = t.loss;
        m.test_accuracy = t.accuracy;

        result.epochs.push_back(m);
        result.train_seconds += m.seconds;
        const double trained = static_cast<double>(result.epochs.size() * data.train.size());
        result.samples_per_second = result.train_seconds > 0 ? trained / result.train_seconds : 0;
        if (observer) observer->on_epoch(m, result, net);
    }
    return result;
}

}  // namespace soma
