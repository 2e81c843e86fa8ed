// soma bench ARCH... [--batch 32] [--threads N] [--dataset NAME] [--activation NAME]
//                    [--epochs N] [--accuracy EPOCHS] [--seeds N] [--latency-samples N] [--out DIR]
// soma bench FILE.toml [the same options, which override the file]
// Measures each architecture in its own child process and writes bench.csv,
// bench.json and bench.html into --out (default runs/bench).
#include <iostream>

#include "bench/bench.h"
#include "commands.h"
#include "util/error.h"

namespace soma::cli {

int bench(const Args& args) {
    BenchOptions options;
    std::vector<std::string> archs;
    std::string file;
    bool out_given = false;
    BenchOptions flags;  // values given on the command line (applied over a file)
    bool batch = false, threads = false, dataset = false, activation = false, epochs = false, accuracy = false,
         seeds = false, latency = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
            return args[++i];
        };
        if (a == "--batch") flags.batch = parse_whole(a, value(), 1), batch = true;
        else if (a == "--threads") flags.threads = parse_whole(a, value(), 1), threads = true;
        else if (a == "--dataset") flags.data.dataset = value(), dataset = true;
        else if (a == "--activation") flags.activation = value(), activation = true;
        else if (a == "--epochs") flags.epochs = parse_whole(a, value(), 1), epochs = true;
        else if (a == "--accuracy") flags.accuracy_epochs = parse_whole(a, value(), 1), accuracy = true;
        else if (a == "--seeds") flags.accuracy_seeds = parse_whole(a, value(), 1), seeds = true;
        else if (a == "--latency-samples") flags.latency_samples = parse_whole(a, value(), 2000), latency = true;
        else if (a == "--out") flags.out = value(), out_given = true;
        else if (!a.empty() && a[0] == '-') throw UsageError{"unknown option '" + a + "' for bench"};
        else if (a.size() > 5 && a.compare(a.size() - 5, 5, ".toml") == 0) {
            if (!file.empty()) throw UsageError{"bench takes one bench file, got '" + file + "' and '" + a + "'"};
            file = a;
        } else {
            archs.push_back(a);
        }
    }
    if (!file.empty() && !archs.empty())
        throw UsageError{"bench takes either architectures or a bench file, not both"};
    if (file.empty() && archs.empty())
        throw UsageError{"bench needs architectures (e.g. soma bench 784-16-16-10 784-100-10) or a bench file"};

    if (!file.empty()) options = load_bench_file(file);
    for (const std::string& s : archs) {
        try {
            options.architectures.push_back(parse_architecture(s));
        } catch (const Error& e) {
            throw UsageError{e.what()};
        }
    }
    if (batch) options.batch = flags.batch;
    if (threads) options.threads = flags.threads;
    if (dataset) {
        options.data.dataset = flags.data.dataset;  // checked with the rest in run_bench
    }
    if (activation) options.activation = flags.activation;
    if (epochs) options.epochs = flags.epochs;
    if (accuracy) options.accuracy_epochs = flags.accuracy_epochs;
    if (seeds) options.accuracy_seeds = flags.accuracy_seeds;
    if (latency) options.latency_samples = flags.latency_samples;
    if (out_given) options.out = flags.out;

    BenchResult result = run_bench(options, std::cerr);
    BenchPaths paths = write_bench_outputs(result);
    std::cout << bench_table_text(result) << "\nwritten: " << paths.csv.string() << ", " << paths.json.string() << ", "
              << paths.html.string() << "\n";
    return 0;
}

}  // namespace soma::cli
