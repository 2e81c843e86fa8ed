// Shell completion from the declarations: `soma __complete WORD... CURRENT`
// prints one candidate for CURRENT per line. Lines starting with ':' are
// for the shell script (cli/soma-completion.bash): ":toml", ":so" and
// ":folders" add matching file names, ":nospace" keeps the cursor after a
// candidate ("training.epochs=").
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>

#include "commands.h"
#include "config/schema.h"
#include "plugin/registry.h"

namespace soma::cli {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

const CLI::App* visible_subcommand(const CLI::App* command, const std::string& name) {
    for (const CLI::App* s : command->get_subcommands({}))
        if (!s->get_group().empty() && s->get_name() == name) return s;
    return nullptr;
}

const CLI::Option* option_named(const CLI::App* command, const std::string& name) {
    for (const CLI::Option* o : command->get_options()) {
        for (const std::string& l : o->get_lnames())
            if (name == "--" + l) return o;
        for (const std::string& s : o->get_snames())
            if (name == "-" + s) return o;
    }
    return nullptr;
}

std::vector<std::string> plugin_names(bool activations_only) {
    Registry registry;
    registry.load_folders(default_plugin_folders());
    std::set<std::string> names;
    for (Kind k : {Kind::activation, Kind::layer, Kind::optimizer}) {
        if (activations_only && k != Kind::activation) continue;
        for (const std::string& n : registry.names(k)) names.insert(n);
    }
    return {names.begin(), names.end()};
}

}  // namespace

std::vector<std::string> Cli::completions(const std::vector<std::string>& words) {
    const std::string current = words.empty() ? std::string() : words.back();
    const CLI::App* command = &app_;
    const CLI::Option* pending = nullptr;  // an option waiting for its value
    std::vector<std::string> positionals;  // of the command reached
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const std::string& w = words[i];
        if (pending) {
            pending = nullptr;
            continue;
        }
        if (w.size() > 1 && w[0] == '-') {
            const CLI::Option* o = option_named(command, w.substr(0, w.find('=')));
            if (o && o->get_type_size() != 0 && w.find('=') == std::string::npos) pending = o;
            continue;
        }
        if (const CLI::App* sub = visible_subcommand(command, w); sub && positionals.empty()) {
            command = sub;
            continue;
        }
        positionals.push_back(w);
    }

    std::vector<std::string> out;
    auto add = [&](const std::string& candidate) {
        if (starts_with(candidate, current)) out.push_back(candidate);
    };
    const CLI::Option* value_of = pending;
    if (!value_of && starts_with(current, "-")) {
        for (const CLI::Option* o : command->get_options([](const CLI::Option* o) {
                 return o->nonpositional() && !o->get_group().empty();
             })) {
            for (const std::string& l : o->get_lnames()) add("--" + l);
        }
        return out;
    }
    if (!value_of) {
        if (positionals.empty())
            for (const CLI::App* s : command->get_subcommands({}))
                if (!s->get_group().empty()) add(s->get_name());
        // The positional the current word fills: the next one, or the last when it takes many.
        const auto declared =
            command->get_options([](const CLI::Option* o) { return !o->nonpositional() && !o->get_group().empty(); });
        std::size_t filled = positionals.size();
        for (const CLI::Option* p : declared) {
            if (p->get_items_expected_max() > 1 || filled == 0) {  // takes this word
                value_of = p;
                break;
            }
            --filled;
        }
    }
    if (!value_of) return out;
    auto it = completions_.find(value_of);
    if (it == completions_.end()) return out;
    const Completion& how = it->second;
    switch (how.kind) {
        case Completion::Kind::none: break;
        case Completion::Kind::words:
            for (const std::string& w : how.words) add(w);
            break;
        case Completion::Kind::commands: {
            const CLI::App* c = &app_;
            for (const std::string& w : positionals)
                if (const CLI::App* sub = visible_subcommand(c, w)) c = sub;
            for (const CLI::App* s : c->get_subcommands({}))
                if (!s->get_group().empty()) add(s->get_name());
            break;
        }
        case Completion::Kind::toml_files: out.insert(out.begin(), ":toml"); break;
        case Completion::Kind::folders: out.insert(out.begin(), ":folders"); break;
        case Completion::Kind::model_files: out.insert(out.begin(), ":soma"); break;
        case Completion::Kind::plugins:
            out.push_back(":so");
            for (const std::string& n : plugin_names(false)) add(n);
            break;
        case Completion::Kind::activations:
            for (const std::string& n : plugin_names(true)) add(n);
            break;
        case Completion::Kind::settings:
            out.push_back(":nospace");
            for (const std::string& p : settable_paths()) add(p + "=");
            break;
    }
    return out;
}

void add_complete(Cli& cli) {
    CLI::App* cmd = cli.add_command(cli.app(), "__complete", "the candidates for the last word, one per line",
                                    {"soma __complete run --th"});
    cmd->group("");           // hidden: for cli/soma-completion.bash, not for people
    cmd->prefix_command();    // every word after it is data, not options
    cli.on_run(cmd, [&cli, cmd] {
        for (const std::string& c : cli.completions(cmd->remaining())) std::cout << c << "\n";
        return kOk;
    });
}

}  // namespace soma::cli
