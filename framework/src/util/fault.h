// Fault injection for the tests that kill a run at chosen moments (a resumed
// run must continue exactly; docs/model-format.md, "Checkpoints"). Armed only
// by the environment variable SOMA_FAULT, which a user never needs:
//   SOMA_FAULT=kill-mid-write:NAME:N
// kills this process with SIGKILL halfway through the N-th atomic write
// (util/atomic_file.h) of a file called NAME in this process, leaving its
// temporary file half written, as a power cut or `kill -9` at that instant
// would. Unset (or not naming this file), it costs one comparison per write.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace soma {

// For an atomic write of `file` of `size` bytes about to start: the byte
// count after which the process must kill itself (size / 2), or size + 1
// when no fault is armed for this write.
std::size_t fault_kill_after(const std::filesystem::path& file, std::size_t size);

// Kills this process now (SIGKILL): the armed fault's end.
[[noreturn]] void fault_kill();

// The armed fault parsed: NAME and N of "kill-mid-write:NAME:N"; N = 0 when
// `spec` is not one (a malformed SOMA_FAULT arms nothing, and says so on stderr).
struct MidWriteFault {
    std::string_view name;
    std::size_t nth = 0;
};
MidWriteFault parse_mid_write_fault(std::string_view spec);

}  // namespace soma
