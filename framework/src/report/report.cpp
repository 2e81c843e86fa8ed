#include "report/report.h"

#include "report/aggregate.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "report/summary_table.h"
#include "util/atomic_file.h"

namespace soma {

ReportPaths write_report(const std::filesystem::path& sweep_dir) {
    const SweepRecord sweep = load_results(sweep_dir);
    const SweepSummary summary = summarize(sweep);
    // Everything is rendered before anything is written: a malformed input
    // leaves the previous report files as they were.
    const std::string csv = summary_csv_text(sweep, summary);
    const std::string json = summary_json_text(sweep, summary);
    const std::string md = report_markdown(sweep, summary);
    const std::string html = report_html(sweep, summary);
    // A run folder has a summary.json of its own: its report goes into report/.
    const std::filesystem::path out = sweep.single_run ? sweep_dir / "report" : sweep_dir;
    ReportPaths paths{out / "summary.csv", out / "summary.json", out / "report.md", out / "report.html"};
    write_file_atomic(paths.summary_csv, csv);
    write_file_atomic(paths.summary_json, json);
    write_file_atomic(paths.markdown, md);
    write_file_atomic(paths.html, html);
    return paths;
}

std::string missing_runs_text(const std::filesystem::path& sweep_dir) {
    const SweepRecord sweep = load_results(sweep_dir);
    std::vector<std::string> missing;
    for (const RunRecord& r : sweep.runs)
        if (!r.finished()) missing.push_back(r.id.empty() ? "run" : r.id);
    if (missing.empty()) return "";
    constexpr std::size_t named = 20;
    std::string text = std::to_string(missing.size()) + " of " + std::to_string(sweep.runs.size()) +
                       " runs have no results yet:";
    for (std::size_t i = 0; i < missing.size() && i < named; ++i) text += (i ? ", " : " ") + missing[i];
    if (missing.size() > named) text += " and " + std::to_string(missing.size() - named) + " more";
    return text;
}

std::string ranked_table_text(const std::filesystem::path& sweep_dir, std::size_t width) {
    const SweepRecord sweep = load_results(sweep_dir);
    return ranked_text(sweep, summarize(sweep), width);
}

std::string ranked_table_json(const std::filesystem::path& sweep_dir) {
    const SweepRecord sweep = load_results(sweep_dir);
    return summary_json_text(sweep, summarize(sweep));
}

}  // namespace soma
