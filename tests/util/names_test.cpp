// Name tables: each enum's names written once, every enumerator named.
#include <gtest/gtest.h>

#include <set>

#include "config/experiment.h"
#include "train/run_status.h"
#include "util/name_table.h"

namespace soma {
namespace {

enum class Colour { red, green };
constexpr auto colour_names = name_table<Colour>({{Colour::red, "red"}, {Colour::green, "green"}});

TEST(NameTable, NamesFindsAndLists) {
    static_assert(colour_names.name(Colour::green) == "green");
    static_assert(colour_names.find("red") == Colour::red);
    EXPECT_FALSE(colour_names.find("Red").has_value());
    EXPECT_FALSE(colour_names.find("").has_value());
    EXPECT_EQ(colour_names.names(), (std::vector<std::string>{"red", "green"}));
}

// Every enumerator has its own name, and the name finds it again.
template <class E, std::size_t N>
void expect_complete(const NameTable<E, N>& table, const std::vector<E>& all) {
    ASSERT_EQ(N, all.size());
    std::set<std::string_view> seen;
    for (E e : all) {
        const std::string_view name = table.name(e);
        EXPECT_NE(name, "?");
        EXPECT_TRUE(seen.insert(name).second) << name;
        EXPECT_EQ(table.find(name), e) << name;
    }
}

TEST(NameTable, EverySchemeScheduleAndStatusIsNamed) {
    expect_complete(schedule_names, {Schedule::constant, Schedule::step, Schedule::exponential, Schedule::cosine});
    expect_complete(init_scheme_names, {InitScheme::xavier, InitScheme::he, InitScheme::uniform, InitScheme::normal});
    expect_complete(run_status_names, {RunStatus::ok, RunStatus::diverged, RunStatus::failed, RunStatus::pending});
    EXPECT_EQ(schedule_names.names(), (std::vector<std::string>{"constant", "step", "exponential", "cosine"}));
    EXPECT_EQ(init_scheme_names.names(), (std::vector<std::string>{"xavier", "he", "uniform", "normal"}));
    expect_complete(bias_init_names, {BiasInit::zero, BiasInit::uniform, BiasInit::normal});
}

}  // namespace
}  // namespace soma
