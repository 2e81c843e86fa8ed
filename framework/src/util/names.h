// Closest-name suggestions for "unknown name" errors.
#pragma once

#include <string>
#include <vector>

namespace soma {

// Levenshtein distance between a and b.
std::size_t edit_distance(const std::string& a, const std::string& b);
// Whether a and b differ in ASCII letter case at most ("Relu", "relu").
bool same_ignoring_case(const std::string& a, const std::string& b);
// The candidate nearest to `name`, or "" if none is plausibly meant
// (distance more than half the name's length, at least 3); a candidate that
// `name` is the start of counts as meant. Case does not count: "Relu" means
// 'relu' (not 'elu', one deletion away); among equally near candidates the
// one nearer in case wins.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");
// "unknown activation 'sigmod' (did you mean 'sigmoid'?; known: relu, sigmoid)"
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known);

}  // namespace soma
