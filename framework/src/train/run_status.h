// A run's outcome, with its one table of names (as summary.json, the sweep
// runner's lines and the report spell them).
#pragma once

#include "util/name_table.h"

namespace soma {

enum class RunStatus {
    ok,        // trained every epoch (or stopped early)
    diverged,  // the loss became NaN or infinite; the epochs before it count
    failed,    // ended without a result (error, crash, killed)
    pending,   // not finished: no summary.json yet (never written into one)
};

inline constexpr auto run_status_names = name_table<RunStatus>({{RunStatus::ok, "ok"},
                                                                {RunStatus::diverged, "diverged"},
                                                                {RunStatus::failed, "failed"},
                                                                {RunStatus::pending, "pending"}});

}  // namespace soma
