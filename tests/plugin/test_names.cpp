// util/names: edit distance and closest-name suggestions used by the
// registry's "unknown name" errors.
#include <gtest/gtest.h>

#include "util/names.h"

namespace soma {
namespace {

TEST(Names, EditDistance) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("sigmoid", "sigmoid"), 0u);
    EXPECT_EQ(edit_distance("sigmod", "sigmoid"), 1u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("relu", "ulre"), edit_distance("ulre", "relu"));
}

TEST(Names, ClosestName) {
    const std::vector<std::string> known{"relu", "sigmoid", "leaky_relu"};
    EXPECT_EQ(closest_name("sigmod", known), "sigmoid");
    EXPECT_EQ(closest_name("relu", known), "relu");
    EXPECT_EQ(closest_name("leaky-relu", known), "leaky_relu");
    EXPECT_EQ(closest_name("transformer", known), "");
    EXPECT_EQ(closest_name("x", {}), "");
}

TEST(Names, CaseDoesNotCount) {
    // "Relu" is one deletion from 'elu' but only a capital from 'relu'.
    const std::vector<std::string> known{"elu", "relu", "sigmoid"};
    EXPECT_EQ(closest_name("Relu", known), "relu");
    EXPECT_EQ(closest_name("SIGMOD", known), "sigmoid");
    EXPECT_EQ(closest_name("ELU", known), "elu");
    // The same name but for case in two spellings: the one nearer in case wins.
    EXPECT_EQ(closest_name("ReLU", {"relu", "RELU"}), "RELU");
    EXPECT_EQ(closest_name("rElu", {"relu", "RELU"}), "relu");
    EXPECT_TRUE(same_ignoring_case("Relu", "rELU"));
    EXPECT_FALSE(same_ignoring_case("relu", "elu"));
    EXPECT_EQ(unknown_name_message("activation", "Relu", known),
              "unknown activation 'Relu' (did you mean 'relu'?); known: elu, relu, sigmoid");
}

TEST(Names, UnknownNameMessage) {
    EXPECT_EQ(unknown_name_message("activation", "sigmod", {"relu", "sigmoid"}),
              "unknown activation 'sigmod' (did you mean 'sigmoid'?); known: relu, sigmoid");
    EXPECT_EQ(unknown_name_message("layer", "dense", {}), "unknown layer 'dense'; known: none");
}

}  // namespace
}  // namespace soma
