// Output folders (run and sweep folders) and who may write into them.
//
// soma writes only into an output folder it may call its own: one that did
// not exist or was empty, which it then marks with the file .soma (the
// marker), or one that already holds soma's marker for the same kind of
// output. It never writes into anything else, so `--out` can never overwrite
// a user's files, and never with two processes at once: the process that
// writes holds an exclusive lock (flock) on the folder's .lock file, which
// also records its host, pid and command line for the message the second
// one gets.
//
// A sweep folder may also be held shared: by the shards of a sweep (Slurm
// array tasks, `--shard K/N`) and by the rank that schedules an MPI sweep;
// each of them then claims every run folder it trains on its own, so two
// processes never train one run. A whole local sweep holds its folder alone.
// On a cluster the lock lives on the shared file system: flock works across
// machines on NFS (Linux maps it to NFS byte-range locks) and on Lustre
// mounted with -o flock.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string_view>

#include "util/error.h"

namespace soma {

enum class FolderKind { run, sweep };

// How a claim holds its folder: alone (no other claim at all) or shared
// with other shared claims (shards of one sweep).
enum class FolderHold { alone, shared };

// A claim refused because another process holds the folder now.
class FolderBusy : public Error {
public:
    FolderBusy(const std::string& message, std::string holder) : Error(message), holder(std::move(holder)) {}
    std::string holder;  // "pid 1234 on node7: soma run ...", "" when not recorded yet
};

// "run" or "sweep"
const char* folder_kind_name(FolderKind kind);

// Throws soma::Error, writing nothing, unless `dir` may be written as a
// `kind` folder: it does not exist, is an empty folder, or holds soma's
// marker for `kind`. The file system root is refused whatever it holds.
void check_output_folder(const std::filesystem::path& dir, FolderKind kind);

// Holds an output folder while soma writes into it: checks it as above,
// creates it, marks it and locks it. A second claim of the same folder, by
// any process, is refused with a message naming the folder and the process
// that holds it (FolderBusy). The lock ends with this object (or with the
// process).
class FolderClaim {
public:
    FolderClaim(std::filesystem::path dir, FolderKind kind, FolderHold hold = FolderHold::alone);
    ~FolderClaim();
    FolderClaim(const FolderClaim&) = delete;
    FolderClaim& operator=(const FolderClaim&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // Removes everything in the folder but the marker, the lock and the
    // files named in `keep`: a run that restarts (from scratch, or from the
    // checkpoint it keeps).
    void clear(std::initializer_list<std::string_view> keep = {}) const;

private:
    std::filesystem::path dir_;
    int lock_fd_ = -1;
};

}  // namespace soma
