// Time since the process started (its static initialisation), for the
// start-up budget: SOMA_TRACE_STARTUP=1 makes the trainer print it at the
// first training batch.
#pragma once

namespace soma {

double milliseconds_since_start();
bool trace_startup();  // SOMA_TRACE_STARTUP is set and not "0"

}  // namespace soma
