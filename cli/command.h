// What every subcommand file uses to declare itself: the Cli (CLI11 app,
// actions, completion hints), option checks with soma's messages, exit
// codes. How to add a subcommand: the comment at the top of main.cpp.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace soma::cli {

// The exit statuses of soma (README, "Exit status").
enum ExitStatus : int {
    kOk = 0,
    kFailed = 1,        // an error, a failed check, a sweep with failed runs
    kUsage = 2,         // a bad command line: unknown option, missing argument, bad value
    kDiverged = 3,      // a single run's loss became NaN or infinite
    kIncomplete = 4,    // soma report: runs of the sweep have no results yet (shards or ranks not done)
    kInterrupted = 130  // stopped by Ctrl-C (SIGINT) or SIGTERM; a sweep can be resumed
};

// A bad command line found after parsing (e.g. two things that exclude each
// other); main prints it with a one-line hint and exits with kUsage.
struct UsageError {
    std::string message;
};

// How the value of an option or argument is completed in the shell.
struct Completion {
    enum class Kind {
        none,
        words,        // the choices below
        commands,     // soma's commands (for `soma help`)
        toml_files,   // *.toml files (and folders to reach them)
        folders,
        model_files,  // *.soma files (and folders: run folders, and to reach them)
        plugins,      // plugin names, and *.so files
        activations,  // activation plugin names
        settings      // config paths for --set (PATH=)
    };
    Completion(Kind kind_ = Kind::none, std::vector<std::string> words_ = {})
        : kind(kind_), words(std::move(words_)) {}
    Kind kind;
    std::vector<std::string> words;  // Kind::words: the choices
};

// The command line being declared and then run.
class Cli {
public:
    // program: argv[0] as typed (for commands soma prints to paste); args: the rest.
    Cli(std::string program, std::vector<std::string> args);

    CLI::App& app() { return app_; }
    const std::string& program() const { return program_; }
    const std::vector<std::string>& args() const { return args_; }

    // Declares subcommand `name` of parent: a one-line summary, and examples
    // (whole command lines, "soma ..."), which its --help prints.
    CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& summary,
                          const std::vector<std::string>& examples);
    // What the subcommand runs once its command line parsed; returns the exit status.
    void on_run(CLI::App* command, std::function<int()> action);
    // How the shell completes an option's or argument's value.
    CLI::Option* complete(CLI::Option* option, Completion how);

    // Parses args, runs the chosen subcommand, and maps every error to its
    // message on stderr and exit status.
    int run();

    // `soma __complete WORD...`: the candidates for the last word (see complete.cpp).
    std::vector<std::string> completions(const std::vector<std::string>& words);

    // The help of a command ("soma run --help"), fitted to width.
    std::string help(const CLI::App* command, std::size_t width) const;
    // "soma plugin new"
    static std::string command_path(const CLI::App* command);

private:
    std::string usage(const CLI::App* command) const;
    int parse_error(const CLI::ParseError& e) const;
    // Prints "soma run: message" and the usage line with the hint; returns kUsage.
    int usage_error(const CLI::App* command, const std::string& message) const;
    CLI::App* chosen() const;

    CLI::App app_;
    std::string program_;
    std::vector<std::string> args_;
    std::map<const CLI::App*, std::function<int()>> actions_;
    std::map<const CLI::App*, std::vector<std::string>> examples_;
    std::map<const CLI::Option*, Completion> completions_;
    bool version_ = false;
};

// Checks for option values, failing with "expected ..., got 'x'".
CLI::Validator whole_number(long long min, long long max = 1'000'000'000);
// One of names; suggests the closest. Use with complete(option, choices(names)).
CLI::Validator one_of(const std::vector<std::string>& names);
Completion choices(const std::vector<std::string>& names);

// Seconds > 0, plain or with a unit: "90", "1.5", "90s", "10m", "2h"; nothing otherwise.
std::optional<double> parse_seconds(const std::string& text);
// Checks an option's value with parse_seconds.
CLI::Validator seconds();

// The columns tables are fitted to: the terminal's when stdout is one, else
// $COLUMNS, else toolkit's default (100).
std::size_t output_width();

}  // namespace soma::cli
