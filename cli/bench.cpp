// soma bench: architectures measured against each other, each in its own
// child process; bench.csv, bench.json and bench.html in --out.
#include <iostream>
#include <map>
#include <memory>

#include "bench/bench.h"
#include "commands.h"
#include "plugin/folders.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct BenchArgs {
    std::vector<std::string> targets;  // architectures, or one bench file
    BenchOptions flags;                // values given on the command line (over a file's)
    std::map<std::string, const CLI::Option*> options;  // by name: applied when given
    std::vector<std::string> allow_plugins;  // folders a bench file's [plugins] paths may load
    bool json = false;
};

int bench(const BenchArgs& a) {
    std::string file;
    std::vector<std::string> archs;
    for (const std::string& t : a.targets) {
        if (t.size() > 5 && t.compare(t.size() - 5, 5, ".toml") == 0) {
            if (!file.empty()) throw UsageError{"takes one bench file, got '" + file + "' and '" + t + "'"};
            file = t;
        } else {
            archs.push_back(t);
        }
    }
    if (!file.empty() && !archs.empty()) throw UsageError{"takes either architectures or a bench file, not both"};

    PluginPermission permission;
    for (const std::string& folder : a.allow_plugins) permission.allow(folder);
    BenchOptions options = file.empty() ? BenchOptions() : load_bench_file(file, permission);
    for (const std::string& s : archs) {
        try {
            options.architectures.push_back(parse_architecture(s));
        } catch (const Error& e) {
            throw UsageError{e.what()};
        }
    }
    const BenchOptions& f = a.flags;
    auto given = [&](const char* name) { return a.options.at(name)->count() > 0; };
    if (given("batch")) options.batch = f.batch;
    if (given("threads")) options.threads = f.threads;
    if (given("dataset")) options.data.dataset = f.data.dataset;
    if (given("activation")) options.activation = f.activation;
    if (given("epochs")) options.epochs = f.epochs;
    if (given("accuracy")) options.accuracy_epochs = f.accuracy_epochs;
    if (given("seeds")) options.accuracy_seeds = f.accuracy_seeds;
    if (given("latency-samples")) options.latency_samples = f.latency_samples;
    if (given("out")) options.out = f.out;

    BenchResult result = run_bench(options, std::cerr);
    BenchPaths paths = write_bench_outputs(result);
    const std::string written =
        "written: " + paths.csv.string() + ", " + paths.json.string() + ", " + paths.html.string() + "\n";
    if (a.json) {
        std::cout << bench_json(result);
        std::cerr << written;
    } else {
        std::cout << terminal_safe(bench_table_text(result, output_width()), true) << "\n" << terminal_safe(written);
    }
    return kOk;
}

}  // namespace

void add_bench(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "bench",
        "measure architectures against each other (training and inference speed, latency, memory, accuracy), "
        "each in its own process; writes bench.csv, bench.json and bench.html",
        {"soma bench 784-16-16-10 784-100-10 --accuracy 5", "soma bench bench/archs.toml --threads 1"});
    auto a = std::make_shared<BenchArgs>();
    BenchOptions& f = a->flags;
    cli.complete(cmd->add_option("ARCH|FILE.toml", a->targets,
                                 "architectures as layer widths (784-100-10), or one bench file whose [bench] "
                                 "table lists them; the options below override the file's")
                     ->required(),
                 {Completion::Kind::toml_files});
    auto& o = a->options;
    o["batch"] = cmd->add_option("--batch", f.batch, "training batch size")
                     ->type_name("N")
                     ->check(whole_number(1))
                     ->capture_default_str();
    o["threads"] = cmd->add_option("--threads", f.threads, "oneDNN threads per architecture")
                       ->type_name("N")
                       ->check(whole_number(1, 1024))
                       ->default_str("soma chooses per architecture");
    o["dataset"] = cli.complete(cmd->add_option("--dataset", f.data.dataset, "the data measured on")
                                    ->type_name("NAME")
                                    ->check(one_of(bench_dataset_names()))
                                    ->capture_default_str(),
                                choices(bench_dataset_names()));
    o["activation"] = cli.complete(cmd->add_option("--activation", f.activation, "the hidden layers' activation")
                                       ->type_name("NAME")
                                       ->capture_default_str(),
                                   {Completion::Kind::activations});
    o["epochs"] = cmd->add_option("--epochs", f.epochs, "timed training epochs after one warm-up epoch")
                      ->type_name("N")
                      ->check(whole_number(1))
                      ->capture_default_str();
    o["accuracy"] = cmd->add_option("--accuracy", f.accuracy_epochs, "also train this many epochs; test accuracy")
                        ->type_name("EPOCHS")
                        ->check(whole_number(1))
                        ->default_str("not measured");
    o["seeds"] = cmd->add_option("--seeds", f.accuracy_seeds,
                                 "with --accuracy: trainings per architecture (seeds seed, seed + 1, ...); the "
                                 "accuracy is their mean with a 95% interval")
                     ->type_name("N")
                     ->check(whole_number(1, 1000))
                     ->capture_default_str();
    o["latency-samples"] = cmd->add_option("--latency-samples", f.latency_samples, "batch-1 inferences timed")
                               ->type_name("N")
                               ->check(whole_number(2000))
                               ->capture_default_str();
    o["out"] = cli.complete(cmd->add_option("--out", f.out, "the folder the three files go to")
                                ->type_name("DIR")
                                ->default_str(f.out.string()),
                            {Completion::Kind::folders});
    cli.complete(cmd->add_option("--allow-plugins", a->allow_plugins,
                                 "a folder whose plugins a bench file's [plugins] paths may load; repeatable")
                     ->type_name("DIR")
                     ->allow_extra_args(false),
                 {Completion::Kind::folders});
    cmd->add_flag("--json", a->json, "print bench.json instead of the table (progress still goes to stderr)");
    cli.on_run(cmd, [a] { return bench(*a); });
}

}  // namespace soma::cli
