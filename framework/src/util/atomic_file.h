// Result files are written whole or not at all: write a temporary file in the
// same folder, flush it to disk, then rename it over the target.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace soma {

// sync = false skips the fsync: still never half-written after a crash of the
// process, but after a power loss the file may be empty. For files rewritten
// every epoch; the final versions are written with sync.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents, bool sync = true);

// Creates the file whole, unless it exists: false then (it is left as it
// is). Of several processes creating it at once, on one machine or on a file
// system they share, exactly one does (link(2) is atomic).
bool write_file_once(const std::filesystem::path& path, std::string_view contents);

// Removes the temporary files of writes in `dir` (not below it) whose
// process died mid-write ("NAME.tmp.HOST.PID"). Only for a folder this
// process holds (train/output_folder.h), where no other process writes.
void remove_temporaries(const std::filesystem::path& dir);

// fsync of an existing file (after writes made with sync = false).
void sync_file(const std::filesystem::path& path);

// The whole content of a file, "" when it is missing or unreadable (for
// files soma wrote itself and reads back whole: logs, resolved configs).
std::string read_file_or_empty(const std::filesystem::path& path);

}  // namespace soma
