// One run trained data-parallel over the ranks of an MPI job (ranks.h).
#include <chrono>
#include <climits>
#include <exception>
#include <optional>

#include <omp.h>

#include "data/dataset.h"
#include "distributed/mpi/mpi_group.h"
#include "distributed/ranks.h"
#include "experiment/launch.h"
#include "train/output_folder.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace {

// Every rank sets up; all go on, or all stop: the first rank that failed
// rethrows its own error (the CLI prints it), the others say whose it is.
void agree_on_the_set_up(const MpiSession& mpi, const std::exception_ptr& error) {
    int failing = error ? mpi.rank() : INT_MAX, first = INT_MAX;
    MPI_Allreduce(&failing, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == INT_MAX) return;
    if (first == mpi.rank()) std::rethrow_exception(error);
    throw Error(mpi.where() + ": rank " + std::to_string(first) +
                " could not start the data-parallel run (its error is above)");
}

// Why a stopped run stopped, as rank 0 records it.
std::string stop_reason(double elapsed, double time_limit) {
    if (stop_signal() != 0) return "interrupted (signal " + std::to_string(stop_signal()) + ")";
    if (time_limit > 0 && elapsed > time_limit) {
        ChildEnd end;
        end.timed_out = true;
        end.time_limit = time_limit;
        return describe_end(end);
    }
    return "interrupted on another rank (a stop signal)";
}

}  // namespace

ParallelOutcome run_data_parallel(const Experiment& experiment, const RunOptions& options, const Registry& registry,
                                  std::ostream& out) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
    MpiSession mpi;
    MpiGroup group;
    ParallelOutcome o;
    o.leader = mpi.rank() == 0;
    o.run.experiment = experiment;
    o.run.dir = run_folder(experiment, options);
    Experiment& e = o.run.experiment;

    std::unique_ptr<FolderClaim> folder;
    std::optional<Dataset> data;
    std::exception_ptr error;
    try {
        if (o.leader) folder = claim_run_folder(e, o.run.dir);
        data.emplace(load_dataset(e.data, e.source.parent_path(), e.training.seed));
        check_data_parallel_model(registry, e, data->features(), data->classes);
        // training.threads = 0 chooses among the cores OpenMP offers
        // (apply_threads): offer this rank's own, not the node's.
        omp_set_num_threads(available_cores());
    } catch (...) {
        error = std::current_exception();
    }
    agree_on_the_set_up(mpi, error);

    const double time_limit = e.training.time_limit;
    DataParallel parallel;
    parallel.group = &group;
    parallel.stop = [&] { return stop_signal() != 0 || (o.leader && time_limit > 0 && elapsed() > time_limit); };
    try {
        if (o.leader) {
            out << terminal_safe(e.name) << ": data-parallel over " << mpi.size() << " ranks\n";
            train_into(*data, options, registry, out, o.run, &parallel);
        } else {
            o.run.result = train(e, *data, registry, nullptr, &parallel);
        }
    } catch (const TrainingStopped&) {
        o.failure = stop_reason(elapsed(), time_limit);
        o.interrupted = o.failure.rfind("interrupted", 0) == 0;
        if (o.leader) write_failed_summary(o.run.dir, e.name, "", o.failure);
        clear_stop_signal();
    } catch (const std::exception& ex) {
        if (o.leader) write_failed_summary(o.run.dir, e.name, "", ex.what());
        mpi.fail(ex.what());
    }
    return o;
}

}  // namespace soma
