#include "train/checkpoint.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>

#include "data/dataset.h"
#include "model/container.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace {

constexpr const char* state_section = "state";
constexpr const char* progress_section = "progress";
constexpr std::uint32_t progress_version = 1;
constexpr std::size_t max_state_name_bytes = 256;
// Bounds a crafted file cannot push past: epochs (config limit) and classes.
constexpr std::uint64_t max_epochs = 1'000'000;
constexpr std::uint64_t max_classes = 1 << 16;

void put(ByteWriter& out, double v) { out.u64(std::bit_cast<std::uint64_t>(v)); }
double get(ByteReader& in, const char* what) { return std::bit_cast<double>(in.u64(what)); }

void put_ints(ByteWriter& out, const std::vector<int>& v) {
    out.u64(v.size());
    for (int x : v) out.u32(static_cast<std::uint32_t>(x));
}
std::vector<int> get_ints(ByteReader& in, const char* what, std::uint64_t max_count) {
    const std::uint64_t n = in.count(what, in.u64(what), 4);
    if (n > max_count) in.fail(std::string(what) + ": " + std::to_string(n) + " values, at most " + std::to_string(max_count));
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int& x : v) x = static_cast<int>(in.u32(what));
    return v;
}

// The metrics of one epoch, every field, in this order (one list for writer and reader).
template <class F>
void epoch_fields(EpochMetrics& m, F&& field) {
    field(m.train_loss), field(m.train_accuracy), field(m.validation_loss), field(m.validation_accuracy);
    field(m.test_loss), field(m.test_accuracy), field(m.seconds), field(m.samples_per_second);
}

std::string progress_bytes(const RunResult& r, const DataShape& d) {
    ByteWriter out;
    out.u32(progress_version);
    out.u64(d.train), out.u64(d.validation), out.u64(d.test);
    out.u32(static_cast<std::uint32_t>(d.features)), out.u32(static_cast<std::uint32_t>(d.classes));
    out.u32(static_cast<std::uint32_t>(r.epochs.size()));
    for (EpochMetrics m : r.epochs) {
        out.u32(static_cast<std::uint32_t>(m.epoch));
        epoch_fields(m, [&](double v) { put(out, v); });
    }
    out.u64(r.parameters);
    out.text(r.network);
    out.u32(static_cast<std::uint32_t>(r.threads));
    out.u32(static_cast<std::uint32_t>(r.ranks));
    put(out, r.sum_seconds), put(out, r.train_seconds), put(out, r.samples_per_second);
    out.u32(static_cast<std::uint32_t>(r.classes));
    put_ints(out, r.confusion);
    out.u32(static_cast<std::uint32_t>(r.chosen_epoch));
    put_ints(out, r.chosen_confusion);
    return std::move(out.bytes());
}

void parse_progress(std::string_view bytes, const std::string& source, Checkpoint& c) {
    ByteReader in(bytes, source, "section 'progress'");
    if (const std::uint32_t v = in.u32("the progress version"); v != progress_version)
        in.fail("progress version " + std::to_string(v) + ", this soma reads " + std::to_string(progress_version));
    DataShape& d = c.data;
    d.train = in.u64("the training samples"), d.validation = in.u64("the validation samples");
    d.test = in.u64("the test samples");
    d.features = static_cast<int>(in.u32("the features")), d.classes = static_cast<int>(in.u32("the classes"));
    RunResult& r = c.result;
    const std::uint64_t epochs = in.count("the epoch count", in.u32("the epoch count"), 4 + 8 * 8);
    if (epochs > max_epochs) in.fail("more than " + std::to_string(max_epochs) + " epochs");
    for (std::uint64_t i = 0; i < epochs; ++i) {
        EpochMetrics m;
        m.epoch = static_cast<int>(in.u32("an epoch number"));
        if (m.epoch != static_cast<int>(i + 1))
            in.fail("epoch " + std::to_string(i + 1) + " is numbered " + std::to_string(m.epoch));
        epoch_fields(m, [&](double& v) { v = get(in, "an epoch's metrics"); });
        r.epochs.push_back(m);
    }
    r.parameters = in.u64("the parameter count");
    r.network = in.text("the network", 1 << 20);
    r.threads = static_cast<int>(in.u32("the threads"));
    r.ranks = static_cast<int>(in.u32("the ranks"));
    r.sum_seconds = get(in, "the allreduce seconds"), r.train_seconds = get(in, "the training seconds");
    r.samples_per_second = get(in, "the samples per second");
    r.classes = static_cast<int>(in.u32("the classes"));
    if (static_cast<std::uint64_t>(r.classes) > max_classes) in.fail("more than " + std::to_string(max_classes) + " classes");
    const std::uint64_t cells = static_cast<std::uint64_t>(r.classes) * static_cast<std::uint64_t>(r.classes);
    r.confusion = get_ints(in, "the confusion matrix", cells);
    r.chosen_epoch = static_cast<int>(in.u32("the chosen epoch"));
    r.chosen_confusion = get_ints(in, "the chosen epoch's confusion matrix", cells);
    in.expect_end();
    if (r.threads < 1 || r.threads > 1024) in.fail("threads " + std::to_string(r.threads) + ", expected 1..1024");
    if (r.chosen_epoch < 0 || static_cast<std::uint64_t>(r.chosen_epoch) > epochs)
        in.fail("chosen epoch " + std::to_string(r.chosen_epoch) + " of " + std::to_string(epochs) + " epochs");
    if (epochs == 0) in.fail("no epoch: a checkpoint is written after an epoch");
}

std::string state_bytes(const std::vector<SavedState>& state) {
    ByteWriter out;
    out.u32(static_cast<std::uint32_t>(state.size()));
    for (const SavedState& s : state) {
        out.text(s.name);
        out.u64(s.bytes.size());
        out.bytes() += s.bytes;
    }
    return std::move(out.bytes());
}

std::vector<SavedState> parse_state(std::string_view bytes, const std::string& source) {
    ByteReader in(bytes, source, "section 'state'");
    const std::uint64_t count = in.count("the state block count", in.u32("the state block count"), 4 + 1 + 8);
    std::vector<SavedState> state;
    std::set<std::string> names;
    for (std::uint64_t i = 0; i < count; ++i) {
        SavedState s;
        s.name = in.text("a state block's name", max_state_name_bytes);
        if (s.name.empty() || !names.insert(s.name).second)
            in.fail("state block " + std::to_string(i + 1) + ": an empty or repeated name \"" + s.name + "\"");
        s.bytes = std::string(in.raw("a state block", in.u64("a state block's size")));
        state.push_back(std::move(s));
    }
    in.expect_end();
    return state;
}

// The first line where two config texts differ: "threads = 2" against
// "threads = 1", in the table it is under.
std::string first_difference(const std::string& before, const std::string& now) {
    std::istringstream a(before), b(now);
    std::string la, lb, table;
    while (true) {
        const bool more_a = static_cast<bool>(std::getline(a, la)), more_b = static_cast<bool>(std::getline(b, lb));
        if (!more_a && !more_b) return "";
        if (!more_a) la = "(nothing)";
        if (!more_b) lb = "(nothing)";
        if (la != lb) return (table.empty() ? "" : table + " ") + "'" + la + "', now '" + lb + "'";
        if (!la.empty() && la.front() == '[') table = la;
    }
}

}  // namespace

DataShape data_shape(const Dataset& data) {
    return {data.train.size(), data.validation.size(), data.test.size(), data.features(), data.classes};
}

std::vector<SavedState> save_state(const std::vector<StateBlock>& blocks) {
    std::vector<SavedState> saved;
    saved.reserve(blocks.size());
    for (const StateBlock& b : blocks)
        saved.push_back({b.name, std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size())});
    return saved;
}

void restore_state(const std::vector<SavedState>& saved, const std::vector<StateBlock>& blocks,
                   const std::string& source) {
    auto names = [](const auto& list) {
        std::string text;
        for (const auto& b : list) text += (text.empty() ? "" : ", ") + b.name;
        return text.empty() ? std::string("none") : text;
    };
    if (saved.size() != blocks.size())
        throw Error(source + ": the checkpoint holds " + std::to_string(saved.size()) + " state blocks (" +
                    names(saved) + "), the network and optimizer built from its config have " +
                    std::to_string(blocks.size()) + " (" + names(blocks) + ")");
    for (std::size_t i = 0; i < saved.size(); ++i) {
        if (saved[i].name != blocks[i].name || saved[i].bytes.size() != blocks[i].bytes.size())
            throw Error(source + ": state block " + std::to_string(i + 1) + " is \"" + saved[i].name + "\" of " +
                        std::to_string(saved[i].bytes.size()) + " bytes in the checkpoint, \"" + blocks[i].name +
                        "\" of " + std::to_string(blocks[i].bytes.size()) +
                        " bytes in the plugins loaded now (another plugin version?)");
    }
    for (std::size_t i = 0; i < saved.size(); ++i)
        if (!saved[i].bytes.empty()) std::memcpy(blocks[i].bytes.data(), saved[i].bytes.data(), saved[i].bytes.size());
}

std::vector<Section> checkpoint_sections(const ModelFile& model, const std::vector<SavedState>& state,
                                         const RunResult& result, const DataShape& data) {
    std::vector<Section> sections = model_sections(model);
    sections.push_back({state_section, state_bytes(state)});
    sections.push_back({progress_section, progress_bytes(result, data)});
    return sections;
}

Checkpoint checkpoint_from_sections(std::vector<Section> sections, const std::string& source) {
    Checkpoint c;
    c.source = source;
    c.model = model_from_sections(std::move(sections), source);
    const Section* state = find_section(c.model.other, state_section);
    const Section* progress = find_section(c.model.other, progress_section);
    if (!state || !progress)
        throw Error(source + ": no '" + std::string(state ? progress_section : state_section) +
                    "' section: a model file, not a checkpoint");
    c.state = parse_state(state->bytes, source);
    parse_progress(progress->bytes, source, c);
    std::erase_if(c.model.other, [](const Section& s) { return s.name == state_section || s.name == progress_section; });
    if (c.model.description.epoch != static_cast<int>(c.result.epochs.size()))
        throw Error(source + ": the model is of epoch " + std::to_string(c.model.description.epoch) +
                    ", the progress has " + std::to_string(c.result.epochs.size()) + " epochs");
    return c;
}

void write_checkpoint(const std::filesystem::path& file, const ModelFile& model, const std::vector<SavedState>& state,
                      const RunResult& result, const DataShape& data) {
    write_container(file, checkpoint_sections(model, state, result, data), /*sync=*/false);
}

Checkpoint read_checkpoint(const std::filesystem::path& file) {
    return checkpoint_from_sections(read_container(file), file.string());
}

std::optional<Checkpoint> resumable_checkpoint(const std::filesystem::path& dir, const Experiment& experiment,
                                               const Dataset& data, std::ostream& out) {
    const std::filesystem::path file = dir / checkpoint_file;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::nullopt;
    Checkpoint c;
    try {
        c = read_checkpoint(file);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + checkpoint_remedy);
    }
    const std::string shown = terminal_safe(file.string());
    if (const std::string now = to_toml(experiment); c.model.config != now) {
        out << "soma: " << shown << " is of another experiment (its config differs: "
            << terminal_safe(first_difference(c.model.config, now)) << "): training from the start\n";
        return std::nullopt;
    }
    if (!(c.data == data_shape(data))) {
        out << "soma: " << shown << " was trained on other data (" << c.data.train << "/" << c.data.validation << "/"
            << c.data.test << " samples, now " << data.train.size() << "/" << data.validation.size() << "/"
            << data.test.size() << "): training from the start\n";
        return std::nullopt;
    }
    const int done = static_cast<int>(c.result.epochs.size());
    if (done > experiment.training.epochs)
        throw Error(shown + ": holds " + std::to_string(done) + " epochs, the experiment has " +
                    std::to_string(experiment.training.epochs) + checkpoint_remedy);
    out << "resuming after epoch " << done << " of " << experiment.training.epochs << " (" << shown << ")\n";
    const Provenance now = current_provenance();
    const Provenance& then = c.model.provenance;
    if (then.onednn_isa != now.onednn_isa || then.vector_isa != now.vector_isa)
        out << "soma: note: the checkpoint was written on a CPU running " << terminal_safe(then.onednn_isa) << " / "
            << terminal_safe(then.vector_isa) << " kernels, this one runs " << now.onednn_isa << " / "
            << now.vector_isa << ": the resumed epochs may differ in the last bits from an unbroken run\n";
    return c;
}

}  // namespace soma
