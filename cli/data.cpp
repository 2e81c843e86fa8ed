// soma data fetch NAME | soma data list
#include <iostream>

#include "commands.h"
#include "config/experiment.h"
#include "data/dataset.h"
#include "util/names.h"

namespace soma::cli {

int data(const Args& args) {
    if (args.empty()) throw UsageError{"data needs a subcommand: fetch NAME, list"};
    DataConfig config;
    const std::filesystem::path cache = data_cache_dir(config);
    if (args[0] == "list" && args.size() == 1) {
        std::cout << "datasets: " << join(dataset_names()) << "\ncache: " << cache.string() << "\n";
        return 0;
    }
    if (args[0] == "fetch" && args.size() == 2) {
        fetch_dataset(args[1], cache, std::cout);
        return 0;
    }
    throw UsageError{"data: expected 'fetch NAME' or 'list'"};
}

}  // namespace soma::cli
