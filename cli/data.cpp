// soma data fetch NAME | soma data list
#include <iostream>
#include <memory>

#include "commands.h"
#include "config/experiment.h"
#include "data/dataset.h"
#include "data/inventory.h"
#include "util/names.h"
#include "util/sanitize.h"

namespace soma::cli {

void add_data(Cli& cli) {
    CLI::App* data = cli.add_command(cli.app(), "data", "fetch datasets into the cache, list what is there",
                                     {"soma data fetch mnist", "soma data list"});

    CLI::App* fetch = cli.add_command(
        *data, "fetch",
        "fetch a dataset into the cache ($SOMA_DATA_DIR, else ~/.cache/soma/data), checking every file; "
        "a dataset already there is left as it is",
        {"soma data fetch mnist", "soma data fetch fashion-mnist"});
    auto name = std::make_shared<std::string>();
    cli.complete(fetch->add_option("NAME", *name, "the dataset: " + join(dataset_names()))
                     ->required()
                     ->check(one_of(dataset_names())),
                 choices(dataset_names()));
    cli.on_run(fetch, [name] {
        fetch_dataset(*name, data_cache_dir(DataConfig{}), std::cout);
        return kOk;
    });

    CLI::App* list = cli.add_command(*data, "list",
                                     "every dataset soma knows: whether it is here, in which folder, how many "
                                     "files and bytes, how many training and test samples",
                                     {"soma data list", "soma data list --json"});
    auto json = std::make_shared<bool>(false);
    list->add_flag("--json", *json, "print the list as JSON instead of the table");
    cli.on_run(list, [json] {
        const auto cache = data_cache_dir(DataConfig{});
        const auto datasets = dataset_statuses(cache);
        std::cout << (*json ? dataset_json(cache, datasets)
                            : terminal_safe(dataset_table(cache, datasets, output_width()), true));
        return kOk;
    });
}

}  // namespace soma::cli
