// One table of names per enum: parsing, printing and the list of choices
// all come from it, so a name is written once and an unknown one can only
// be refused (never silently mapped to some default).
//
//   enum class Schedule { constant, step };
//   inline constexpr auto schedule_names = name_table<Schedule>({{Schedule::constant, "constant"},
//                                                                {Schedule::step, "step"}});
//   schedule_names.name(Schedule::step)  -> "step"
//   schedule_names.find("step")          -> Schedule::step;  find("stpe") -> nullopt
//   schedule_names.names()               -> {"constant", "step"}
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soma {

template <class E, std::size_t N>
struct NameTable {
    std::array<std::pair<E, std::string_view>, N> entries;

    // Every enumerator has an entry (the tests check each table); "?" guards the impossible.
    constexpr std::string_view name(E value) const {
        for (const auto& [e, n] : entries)
            if (e == value) return n;
        return "?";
    }
    constexpr std::optional<E> find(std::string_view name) const {
        for (const auto& [e, n] : entries)
            if (n == name) return e;
        return std::nullopt;
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& entry : entries) out.emplace_back(entry.second);
        return out;
    }
};

template <class E, std::size_t N>
constexpr NameTable<E, N> name_table(const std::pair<E, std::string_view> (&entries)[N]) {
    NameTable<E, N> t{};
    for (std::size_t i = 0; i < N; ++i) t.entries[i] = entries[i];
    return t;
}

}  // namespace soma
