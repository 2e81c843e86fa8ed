// The Cli: parsing with CLI11, soma's help layout, usage errors with a
// one-line hint, and every error mapped to its exit status in one place.
#include "command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <oneapi/dnnl/dnnl.hpp>

#include "toolkit/text_table.h"
#include "util/names.h"
#include "util/sanitize.h"
#include "version.h"

namespace soma::cli {

namespace {

constexpr std::size_t kHelpWidth = 100;  // help text is not wider than this, whatever the terminal
constexpr std::size_t kNameColumn = 26;  // the widest option name that keeps its description beside it

// Every declared (not necessarily parsed) subcommand, hidden ones too when asked.
std::vector<const CLI::App*> subcommands_of(const CLI::App* command, bool hidden = false) {
    return command->get_subcommands([hidden](const CLI::App* s) { return hidden || !s->get_group().empty(); });
}

std::vector<const CLI::Option*> options_of(const CLI::App* command, bool positional) {
    return command->get_options([positional](const CLI::Option* o) {
        return o->nonpositional() != positional && !o->get_group().empty();
    });
}

// "-h, --help" / "--out DIR"
std::string option_label(const CLI::Option* o) {
    if (!o->nonpositional()) return o->get_name(true);
    std::vector<std::string> names;
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    std::string label = join(names);
    if (o->get_type_size() != 0 && !o->get_type_name().empty()) label += " " + o->get_type_name();
    return label;
}

// "  NAME    description" lines, the description wrapped beside the names.
std::string entries(const std::vector<std::pair<std::string, std::string>>& items, std::size_t width) {
    std::size_t name_width = 0;
    for (const auto& [name, _] : items)
        if (name.size() <= kNameColumn) name_width = std::max(name_width, name.size());
    const std::size_t indent = 2 + name_width + 2;
    std::string out;
    for (const auto& [name, text] : items) {
        std::string line = "  " + name;
        const std::vector<std::string> lines = wrap_text(text, width > indent + 20 ? width - indent : 0);
        if (name.size() > name_width) {
            out += line + "\n";
            line.clear();
        }
        for (const std::string& l : lines) {
            line.resize(indent, ' ');
            out += line + l + "\n";
            line.clear();
        }
        if (lines.empty()) out += line + "\n";
    }
    return out;
}

// The closest of candidates, as " (did you mean 'x'?)", or "".
std::string suggestion(const std::string& name, const std::vector<std::string>& candidates) {
    const std::string close = closest_name(name, candidates);
    return close.empty() ? "" : " (did you mean '" + close + "'?)";
}

std::string version_text() {
    const dnnl_version_t* v = dnnl_version();
    return "soma " + std::string(soma::version()) + " (oneDNN " + std::to_string(v->major) + "." +
           std::to_string(v->minor) + "." + std::to_string(v->patch) + ")\n";
}

// Prints an error message: its first line after "soma: error: ", the rest as
// they are. Messages quote what users and files wrote: nothing of it may
// drive the terminal.
void print_error(const std::string& message) { std::cerr << "soma: error: " << terminal_safe(message, true) << "\n"; }

}  // namespace

Cli::Cli(std::string program, std::vector<std::string> args)
    : app_("neural-network experiments from TOML files", "soma"), program_(std::move(program)), args_(std::move(args)) {
    app_.set_help_flag("-h,--help", "print this help and exit");
    app_.add_flag("--version", version_, "print soma's and oneDNN's versions and exit");
    // Extras are soma's to report: "unknown option '--x' (did you mean ...)".
    app_.allow_extras(true);
    app_.require_subcommand(0, 1);
}

CLI::App* Cli::add_command(CLI::App& parent, const std::string& name, const std::string& summary,
                           const std::vector<std::string>& examples) {
    CLI::App* command = parent.add_subcommand(name, summary);
    command->group("commands");
    command->allow_extras(true);
    command->require_subcommand(0, 1);
    examples_[command] = examples;
    return command;
}

void Cli::on_run(CLI::App* command, std::function<int()> action) { actions_[command] = std::move(action); }

CLI::Option* Cli::complete(CLI::Option* option, Completion how) {
    completions_[option] = std::move(how);
    return option;
}

std::string Cli::command_path(const CLI::App* command) {
    std::string path = command->get_name();
    for (const CLI::App* p = command->get_parent(); p; p = p->get_parent()) path = p->get_name() + " " + path;
    return path;
}

std::string Cli::usage(const CLI::App* command) const {
    std::string out = command_path(command);
    if (command == &app_) return out + " [--version] COMMAND [ARGS]";
    if (!options_of(command, false).empty()) out += " [options]";
    for (const CLI::Option* p : options_of(command, true)) {
        std::string name = option_label(p);
        if (p->get_items_expected_max() > 1) name += "...";
        out += " " + (p->get_required() ? name : "[" + name + "]");
    }
    if (!subcommands_of(command).empty()) out += " COMMAND";
    return out;
}

std::string Cli::help(const CLI::App* command, std::size_t width) const {
    width = std::min(width, kHelpWidth);
    std::string out;
    for (const std::string& line : wrap_text(command_path(command) + ": " + command->get_description(), width))
        out += line + "\n";
    out += "\nusage: " + usage(command) + "\n";
    auto section = [&](const std::string& title, const std::vector<std::pair<std::string, std::string>>& items) {
        if (!items.empty()) out += "\n" + title + ":\n" + entries(items, width);
    };
    std::vector<std::pair<std::string, std::string>> items;
    for (const CLI::App* s : subcommands_of(command)) items.emplace_back(s->get_name(), s->get_description());
    section("commands", items);
    items.clear();
    for (const CLI::Option* p : options_of(command, true)) items.emplace_back(option_label(p), p->get_description());
    section("arguments", items);
    items.clear();
    for (const CLI::Option* o : options_of(command, false)) {
        std::string text = o->get_description();
        if (!o->get_default_str().empty()) text += " (default: " + o->get_default_str() + ")";
        items.emplace_back(option_label(o), text);
    }
    section("options", items);
    if (auto it = examples_.find(command); it != examples_.end() && !it->second.empty()) {
        out += it->second.size() == 1 ? "\nexample:\n" : "\nexamples:\n";
        for (const std::string& e : it->second) out += "  " + e + "\n";
    }
    if (command == &app_)
        out += "\n'soma help COMMAND' or 'soma COMMAND --help' shows what a command takes.\n";
    return out;
}

CLI::App* Cli::chosen() const {
    CLI::App* command = const_cast<CLI::App*>(&app_);
    while (true) {
        const std::vector<CLI::App*> parsed = command->get_subcommands();
        if (parsed.empty()) return command;
        command = parsed.front();
    }
}

int Cli::usage_error(const CLI::App* command, const std::string& message) const {
    std::cerr << command_path(command) << ": " << terminal_safe(message) << "\nusage: " << usage(command) << "  ('"
              << command_path(command) << " --help' for more)\n";
    return kUsage;
}

int Cli::parse_error(const CLI::ParseError& e) const {
    std::string message = e.what();
    // CLI11 says "--out: 1 required DIR missing" for an option given without its value.
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && message.find(" required ") != std::string::npos &&
        message.ends_with(" missing"))
        message = message.substr(0, message.find(':')) + " needs a value";
    return usage_error(chosen(), message);
}

int Cli::run() {
    try {
        std::vector<std::string> reversed(args_.rbegin(), args_.rend());  // CLI11 takes them last first
        app_.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        std::cout << help(chosen(), output_width());
        return kOk;
    } catch (const CLI::ParseError& e) {
        return parse_error(e);
    }
    CLI::App* command = chosen();
    try {
        if (version_ && command == &app_) {
            std::cout << version_text();
            return kOk;
        }
        // Left over: an unknown option, one argument too many, an unknown command.
        const std::vector<std::string> extra =
            command->get_prefix_command() ? std::vector<std::string>() : command->remaining();
        for (const std::string& x : extra) {
            if (x.size() < 2 || x[0] != '-') continue;
            const std::string name = x.substr(0, x.find('='));
            std::vector<std::string> known;
            for (const CLI::Option* o : options_of(command, false)) {
                for (const std::string& l : o->get_lnames()) known.push_back("--" + l);
                for (const std::string& s : o->get_snames()) known.push_back("-" + s);
            }
            throw UsageError{"unknown option '" + name + "'" + suggestion(name, known)};
        }
        if (!extra.empty()) {
            std::vector<std::string> names;
            for (const CLI::App* s : subcommands_of(command)) names.push_back(s->get_name());
            if (!names.empty())
                throw UsageError{"unknown command '" + extra.front() + "'" + suggestion(extra.front(), names)};
            throw UsageError{"unexpected argument '" + extra.front() + "'"};
        }
        auto action = actions_.find(command);
        if (action == actions_.end()) {
            if (command == &app_) {
                std::cerr << help(command, output_width());
                return kUsage;
            }
            std::vector<std::string> names;
            for (const CLI::App* s : subcommands_of(command)) names.push_back(s->get_name());
            throw UsageError{"needs a command: " + join(names)};
        }
        return action->second();
    } catch (const UsageError& e) {
        return usage_error(command, e.message);
    } catch (const dnnl::error& e) {
        print_error("oneDNN: " + std::string(e.what()) + " (status " + std::to_string(static_cast<int>(e.status)) +
                    ")");
        return kFailed;
    } catch (const std::exception& e) {
        print_error(e.what());
        return kFailed;
    }
}

CLI::Validator whole_number(long long min, long long max) {
    return CLI::Validator(
        [min, max](std::string& value) -> std::string {
            try {
                std::size_t used = 0;
                const long long n = std::stoll(value, &used);
                if (used == value.size() && n >= min && n <= max) return "";
            } catch (const std::exception&) {
            }
            const std::string range = max >= 1'000'000'000 ? ">= " + std::to_string(min)
                                                            : "in " + std::to_string(min) + ".." + std::to_string(max);
            return "expected a whole number " + range + ", got '" + value + "'";
        },
        "");
}

CLI::Validator one_of(const std::vector<std::string>& names) {
    return CLI::Validator(
        [names](std::string& value) -> std::string {
            if (std::find(names.begin(), names.end(), value) != names.end()) return "";
            return "expected one of " + join(names) + ", got '" + value + "'" + suggestion(value, names);
        },
        "");
}

std::optional<double> parse_seconds(const std::string& text) {
    try {
        std::size_t used = 0;
        const double s = std::stod(text, &used);
        const std::string unit = text.substr(used);
        const double factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
        if (factor > 0 && std::isfinite(s * factor) && s * factor > 0) return s * factor;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

CLI::Validator seconds() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (parse_seconds(value)) return "";
            return "expected a time > 0 in seconds, or with a unit s, m or h (90, 1.5, 10m, 2h), got '" + value + "'";
        },
        "");
}

Completion choices(const std::vector<std::string>& names) { return {Completion::Kind::words, names}; }

std::size_t output_width() {
    winsize w{};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    if (const char* c = std::getenv("COLUMNS")) {
        char* end = nullptr;
        const long n = std::strtol(c, &end, 10);
        if (end != c && *end == '\0' && n > 0) return static_cast<std::size_t>(n);
    }
    return kDefaultTableWidth;
}

}  // namespace soma::cli
