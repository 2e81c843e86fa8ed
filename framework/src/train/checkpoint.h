// A run's checkpoint, checkpoint.soma in its run folder: everything a killed
// run needs to continue after its last complete epoch exactly as if it had
// never stopped (docs/model-format.md, "Checkpoints"). A model file
// (model/model_file.h: description, provenance, config, the network's
// parameters and buffers) with two more sections:
//   state     binary: u32 count, then per block its name (u32 length + bytes)
//             and its bytes (u64 length + bytes): the optimizer's blocks
//             ("optimizer.m.0") and the layers' ("layer2.rng"), soma/state.h
//   progress  binary: the run so far (RunResult: every epoch's metrics as
//             IEEE doubles, the confusion matrices, the chosen epoch, the
//             threads) and the sizes of the data it was trained on
// The data order needs nothing saved: the batcher's shuffle depends only on
// (seed, epoch), the schedule only on the epoch, early stopping only on the
// metrics. Written after every epoch (temporary file, then rename: a kill
// at any moment leaves the previous epoch's or this one's whole), removed
// when the run finishes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "model/model_file.h"
#include "soma/state.h"
#include "train/trainer.h"

namespace soma {

struct Dataset;

inline constexpr const char* checkpoint_file = "checkpoint.soma";
// What every refusal of a checkpoint ends with: the way out.
inline constexpr const char* checkpoint_remedy = "; remove it to train the run from the start";

struct SavedState {
    std::string name;   // "optimizer.m.0", "layer2.rng"
    std::string bytes;  // as the block held them
};

// The sizes of the splits a run trains and evaluates on; a resume refuses
// other data under the same config (a dataset's files replaced meanwhile).
struct DataShape {
    std::uint64_t train = 0, validation = 0, test = 0;
    int features = 0, classes = 0;
    bool operator==(const DataShape&) const = default;
};
DataShape data_shape(const Dataset& data);

struct Checkpoint {
    ModelFile model;  // the network after the last epoch of `result`; config = the resolved experiment
    std::vector<SavedState> state;
    RunResult result;  // the run so far: result.epochs.size() epochs done
    DataShape data;
    std::string source;  // the file it was read from, for messages
};

// The state blocks' bytes, copied.
std::vector<SavedState> save_state(const std::vector<StateBlock>& blocks);
// Writes saved state back into the blocks of a freshly built session. The
// names, order and sizes must match; else throws soma::Error naming `source`
// and the first difference.
void restore_state(const std::vector<SavedState>& saved, const std::vector<StateBlock>& blocks,
                   const std::string& source);

// The checkpoint's sections: the model's, then state and progress.
std::vector<Section> checkpoint_sections(const ModelFile& model, const std::vector<SavedState>& state,
                                         const RunResult& result, const DataShape& data);
Checkpoint checkpoint_from_sections(std::vector<Section> sections, const std::string& source);
// Atomically, without fsync (rewritten every epoch; a kill of the process
// cannot tear it, a power cut may lose the newest).
void write_checkpoint(const std::filesystem::path& file, const ModelFile& model, const std::vector<SavedState>& state,
                      const RunResult& result, const DataShape& data);
// Throws soma::Error naming the file and what is wrong (model/container.h's checks first).
Checkpoint read_checkpoint(const std::filesystem::path& file);

// The checkpoint a run in `dir` continues from, or nothing (training starts
// from epoch 1). Nothing when there is no checkpoint.soma; when its config is
// not `experiment`'s (another experiment was trained into the folder) or it
// was trained on other data, nothing either, with a line on `out` saying so.
// Otherwise the checkpoint, with a line "resuming after epoch K of N" (and a
// note when it was written on a CPU with other instruction sets). A
// checkpoint that cannot be read is an error naming the file, what is wrong
// and that removing it trains the run from the start: never ignored.
std::optional<Checkpoint> resumable_checkpoint(const std::filesystem::path& dir, const Experiment& experiment,
                                               const Dataset& data, std::ostream& out);

}  // namespace soma
