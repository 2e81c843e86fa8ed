// Which epoch of a run counts: chosen on the validation split only, never on
// the test set. The one rule, used by the trainer (the chosen epoch's
// confusion matrix and weights, early stopping), summary.json, the sweep
// runner and the report.
//
// The rule: each epoch's score is the mean validation accuracy of that epoch
// and the two before it (fewer at the start); the chosen epoch is the one
// with the highest score, the earliest among equals. Taking the best single
// epoch would pick the maximum of many noisy estimates (on 6,000 digits one
// epoch's accuracy is uncertain by about ±0.3 points), which rewards a run
// for noise. Averaging three epochs triples the predictions behind each
// score, so the chosen epoch's score is less inflated by luck, at the cost
// of looking one epoch behind. The window trails, so an epoch's score is
// known as soon as it ends and the chosen epoch's state can be kept then.
// Without a validation split nothing may be chosen: the last epoch counts.
#pragma once

#include <vector>

namespace soma {

inline constexpr int selection_window = 3;

// The rule in a few words, for reports and summary.json.
inline constexpr const char* epoch_rule_text =
    "the epoch with the highest mean validation accuracy over it and the 2 epochs before it (earliest among "
    "equals); the last epoch when there is no validation split";

// Each epoch's score: the mean of the finite validation accuracies among it
// and the selection_window - 1 epochs before it; NaN when none is finite.
std::vector<double> selection_scores(const std::vector<double>& validation_accuracy);

struct EpochChoice {
    int index = -1;  // into the epochs (0-based); -1 when there are none
    double score;    // the chosen epoch's score; NaN without validation numbers
    EpochChoice();
};

// The epoch with the highest score; a later epoch replaces the chosen one
// only when it beats it by more than min_delta (early stopping's tolerance;
// 0 for the choice itself). Without any validation number: the last epoch.
EpochChoice choose_epoch(const std::vector<double>& validation_accuracy, double min_delta = 0);

}  // namespace soma
