// Output folders (run and sweep folders) and who may write into them.
//
// soma writes only into an output folder it may call its own: one that did
// not exist or was empty, which it then marks with the file .soma (the
// marker), or one that already holds soma's marker for the same kind of
// output. It never writes into anything else, so `--out` can never overwrite
// a user's files, and never with two processes at once: the process that
// writes holds an exclusive lock on the folder's .lock file, which also
// records its pid and command line for the message the second one gets.
#pragma once

#include <filesystem>

namespace soma {

enum class FolderKind { run, sweep };

// "run" or "sweep"
const char* folder_kind_name(FolderKind kind);

// Throws soma::Error, writing nothing, unless `dir` may be written as a
// `kind` folder: it does not exist, is an empty folder, or holds soma's
// marker for `kind`. The file system root is refused whatever it holds.
void check_output_folder(const std::filesystem::path& dir, FolderKind kind);

// Holds an output folder while soma writes into it: checks it as above,
// creates it, marks it and locks it. A second claim of the same folder, by
// any process, is refused with a message naming the folder and the process
// that holds it. The lock ends with this object (or with the process).
class FolderClaim {
public:
    FolderClaim(std::filesystem::path dir, FolderKind kind);
    ~FolderClaim();
    FolderClaim(const FolderClaim&) = delete;
    FolderClaim& operator=(const FolderClaim&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // Removes everything in the folder but the marker and the lock: a run
    // that restarts from scratch.
    void clear() const;

private:
    std::filesystem::path dir_;
    int lock_fd_ = -1;
};

}  // namespace soma
