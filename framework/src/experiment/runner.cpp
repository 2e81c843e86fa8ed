#include "experiment/runner.h"

#include "data/dataset.h"
#include "experiment/progress.h"
#include "plugin/registry.h"
#include "train/run_folder.h"

namespace soma {

void load_default_plugins(Registry& registry, std::ostream& err) {
    for (const LoadError& e : registry.load_folders(default_plugin_folders()))
        err << "soma: warning: plugin refused: " << e.message << "\n";
}

RunOutcome run_experiment(const std::filesystem::path& file, const RunOptions& options, Registry& registry,
                          std::ostream& out) {
    RunOutcome outcome;
    outcome.experiment = load_experiment(file, registry, options.overrides);
    const Experiment& exp = outcome.experiment;
    const std::filesystem::path base = file.parent_path();
    Dataset data = load_dataset(exp.data, base, exp.training.seed);
    outcome.dir = !options.out.empty() ? options.out
                                       : std::filesystem::path(exp.output.dir) /
                                             (exp.output.name.empty() ? exp.name : exp.output.name);

    SummaryInfo info;
    info.experiment = exp.name;
    info.dataset = data.name;
    info.train_samples = data.train.size();
    info.validation_samples = data.validation.size();
    info.test_samples = data.test.size();
    info.seed = exp.training.seed;
    info.batch_size = exp.training.batch_size;
    info.optimizer = exp.training.optimizer.name;
    info.loss = exp.training.loss;

    RunWriter writer(outcome.dir, exp, info);
    ProgressPrinter progress(out, options.live_progress, exp.name);
    ObserverList observers;
    observers.add(&progress);
    observers.add(&writer);
    outcome.result = train(exp, data, registry, &observers);
    outcome.summary = writer.finish(outcome.result);
    return outcome;
}

}  // namespace soma
