// Checkpoints (train/checkpoint.h): the file round trip, a run resumed after
// every epoch against the unbroken run (bit for bit), and the refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "model/container.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"
#include "model/trained_model.h"
#include "train/session.h"
#include "train_fixture.h"
#include "util/error.h"

namespace soma {
namespace {

namespace fs = std::filesystem;

// Adam (moments and a step count), dropout (a random generator), a cosine
// schedule (depends on the epoch) and a validation split: every kind of
// state a resumed run must get back.
Experiment stateful_experiment(int epochs) {
    Experiment e = test::synthetic_experiment("relu", {24}, epochs);
    LayerConfig dropout;
    dropout.type = "dropout";
    dropout.params = Params({{"rate", 0.3}});
    e.model.layers.push_back(dropout);
    LayerConfig hidden;
    hidden.units = 12;
    hidden.activation = "sigmoid";
    e.model.layers.push_back(hidden);
    e.training.optimizer.name = "adam";
    e.training.optimizer.params = Params(
        {{"learning_rate", 0.01}, {"beta1", 0.9}, {"beta2", 0.999}, {"epsilon", 1e-8}, {"weight_decay", 0.0}});
    e.training.schedule.name = Schedule::cosine;
    e.data.validation = 0.25;
    return e;
}

Dataset split_data() {
    Dataset data = make_synthetic(480, 160, 11);
    data.validation.images.assign(data.train.images.end() - 120 * 784, data.train.images.end());
    data.validation.labels.assign(data.train.labels.end() - 120, data.train.labels.end());
    data.train.images.resize(360 * 784);
    data.train.labels.resize(360);
    return data;
}

// The checkpoint after every epoch, as RunWriter writes it, read back from
// its bytes, kept in memory.
class Checkpoints : public TrainObserver {
public:
    Checkpoints(const Experiment& e, const Dataset& data) : experiment_(e), data_(data) {}
    void on_checkpoint(const RunResult& r, TrainingSession& s) override {
        ModelFile m;
        m.description = describe_model(test::registry(), experiment_.model, s.network(), data_.rows, data_.cols,
                                       experiment_.training.loss);
        m.description.epoch = m.description.epochs = static_cast<int>(r.epochs.size());
        m.description.parameters = static_cast<std::int64_t>(r.parameters);
        m.config = to_toml(experiment_);
        m.tensors = network_tensors(s.network());
        const std::string bytes =
            container_bytes(checkpoint_sections(m, save_state(s.state()), r, data_shape(data_)));
        const std::string source = "epoch " + std::to_string(r.epochs.size());
        saved.push_back(checkpoint_from_sections(parse_container(bytes, source), source));
    }
    std::vector<Checkpoint> saved;

private:
    const Experiment& experiment_;
    const Dataset& data_;
};

// Everything but the seconds, bit for bit.
void expect_same_metrics(const RunResult& a, const RunResult& b) {
    ASSERT_EQ(a.epochs.size(), b.epochs.size());
    for (std::size_t i = 0; i < a.epochs.size(); ++i) {
        const EpochMetrics &x = a.epochs[i], &y = b.epochs[i];
        const std::string at = "epoch " + std::to_string(i + 1);
        EXPECT_EQ(x.epoch, y.epoch) << at;
        for (auto [p, q] : {std::pair{x.train_loss, y.train_loss}, {x.train_accuracy, y.train_accuracy},
                            {x.validation_loss, y.validation_loss}, {x.validation_accuracy, y.validation_accuracy},
                            {x.test_loss, y.test_loss}, {x.test_accuracy, y.test_accuracy}})
            EXPECT_EQ(std::bit_cast<std::uint64_t>(p), std::bit_cast<std::uint64_t>(q)) << at << ": " << p << " vs " << q;
    }
    EXPECT_EQ(a.confusion, b.confusion);
    EXPECT_EQ(a.chosen_epoch, b.chosen_epoch);
    EXPECT_EQ(a.chosen_confusion, b.chosen_confusion);
    EXPECT_EQ(a.early_stopped_epoch, b.early_stopped_epoch);
    EXPECT_EQ(a.threads, b.threads);
}

// The network's parameters and buffers after a run, through an observer.
struct LastWeights : TrainObserver {
    std::vector<ModelTensor> tensors;
    void on_epoch(const EpochMetrics&, const RunResult&, Network& net) override { tensors = network_tensors(net); }
};

struct Both : TrainObserver {
    TrainObserver *a, *b;
    Both(TrainObserver* x, TrainObserver* y) : a(x), b(y) {}
    void on_start(const Network& n, int e, std::size_t k) override { a->on_start(n, e, k), b->on_start(n, e, k); }
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& n) override { a->on_epoch(m, r, n), b->on_epoch(m, r, n); }
    void on_checkpoint(const RunResult& r, TrainingSession& s) override { a->on_checkpoint(r, s), b->on_checkpoint(r, s); }
};

void expect_same_tensors(const std::vector<ModelTensor>& a, const std::vector<ModelTensor>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].name, b[i].name);
        ASSERT_EQ(a[i].values.size(), b[i].values.size());
        EXPECT_EQ(std::memcmp(a[i].values.data(), b[i].values.data(), a[i].values.size() * sizeof(float)), 0)
            << a[i].name << " differs";
    }
}

TEST(Checkpoint, AResumeAfterAnyEpochGivesTheUnbrokenRunBitForBit) {
    const Experiment e = stateful_experiment(5);
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    LastWeights unbroken_weights;
    Both both(&checkpoints, &unbroken_weights);
    const RunResult unbroken = train(e, data, test::registry(), &both);
    ASSERT_EQ(checkpoints.saved.size(), 5u);
    // The state is really there: adam's step count and moments, dropout's generator.
    std::vector<std::string> names;
    for (const SavedState& s : checkpoints.saved.front().state) names.push_back(s.name);
    EXPECT_EQ(names.front(), "optimizer.step");
    EXPECT_NE(std::find(names.begin(), names.end(), "optimizer.m.0"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "layer1.rng"), names.end());

    for (int after = 1; after <= 4; ++after) {
        SCOPED_TRACE("resumed after epoch " + std::to_string(after));
        LastWeights resumed_weights;
        const RunResult resumed =
            train(e, data, test::registry(), &resumed_weights, nullptr, &checkpoints.saved[after - 1]);
        expect_same_metrics(unbroken, resumed);
        expect_same_tensors(unbroken_weights.tensors, resumed_weights.tensors);
    }
}

TEST(Checkpoint, WithoutItsStateTheResumeWouldDiffer) {
    // The oracle's own check: the bitwise comparison above can fail. Adam's
    // first moments, or dropout's generator, zeroed in the checkpoint change
    // the next epochs.
    const Experiment e = stateful_experiment(3);
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    const RunResult unbroken = train(e, data, test::registry(), &checkpoints);
    for (const std::string prefix : {"optimizer.m.", "layer1.rng"}) {
        Checkpoint c = checkpoints.saved[0];
        for (SavedState& s : c.state)
            if (s.name.rfind(prefix, 0) == 0) std::fill(s.bytes.begin(), s.bytes.end(), '\0');
        const RunResult resumed = train(e, data, test::registry(), nullptr, nullptr, &c);
        EXPECT_NE(unbroken.epochs.back().train_loss, resumed.epochs.back().train_loss) << prefix;
    }
}

TEST(Checkpoint, TheFileKeepsEveryFieldExactly) {
    const Experiment e = stateful_experiment(2);
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    const RunResult r = train(e, data, test::registry(), &checkpoints);
    const Checkpoint& c = checkpoints.saved.back();
    const auto dir = fs::temp_directory_path() / ("soma_checkpoint_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    write_checkpoint(dir / checkpoint_file, c.model, c.state, c.result, c.data);
    const Checkpoint back = read_checkpoint(dir / checkpoint_file);
    expect_same_metrics(r, back.result);
    EXPECT_EQ(back.result.parameters, r.parameters);
    EXPECT_EQ(back.result.network, r.network);
    EXPECT_EQ(back.data, data_shape(data));
    ASSERT_EQ(back.state.size(), c.state.size());
    for (std::size_t i = 0; i < c.state.size(); ++i) {
        EXPECT_EQ(back.state[i].name, c.state[i].name);
        EXPECT_EQ(back.state[i].bytes, c.state[i].bytes);
    }
    expect_same_tensors(back.model.tensors, c.model.tensors);
    EXPECT_EQ(back.model.config, to_toml(e));
    EXPECT_TRUE(back.model.other.empty());
    // A model file is not a checkpoint, and says so.
    write_model_file(dir / "model.soma", c.model);
    try {
        read_checkpoint(dir / "model.soma");
        ADD_FAILURE() << "a model file read as a checkpoint";
    } catch (const Error& err) {
        EXPECT_NE(std::string(err.what()).find("model.soma: no 'state' section: a model file, not a checkpoint"),
                  std::string::npos)
            << err.what();
    }
    fs::remove_all(dir);
}

TEST(Checkpoint, ResumableOnlyForTheSameExperimentAndData) {
    const Experiment e = stateful_experiment(3);
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    train(e, data, test::registry(), &checkpoints);
    const Checkpoint& c = checkpoints.saved[1];
    const auto dir = fs::temp_directory_path() / ("soma_resumable_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ostringstream out;
    EXPECT_FALSE(resumable_checkpoint(dir, e, data, out));  // none there
    EXPECT_EQ(out.str(), "");

    write_checkpoint(dir / checkpoint_file, c.model, c.state, c.result, c.data);
    std::optional<Checkpoint> r = resumable_checkpoint(dir, e, data, out);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result.epochs.size(), 2u);
    EXPECT_NE(out.str().find("resuming after epoch 2 of 3 ("), std::string::npos) << out.str();

    Experiment other = e;
    other.training.seed = 99;
    out.str("");
    EXPECT_FALSE(resumable_checkpoint(dir, other, data, out));
    EXPECT_NE(out.str().find("is of another experiment (its config differs: [training] 'seed = 1', now 'seed = 99'): "
                             "training from the start"),
              std::string::npos)
        << out.str();

    Dataset fewer = data;
    fewer.test.images.resize(100 * 784);
    fewer.test.labels.resize(100);
    out.str("");
    EXPECT_FALSE(resumable_checkpoint(dir, e, fewer, out));
    EXPECT_NE(out.str().find("was trained on other data (360/120/160 samples, now 360/120/100)"), std::string::npos)
        << out.str();

    // A damaged checkpoint is an error that names it, never a silent restart.
    std::string bytes;
    {
        std::ifstream in(dir / checkpoint_file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[bytes.size() / 2] ^= 0x40;
    {
        std::ofstream o(dir / checkpoint_file, std::ios::binary | std::ios::trunc);
        o << bytes;
    }
    try {
        resumable_checkpoint(dir, e, data, out);
        ADD_FAILURE() << "a damaged checkpoint was accepted";
    } catch (const Error& err) {
        const std::string what = err.what();
        EXPECT_NE(what.find((dir / checkpoint_file).string()), std::string::npos) << what;
        EXPECT_NE(what.find("checksum"), std::string::npos) << what;
        EXPECT_NE(what.find("remove it to train the run from the start"), std::string::npos) << what;
    }
    fs::remove_all(dir);
}

TEST(Checkpoint, StateThePluginsCannotTakeEndsTheRunSayingWhatToDo) {
    const Experiment e = stateful_experiment(2);
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    train(e, data, test::registry(), &checkpoints);
    Checkpoint c = checkpoints.saved[0];
    c.state.back().bytes.pop_back();  // as another version of the plugin would have written it
    try {
        train(e, data, test::registry(), nullptr, nullptr, &c);
        ADD_FAILURE() << "a state block of another size was resumed from";
    } catch (const Error& err) {
        const std::string what = err.what();
        EXPECT_NE(what.find("epoch 1: state block"), std::string::npos) << what;
        EXPECT_NE(what.find("remove it to train the run from the start"), std::string::npos) << what;
    }
}

TEST(Checkpoint, StateOfAnotherShapeIsRefusedNamingTheBlock) {
    std::vector<float> m(4, 0.f);
    std::int64_t step = 3;
    const std::vector<StateBlock> blocks{state_block("optimizer.step", step), state_block("optimizer.m.0", m)};
    const std::vector<SavedState> saved = save_state(blocks);
    std::vector<float> bigger(5, 0.f);
    try {
        restore_state(saved, {state_block("optimizer.step", step), state_block("optimizer.m.0", bigger)}, "c.soma");
        ADD_FAILURE() << "a block of another size was restored";
    } catch (const Error& err) {
        EXPECT_STREQ(err.what(), "c.soma: state block 2 is \"optimizer.m.0\" of 16 bytes in the checkpoint, "
                                 "\"optimizer.m.0\" of 20 bytes in the plugins loaded now (another plugin version?)");
    }
    try {
        restore_state(saved, {state_block("optimizer.step", step)}, "c.soma");
        ADD_FAILURE() << "a block too many was accepted";
    } catch (const Error& err) {
        EXPECT_STREQ(err.what(), "c.soma: the checkpoint holds 2 state blocks (optimizer.step, optimizer.m.0), the "
                                 "network and optimizer built from its config have 1 (optimizer.step)");
    }
    step = 0;
    m.assign(4, 1.f);
    restore_state(saved, blocks, "c.soma");
    EXPECT_EQ(step, 3);
    EXPECT_EQ(m, std::vector<float>(4, 0.f));
}

TEST(Checkpoint, ARunThatStoppedEarlyBeforeItsSummaryEndsThereOnResume) {
    Experiment e = stateful_experiment(12);
    e.training.early_stopping.patience = 1;
    e.training.optimizer.params.set("learning_rate", 0.5);  // the validation curve soon stops rising
    const Dataset data = split_data();
    Checkpoints checkpoints(e, data);
    const RunResult unbroken = train(e, data, test::registry(), &checkpoints);
    ASSERT_GT(unbroken.early_stopped_epoch, 0) << "the run did not stop early; choose a larger learning rate";
    const Checkpoint& last = checkpoints.saved.back();
    ASSERT_EQ(static_cast<int>(last.result.epochs.size()), unbroken.early_stopped_epoch);
    const RunResult resumed = train(e, data, test::registry(), nullptr, nullptr, &last);
    expect_same_metrics(unbroken, resumed);
}

}  // namespace
}  // namespace soma
