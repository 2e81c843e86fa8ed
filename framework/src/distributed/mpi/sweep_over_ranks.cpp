// A sweep over the ranks of an MPI job (ranks.h): rank 0 holds the queue and
// hands the next run to whichever rank asks, trains runs itself too, and
// prints every run's line; every rank trains its runs in child processes.
//
// Messages (all to or from rank 0, MPI_COMM_WORLD):
//   request  rank -> 0   a slot is free                      (int, ignored)
//   assign   0 -> rank   the run to train, -1: none left     (long long)
//   done     rank -> 0   a run given to the rank has ended   (run, what, the line's text)
//   bye      rank -> 0   the rank ends; runs given to it and not done go back to the queue
//   stop     0 -> rank   a stop signal reached rank 0: end the children, say bye
// Rank 0 polls for messages between its children's ends (every 20 ms); the
// other ranks block only while their slots are full and nothing is asked.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <set>
#include <thread>

#include "distributed/mpi/mpi_group.h"
#include "distributed/ranks.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

enum Tag : int { kRequest = 1, kAssign = 2, kDone = 3, kBye = 4, kStop = 5 };
constexpr auto kPoll = std::chrono::milliseconds(20);

// What a rank tells rank 0 about a run it was given.
enum class Told : char { ok, diverged, failed, finished, elsewhere };

Told told_of(RunStatus status) {
    return status == RunStatus::ok ? Told::ok : status == RunStatus::diverged ? Told::diverged : Told::failed;
}

struct Done {
    std::size_t run = 0;
    Told told = Told::failed;
    std::string text;
};

void send_done(const Done& d) {
    std::string bytes(sizeof(std::uint64_t) + 1, '\0');
    const std::uint64_t run = d.run;
    std::memcpy(bytes.data(), &run, sizeof run);
    bytes[sizeof run] = static_cast<char>(d.told);
    bytes += d.text;
    MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, kDone, MPI_COMM_WORLD);
}

Done receive_done(const MPI_Status& probed) {
    int size = 0;
    MPI_Get_count(&probed, MPI_BYTE, &size);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    MPI_Recv(bytes.data(), size, MPI_BYTE, probed.MPI_SOURCE, kDone, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    Done d;
    std::uint64_t run = 0;
    if (bytes.size() < sizeof run + 1) throw Error("a malformed message from rank " + std::to_string(probed.MPI_SOURCE));
    std::memcpy(&run, bytes.data(), sizeof run);
    d.run = run;
    d.told = static_cast<Told>(bytes[sizeof run]);
    d.text = bytes.substr(sizeof run + 1);
    return d;
}

void send_int(int tag, int to = 0) {
    int nothing = 0;
    MPI_Send(&nothing, 1, MPI_INT, to, tag, MPI_COMM_WORLD);
}

void receive_int(const MPI_Status& probed) {
    int nothing = 0;
    MPI_Recv(&nothing, 1, MPI_INT, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

// The text of a run's start that did not start.
std::string not_started_text(Told told, const std::string& holder) {
    return told == Told::finished ? "finished meanwhile by another process"
                                  : "left to the process training it (" + terminal_safe(holder) + ")";
}

std::uint64_t text_hash(const std::string& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Every rank must train the same sweep into the same folder: rank 0 opens
// the folder and finds the runs to do; all agree or all throw.
std::unique_ptr<FolderClaim> agree_on_the_sweep(const MpiSession& mpi, const Sweep& sweep, SweepOutcome& outcome,
                                                std::vector<std::size_t>& todo) {
    std::unique_ptr<FolderClaim> folder;
    std::string error;
    if (mpi.rank() == 0) {
        try {
            folder = open_sweep_folder(sweep, outcome.dir, FolderHold::alone);
            todo = runs_to_do(sweep, Shard{}, outcome);
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
    const std::uint64_t mine = text_hash(to_toml(sweep) + "\n" + fs::absolute(outcome.dir).lexically_normal().string());
    std::uint64_t shared[2] = {error.empty() ? 0u : 1u, mine};
    MPI_Bcast(shared, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (shared[0] != 0) {
        if (mpi.rank() == 0) throw Error(error);
        throw Error(mpi.where() + ": rank 0 could not start the sweep (its error is above)");
    }
    int differs = shared[1] != mine, any = 0;
    MPI_Allreduce(&differs, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (differs)
        throw Error(mpi.where() + " resolved another sweep or sweep folder than rank 0: every rank must read the "
                                  "same files at the same paths (a shared file system) from the same working folder");
    if (any) throw Error(mpi.where() + ": another rank resolved another sweep than rank 0 (its error is above)");
    return folder;
}

// Rank 0: the queue, its own runs, every other rank's requests and reports.
SweepOutcome lead(const MpiSession& mpi, const Sweep& sweep, const SweepOptions& options, std::ostream& out,
                  SweepOutcome outcome, const std::vector<std::size_t>& todo) {
    std::deque<std::size_t> queue(todo.begin(), todo.end());
    outcome.total = static_cast<int>(sweep.runs.size());
    if (outcome.skipped > 0 && stop_signal() == 0)
        out << "resuming: " << outcome.skipped << " of " << outcome.total << " runs already finished\n";
    out.flush();

    RunSlots slots(sweep, options, outcome.dir);
    std::vector<std::set<std::size_t>> given(static_cast<std::size_t>(mpi.size()));  // handed out, not done
    std::vector<bool> gone(static_cast<std::size_t>(mpi.size()), false);  // said bye
    int following = mpi.size() - 1;  // ranks that have not said bye
    bool stopping = false;
    int done = outcome.skipped;
    auto tell = [&](const Done& d) {
        if (d.told == Told::finished) ++outcome.skipped;
        else if (d.told == Told::elsewhere) ++outcome.elsewhere;
        else count_end(d.told == Told::ok ? RunStatus::ok : d.told == Told::diverged ? RunStatus::diverged : RunStatus::failed,
                       outcome);
        out << "[" << ++done << "/" << outcome.total << "] " << sweep.runs[d.run].id << ": " << d.text << "\n";
        out.flush();
    };
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, options.jobs));
    for (;;) {
        if (!stopping && stop_signal() != 0) {
            stopping = true;
            slots.stop_all();
            for (int r = 1; r < mpi.size(); ++r)
                if (!gone[static_cast<std::size_t>(r)]) send_int(kStop, r);
        }
        while (!stopping && !queue.empty() && slots.running() < jobs) {
            const std::size_t run = queue.front();
            queue.pop_front();
            std::string holder;
            const RunSlots::Start s = slots.start(run, &holder);
            if (s != RunSlots::Start::started) {
                const Told told = s == RunSlots::Start::finished ? Told::finished : Told::elsewhere;
                tell({run, told, not_started_text(told, holder)});
            }
        }
        int flag = 0;
        MPI_Status st;
        while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) == MPI_SUCCESS && flag) {
            const auto from = static_cast<std::size_t>(st.MPI_SOURCE);
            if (st.MPI_TAG == kRequest) {
                receive_int(st);
                long long run = -1;
                if (!stopping && !queue.empty()) {
                    run = static_cast<long long>(queue.front());
                    queue.pop_front();
                    given[from].insert(static_cast<std::size_t>(run));
                }
                MPI_Send(&run, 1, MPI_LONG_LONG, st.MPI_SOURCE, kAssign, MPI_COMM_WORLD);
            } else if (st.MPI_TAG == kDone) {
                const Done d = receive_done(st);
                given[from].erase(d.run);
                tell(d);
            } else if (st.MPI_TAG == kBye) {
                receive_int(st);
                --following;
                gone[from] = true;
                // A rank stopped on its own: its unfinished runs are the others' now.
                if (!stopping) queue.insert(queue.begin(), given[from].begin(), given[from].end());
                given[from].clear();
            } else {
                throw Error("an unexpected message (tag " + std::to_string(st.MPI_TAG) + ") from rank " +
                            std::to_string(st.MPI_SOURCE));
            }
        }
        if (following == 0 && slots.running() == 0 && (queue.empty() || stopping)) break;
        if (stopping || slots.running() == 0) {
            std::this_thread::sleep_for(kPoll);
            continue;
        }
        if (const std::optional<RunSlots::Ended> e = slots.wait(kPoll)) tell({e->run, told_of(e->end.status), e->text});
    }
    if (stopping) {
        outcome.interrupted = true;
        out << "\ninterrupted: finished runs are kept; resume with the same mpirun command:\n  mpirun -np "
            << mpi.size() << " " << options.resume_command << "\n";
        clear_stop_signal();
    }
    return outcome;
}

// Every other rank: asks for a run whenever a slot is free, trains it,
// reports its end.
SweepOutcome follow(const Sweep& sweep, const SweepOptions& options, SweepOutcome outcome) {
    outcome.reports = false;
    RunSlots slots(sweep, options, outcome.dir);
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, options.jobs));
    bool more = true, asked = false, stopping = false;
    long long assigned = -1;
    MPI_Request request = MPI_REQUEST_NULL;
    for (;;) {
        int told_to_stop = 0;
        MPI_Status st;
        MPI_Iprobe(0, kStop, MPI_COMM_WORLD, &told_to_stop, &st);
        if (told_to_stop) receive_int(st);
        if (!stopping && (told_to_stop || stop_signal() != 0)) {
            stopping = true;
            more = false;
            slots.stop_all();
        }
        if (more && !asked && slots.running() < jobs) {
            send_int(kRequest);
            MPI_Irecv(&assigned, 1, MPI_LONG_LONG, 0, kAssign, MPI_COMM_WORLD, &request);
            asked = true;
        }
        int answered = 0;
        if (asked) MPI_Test(&request, &answered, MPI_STATUS_IGNORE);
        if (answered) {
            asked = false;
            if (assigned < 0) more = false;
            else if (!stopping) {  // a run given while stopping goes back to rank 0 with the bye
                std::string holder;
                const auto run = static_cast<std::size_t>(assigned);
                const RunSlots::Start s = slots.start(run, &holder);
                if (s != RunSlots::Start::started) {
                    const Told told = s == RunSlots::Start::finished ? Told::finished : Told::elsewhere;
                    send_done({run, told, not_started_text(told, holder)});
                }
            }
            continue;
        }
        if (!more && !asked && slots.running() == 0) break;
        if (slots.running() == 0) {  // only rank 0's answer to wait for
            std::this_thread::sleep_for(kPoll);
            continue;
        }
        // A child's end, a stop from rank 0, or rank 0's answer: whichever comes first.
        if (const std::optional<RunSlots::Ended> e = slots.wait(asked ? kPoll : std::chrono::milliseconds(200)))
            send_done({e->run, told_of(e->end.status), e->text});
    }
    send_int(kBye);
    outcome.interrupted = stopping;
    clear_stop_signal();
    return outcome;
}

}  // namespace

SweepOutcome run_sweep_over_ranks(const Sweep& sweep, const SweepOptions& options, std::ostream& out) {
    MpiSession mpi;
    SweepOutcome outcome;
    outcome.dir = sweep_folder(sweep, options);
    std::vector<std::size_t> todo;
    const std::unique_ptr<FolderClaim> folder = agree_on_the_sweep(mpi, sweep, outcome, todo);
    if (mpi.rank() == 0) {
        out << terminal_safe(sweep.base.name) << ": " << sweep.runs.size() << " runs over " << mpi.size()
            << " ranks, " << std::max(1, options.jobs) << " at a time on each\n";
        out.flush();
    }
    try {
        return mpi.rank() == 0 ? lead(mpi, sweep, options, out, outcome, todo) : follow(sweep, options, outcome);
    } catch (const std::exception& e) {
        mpi.fail(e.what());
    }
}

}  // namespace soma
