// Include resolution and the table merge it is built on.
#include "config/include.h"

#include <map>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "config/schema.h"

namespace soma {

namespace {

struct IncludeRef {
    std::filesystem::path path;  // resolved against the naming file's folder
    SourcePos pos;               // where it is written
};

// Takes the include list out of one table (top level or [experiment]).
void take_includes(Node& table, const std::string& label, std::vector<IncludeRef>& out) {
    Node* list = table.find("include");
    if (!list) return;
    auto add = [&](const Node& item) {
        if (item.type != Node::Type::string)
            throw ConfigError(item.pos, label + ": expected a file path (a string), got " + type_name(item.type));
        out.push_back({item.dir / item.string, item.pos});
    };
    if (list->type == Node::Type::string) {
        add(*list);
    } else if (list->type == Node::Type::array) {
        for (const auto& item : list->items) add(item);
    } else {
        throw ConfigError(list->pos, label + ": expected a list of file paths, got " + type_name(list->type));
    }
    table.erase("include");
}

// The identity of a file for cycle detection.
std::filesystem::path identity(const std::filesystem::path& file) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(file, ec);
    return ec ? std::filesystem::absolute(file).lexically_normal() : canonical;
}

// How many values a document holds (tables and lists count as one each).
std::size_t count_values(const Node& node) {
    std::size_t n = 1;
    for (const auto& [k, v] : node.entries) n += count_values(v);
    for (const auto& item : node.items) n += count_values(item);
    return n;
}

// Expands each file once per document: a file named again (a diamond) is
// merged from its cached expansion instead of being read and expanded anew.
class IncludeReader {
public:
    explicit IncludeReader(IncludeStats& stats) : stats_(stats) {}

    // The file with its includes merged; cached by the file's identity.
    const Node& expand(const std::filesystem::path& file, const SourcePos* where) {
        const auto id = identity(file);
        for (std::size_t i = 0; i < stack_.size(); ++i) {
            if (stack_[i] != id) continue;
            std::string chain;
            for (std::size_t j = i; j < names_.size(); ++j) chain += names_[j] + " -> ";
            chain += display_path(file);
            throw ConfigError(*where, "include cycle: " + chain);
        }
        if (auto it = done_.find(id); it != done_.end()) return it->second;

        std::size_t bytes = 0;
        Node own = read_toml_file(file, where, &bytes);
        ++stats_.files_read;
        stats_.bytes += bytes;
        if (where && stats_.bytes > kMaxIncludedBytes)
            throw ConfigError(*where, "includes read more than " + std::to_string(kMaxIncludedBytes) +
                                          " bytes of config files in all");

        std::vector<IncludeRef> includes;
        take_includes(own, "include", includes);
        if (Node* experiment = own.find("experiment"); experiment && experiment->is_table())
            take_includes(*experiment, "experiment.include", includes);
        if (includes.empty()) return done_.emplace(id, std::move(own)).first->second;

        stack_.push_back(id);
        names_.push_back(display_path(file));
        Node merged;
        merged.pos = own.pos;
        merged.dir = own.dir;
        for (const auto& inc : includes) {
            if (++stats_.includes > kMaxIncludes)
                throw ConfigError(inc.pos, "more than " + std::to_string(kMaxIncludes) +
                                               " includes in all (a file named twice counts twice)");
            const Node& included = expand(inc.path, &inc.pos);
            stats_.values_merged += count_values(included);
            if (stats_.values_merged > kMaxIncludedValues)
                throw ConfigError(inc.pos, "includes merge more than " + std::to_string(kMaxIncludedValues) +
                                               " values in all (a file named twice counts twice)");
            merge_into(merged, included);
        }
        stack_.pop_back();
        names_.pop_back();
        merge_into(merged, std::move(own));
        return done_.emplace(id, std::move(merged)).first->second;
    }

private:
    IncludeStats& stats_;
    std::map<std::filesystem::path, Node> done_;  // expansions by identity
    std::vector<std::filesystem::path> stack_;    // files being expanded, for cycles
    std::vector<std::string> names_;              // the same as named in messages
};

}  // namespace

void merge_into(Node& base, Node over, const std::string& path) {
    if (!base.is_table() || !over.is_table()) {
        base = std::move(over);
        return;
    }
    // Keys by position in base: a lookup per key would make merging two
    // tables of n keys cost n^2 (an included table of 100,000 keys).
    std::unordered_map<std::string, std::size_t> index;
    auto reindex = [&] {
        index.clear();
        for (std::size_t i = 0; i < base.entries.size(); ++i) index.emplace(base.entries[i].first, i);
    };
    reindex();
    for (auto& [key, value] : over.entries) {
        bool erased = false;
        for (const auto& d : displaced_keys(path, key)) erased |= base.erase(d);
        if (erased) reindex();
        const auto it = index.find(key);
        Node* existing = it == index.end() ? nullptr : &base.entries[it->second].second;
        if (existing && existing->is_table() && value.is_table()) {
            const SourcePos key_pos = value.key_pos;
            merge_into(*existing, std::move(value), path.empty() ? key : path + "." + key);
            existing->key_pos = key_pos;  // the winner's key is where the table is named now
        } else if (existing) {
            *existing = std::move(value);
        } else {
            index.emplace(key, base.entries.size());
            base.entries.emplace_back(key, std::move(value));
        }
    }
    base.pos = over.pos;
    base.dir = over.dir;
}

Node read_document(const std::filesystem::path& file, IncludeStats* stats) {
    IncludeStats local;
    IncludeReader reader(stats ? *stats : local);
    return reader.expand(file, nullptr);
}

}  // namespace soma

