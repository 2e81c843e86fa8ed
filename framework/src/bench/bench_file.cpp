// Bench files: a [bench] table, and [plugins] paths.
//   [bench]
//   architectures = ["784-16-16-10", "784-100-10"]
//   batch = 32                # training batch
//   threads = 0               # 0 = automatic
//   dataset = "fashion-mnist" # mnist | mnist-10k | fashion-mnist | synthetic
//   accuracy_epochs = 0       # > 0: train that long and report test accuracy
//   seeds = 3                 # trainings per architecture for the accuracy (its 95% interval)
//   activation = "sigmoid"
//   epochs = 3                # timed epochs after the warm-up
//   latency_samples = 2000    # >= 2000
//   out = "runs/bench"        # relative to the working directory
#include <algorithm>

#include "bench/bench.h"
#include "config/checks.h"
#include "config/document.h"
#include "plugin/folders.h"
#include "util/error.h"
#include "util/names.h"

namespace soma {

namespace {

void check_keys(const Node& table, const std::vector<std::string>& known, const std::string& label) {
    for (const auto& [key, value] : table.entries) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string reason = "unknown key '" + key + "' in " + label;
        const std::string near = closest_name(key, known);
        if (!near.empty()) reason += " (did you mean '" + near + "'?)";
        reason += "; known: " + join(known);
        fail(value.key_pos.line ? value.key_pos : value.pos, reason);
    }
}

}  // namespace

BenchOptions load_bench_file(const std::filesystem::path& file, const PluginPermission& permission) {
    const Node root = read_toml_file(file);
    BenchOptions o;
    o.source = std::filesystem::absolute(file);
    check_keys(root, {"bench", "plugins"}, "the bench file (tables: [bench], [plugins])");
    const Node* bench = root.find("bench");
    if (!bench) fail(SourcePos{display_path(file), 0, 0}, "no [bench] table (architectures = [\"784-16-16-10\", ...])");
    expect_type(*bench, Node::Type::table, "bench");
    check_keys(*bench,
               {"architectures", "batch", "threads", "dataset", "accuracy_epochs", "seeds", "activation", "epochs",
                "latency_samples", "out"},
               "[bench]");

    const Node* archs = bench->find("architectures");
    if (!archs) fail(bench->key_pos.line ? bench->key_pos : bench->pos, "[bench] needs architectures = [\"784-16-16-10\", ...]");
    expect_type(*archs, Node::Type::array, "bench.architectures");
    if (archs->items.empty()) fail(archs->pos, "bench.architectures: expected at least one architecture");
    for (const Node& item : archs->items) {
        expect_type(item, Node::Type::string, "bench.architectures");
        try {
            o.architectures.push_back(parse_architecture(item.string));
        } catch (const Error& e) {
            fail(item.pos, e.what());
        }
    }
    if (const Node* v = bench->find("batch")) o.batch = static_cast<int>(check_integer(*v, "bench.batch", 1, 1 << 20));
    if (const Node* v = bench->find("threads")) o.threads = static_cast<int>(check_integer(*v, "bench.threads", 0, 1024));
    if (const Node* v = bench->find("dataset"))
        o.data.dataset = check_choice(*v, "bench.dataset", bench_dataset_names());
    if (const Node* v = bench->find("accuracy_epochs"))
        o.accuracy_epochs = static_cast<int>(check_integer(*v, "bench.accuracy_epochs", 0, 100000));
    if (const Node* v = bench->find("seeds")) o.accuracy_seeds = static_cast<int>(check_integer(*v, "bench.seeds", 1, 1000));
    if (const Node* v = bench->find("activation")) {
        expect_type(*v, Node::Type::string, "bench.activation");
        if (v->string.empty()) fail(v->pos, "bench.activation: expected an activation plugin name, got \"\"");
        o.activation = v->string;
    }
    if (const Node* v = bench->find("epochs")) o.epochs = static_cast<int>(check_integer(*v, "bench.epochs", 1, 100000));
    if (const Node* v = bench->find("latency_samples"))
        o.latency_samples = static_cast<int>(check_integer(*v, "bench.latency_samples", 2000, 100000000));
    if (const Node* v = bench->find("out")) {
        expect_type(*v, Node::Type::string, "bench.out");
        o.out = v->string;
    }

    if (const Node* plugins = root.find("plugins")) {
        expect_type(*plugins, Node::Type::table, "plugins");
        check_keys(*plugins, {"paths"}, "[plugins]");
        if (const Node* paths = plugins->find("paths")) {
            expect_type(*paths, Node::Type::array, "plugins.paths");
            for (const Node& p : paths->items) {
                expect_type(p, Node::Type::string, "plugins.paths");
                std::filesystem::path folder = p.string;
                if (folder.is_relative()) folder = (p.dir.empty() ? o.source.parent_path() : p.dir) / folder;
                // Loading code is the user's decision, not the file's (plugin/folders.h).
                if (const auto why = permission.refusal(folder)) fail(p.pos, "plugins.paths: " + *why);
                o.extra_plugin_folders.push_back(folder.lexically_normal());
            }
        }
    }
    return o;
}

}  // namespace soma
