// The bench outputs: terminal table, bench.csv, bench.json, bench.html.
#include <cmath>
#include <sstream>

#include "bench/bench.h"
#include "toolkit/format.h"
#include "toolkit/html_page.h"
#include "toolkit/text_table.h"
#include "toolkit/svg_chart.h"
#include "toolkit/verdict.h"
#include "util/atomic_file.h"

namespace soma {

namespace {

std::string threads_text(const BenchOptions& o) {
    return o.threads > 0 ? std::to_string(o.threads) : std::string("automatic");
}

std::string fmt_mb(double v) { return fmt_fixed(v, 1); }

bool any_accuracy(const BenchResult& r) {
    for (const BenchRow& row : r.rows)
        if (!row.test_accuracies.empty()) return true;
    return false;
}

// One series over the architectures: value(row) at x = 0, 1, ...
ChartSeries per_architecture(const BenchResult& r, const std::string& name, double (*value)(const BenchRow&)) {
    ChartSeries s;
    s.name = name;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        s.x.push_back(static_cast<double>(i));
        s.y.push_back(value(r.rows[i]));
    }
    return s;
}

// Two measures side by side per architecture, on a log axis with 1-2-5 ticks.
LineChart architecture_chart(const BenchResult& r, ChartSeries a, ChartSeries b) {
    LineChart c;
    c.x.label = "architecture";
    for (const BenchRow& row : r.rows) c.x.categories.push_back(row.architecture);
    c.y.log = true;
    std::vector<double> all = a.y;
    all.insert(all.end(), b.y.begin(), b.y.end());
    c.y.ticks = log_ticks(all);
    c.series = {std::move(a), std::move(b)};
    return c;
}

LineChart throughput_chart(const BenchResult& r) {
    LineChart c = architecture_chart(
        r,
        per_architecture(r, "training, batch " + std::to_string(r.options.batch),
                         [](const BenchRow& b) { return b.train_samples_per_second / 1000; }),
        per_architecture(r, "inference, batch 256", [](const BenchRow& b) { return b.infer_samples_per_second / 1000; }));
    c.id = "throughput";
    c.title = "Throughput per architecture (log scale; higher is better)";
    c.y.label = "thousand samples/s";
    c.legend_title = "measure";
    return c;
}

LineChart latency_chart(const BenchResult& r) {
    ChartSeries p99 = per_architecture(r, "p99", [](const BenchRow& b) { return b.latency_p99_us; });
    p99.dashed = true;
    LineChart c = architecture_chart(
        r, per_architecture(r, "p50", [](const BenchRow& b) { return b.latency_p50_us; }), std::move(p99));
    c.id = "latency";
    c.title = "Batch-1 inference latency (µs, log scale; lower is better)";
    c.y.label = "µs per sample";
    c.legend_title = "percentile";
    return c;
}

LineChart accuracy_chart(const BenchResult& r) {
    LineChart c;
    c.id = "accuracy";
    c.title = "Test accuracy against parameters (mean over seeds, bar = 95% interval)";
    c.x.label = "parameters (log scale)";
    c.x.log = true;
    c.y.label = "test accuracy";
    c.y.percent = true;
    c.y.say_start = true;
    c.legend_title = "architecture";
    std::vector<double> sizes;
    for (const BenchRow& row : r.rows) {
        const Stat a = row.accuracy();
        ChartSeries s;
        s.name = row.architecture;
        s.x = {static_cast<double>(row.parameters)};
        s.y = {a.mean};
        s.lo = {a.lo()};
        s.hi = {a.hi()};
        s.error_bars = true;
        sizes.push_back(static_cast<double>(row.parameters));
        c.series.push_back(s);
    }
    c.x.ticks = log_ticks(sizes);
    return c;
}

// The architectures as a verdict names them, with their accuracy counts.
VerdictWords accuracy_words(const BenchResult& r) {
    VerdictWords w;
    for (const BenchRow& row : r.rows) {
        w.names.push_back(row.architecture);
        w.counts.push_back(row.accuracy().n);
    }
    w.measure = "test accuracy after " + std::to_string(r.options.accuracy_epochs) + " epochs";
    w.noun = "architecture";
    return w;
}

}  // namespace

LeaderVerdict accuracy_verdict(const BenchResult& r) {
    std::vector<SeededSample> groups;
    std::size_t leader = static_cast<std::size_t>(-1);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        SeededSample g;
        g.values = r.rows[i].test_accuracies;
        for (std::size_t k = 0; k < g.values.size(); ++k) g.seeds.push_back(r.options.seed + k);
        g.split = r.options.data.dataset;  // every architecture trains and tests on the same data
        const double mean = r.rows[i].accuracy().mean;
        if (std::isfinite(mean) && (leader >= r.rows.size() || mean > r.rows[leader].accuracy().mean)) leader = i;
        groups.push_back(std::move(g));
    }
    return compare_with_leader(groups, leader);
}

std::string accuracy_headline(const BenchResult& r) {
    const LeaderVerdict v = accuracy_verdict(r);
    if (v.leader >= r.rows.size()) return "";
    const VerdictWords w = accuracy_words(r);
    std::string out = verdict_headline(v, w);
    const std::string power = power_sentence(v, w);
    if (!power.empty()) out += " " + power;
    const int fewest = fewest_values(w.counts);
    if (fewest < 3 && r.rows.size() > 1)
        out += " With " + std::to_string(fewest) + (fewest == 1 ? " seed" : " seeds") +
               " per architecture this is no evidence: use --seeds 3 or more.";
    return out;
}

namespace {

std::string accuracy_cell(const BenchRow& b) {
    const Stat a = b.accuracy();
    if (a.n == 0) return "-";
    return fmt_percent_stat(a) + (a.n > 1 ? " (sd " + fmt_fixed(100 * a.std, 2) + ", n " + std::to_string(a.n) + ")" : "");
}

}  // namespace

std::string bench_table_text(const BenchResult& r, std::size_t width) {
    std::vector<std::vector<std::string>> rows = {{"architecture", "params", "FLOPs/sample", "threads",
                                                   "train samples/s", "infer samples/s", "p50 us", "p99 us",
                                                   "peak MB", "test acc"}};
    for (const BenchRow& b : r.rows)
        rows.push_back({b.architecture, fmt_count(static_cast<double>(b.parameters)), fmt_count(b.flops),
                        std::to_string(b.threads), fmt_count(b.train_samples_per_second),
                        fmt_count(b.infer_samples_per_second), fmt_fixed(b.latency_p50_us, 1),
                        fmt_fixed(b.latency_p99_us, 1), fmt_mb(b.peak_memory_mb), accuracy_cell(b)});
    std::ostringstream o;
    const BenchOptions& opt = r.options;
    o << "soma bench: dataset " << opt.data.dataset << " (" << r.train_samples << " train / " << r.test_samples
      << " test), activation " << opt.activation << ", batch " << opt.batch << ", threads " << threads_text(opt)
      << ". FLOPs/sample = 2 x multiply-adds of one forward pass. train: median samples/s of " << opt.epochs
      << (opt.epochs == 1 ? " epoch" : " epochs") << " after a warm-up epoch; infer: batch 256, inference mode;"
      << " p50/p99: batch-1 latency over " << opt.latency_samples << " samples; peak MB: VmHWM of the measuring process";
    if (opt.accuracy_epochs > 0)
        o << "; test acc after " << opt.accuracy_epochs << " epochs, mean ± 95% interval over seeds " << opt.seed
          << ".." << opt.seed + static_cast<std::uint64_t>(opt.accuracy_seeds) - 1;
    o << ".";
    std::string out;
    for (const std::string& line : wrap_text(o.str(), width)) out += line + "\n";
    out += "\n" + text_table(rows, {false, true, true, true, true, true, true, true, true, true}, width);
    const std::string verdict = accuracy_headline(r);
    if (!verdict.empty())
        for (const std::string& line : wrap_text("\naccuracy: " + verdict, width)) out += line + "\n";
    return out;
}

std::string bench_csv(const BenchResult& r) {
    std::ostringstream o;
    o << "architecture,parameters,flops_per_sample,threads,batch,train_samples_per_second,"
         "infer_samples_per_second,latency_p50_us,latency_p99_us,latency_mean_us,peak_memory_mb,test_accuracy,"
         "test_accuracy_std,test_accuracy_n,test_accuracy_ci95_low,test_accuracy_ci95_high,accuracy_epochs\n";
    for (const BenchRow& b : r.rows)
        o << b.architecture << "," << b.parameters << "," << fmt_exact(b.flops) << "," << b.threads << ","
          << r.options.batch << "," << fmt_exact(b.train_samples_per_second) << ","
          << fmt_exact(b.infer_samples_per_second) << "," << fmt_exact(b.latency_p50_us) << ","
          << fmt_exact(b.latency_p99_us) << "," << fmt_exact(b.latency_mean_us) << "," << fmt_exact(b.peak_memory_mb)
          << "," << fmt_exact(b.accuracy().mean) << "," << fmt_exact(b.accuracy().std) << "," << b.accuracy().n << ","
          << fmt_exact(b.accuracy().lo()) << "," << fmt_exact(b.accuracy().hi()) << "," << b.accuracy_epochs << "\n";
    return o.str();
}

std::string bench_html(const BenchResult& r) {
    const BenchOptions& opt = r.options;
    std::ostringstream o;
    o << html_page_start("soma bench: " + std::to_string(r.rows.size()) + " architectures");
    o << "<h1>Benchmark: architectures against each other</h1>\n";
    o << "<p class=\"meta\">Dataset <b>" << xml_escape(opt.data.dataset) << "</b> (" << fmt_count(r.train_samples)
      << " training / " << fmt_count(r.test_samples) << " test samples), activation <code>"
      << xml_escape(opt.activation) << "</code>, training batch " << opt.batch << ", threads "
      << xml_escape(threads_text(opt)) << ".<br>Machine: " << xml_escape(r.machine) << ", " << r.cores
      << (r.cores == 1 ? " core" : " cores") << "; " << xml_escape(r.date) << ".</p>\n";

    // Headline: the fastest to train; the most accurate only when it is significantly so.
    const BenchRow* fastest = nullptr;
    for (const BenchRow& b : r.rows)
        if (!fastest || b.train_samples_per_second > fastest->train_samples_per_second) fastest = &b;
    if (fastest) {
        o << "<div class=\"headline\">Fastest to train: <b>" << xml_escape(fastest->architecture) << "</b> at "
          << fmt_count(fastest->train_samples_per_second) << " samples/s.";
        const std::string accuracy = accuracy_headline(r);
        if (!accuracy.empty()) o << "<br>Accuracy: " << xml_escape(accuracy);
        o << "</div>\n";
    }

    o << "<h2>Results</h2>\n<table class=\"bench\">\n<thead><tr><th>architecture</th><th class=\"num\">parameters</th>"
         "<th class=\"num\">FLOPs / sample</th><th class=\"num\">threads</th><th class=\"num\">training samples/s</th>"
         "<th class=\"num\">inference samples/s</th><th class=\"num\">latency p50 µs</th>"
         "<th class=\"num\">latency p99 µs</th><th class=\"num\">peak MB</th>";
    if (any_accuracy(r)) o << "<th class=\"num\">test accuracy</th>";
    o << "</tr></thead>\n<tbody>\n";
    double top = 0;
    for (const BenchRow& b : r.rows) top = std::max(top, b.train_samples_per_second);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        const BenchRow& b = r.rows[i];
        const double frac = top > 0 ? b.train_samples_per_second / top : 0;
        o << "<tr" << (&b == fastest ? " class=\"winner\"" : "") << " title=\"" << xml_escape(b.network) << "\"><td>"
          << "<code>" << xml_escape(b.architecture) << "</code></td><td class=\"num\">"
          << fmt_count(static_cast<double>(b.parameters)) << "</td><td class=\"num\">" << fmt_count(b.flops)
          << "</td><td class=\"num\">" << b.threads << "</td><td class=\"num rankcell\"><span class=\"bar\" "
          << "style=\"width:" << fmt_fixed(100 * frac, 1) << "%\"></span><span class=\"barval\">"
          << fmt_count(b.train_samples_per_second) << "</span></td><td class=\"num\">"
          << fmt_count(b.infer_samples_per_second) << "</td><td class=\"num\">" << fmt_fixed(b.latency_p50_us, 1)
          << "</td><td class=\"num\">" << fmt_fixed(b.latency_p99_us, 1) << "</td><td class=\"num\">"
          << fmt_mb(b.peak_memory_mb) << "</td>";
        if (any_accuracy(r)) o << "<td class=\"num\">" << xml_escape(accuracy_cell(b)) << "</td>";
        o << "</tr>\n";
    }
    o << "</tbody></table>\n";
    o << "<p class=\"note\">FLOPs / sample = 2 × the multiply-adds of one forward pass (biases and activations not "
         "counted). Training samples/s: median over "
      << opt.epochs << (opt.epochs == 1 ? " epoch" : " epochs")
      << " after one warm-up epoch on the training split (shuffle, uint8 scaling and the whole training step). "
         "Inference: batch 256 in inference mode over the test split, scaling included. Latency: one random test "
         "sample at a time (scaling, forward, argmax), over "
      << fmt_count(opt.latency_samples)
      << " samples after 100 warm-ups. Peak MB: the highest resident memory (VmHWM, 2<sup>20</sup> bytes) of a fresh "
         "process that loaded the plugins and the data and measured that architecture alone."
      << (any_accuracy(r) ? " Test accuracy after " + std::to_string(opt.accuracy_epochs) +
                                " epochs of SGD (learning rate 0.1): mean ± half-width of its 95% t-interval over " +
                                std::to_string(opt.accuracy_seeds) +
                                " seeds; architectures are compared by paired t-tests over the same seeds and data, "
                                "Holm-adjusted."
                          : std::string())
      << "</p>\n";

    o << "<h2>Throughput</h2>\n" << render_svg(throughput_chart(r));
    o << "<h2>Latency</h2>\n" << render_svg(latency_chart(r));
    if (any_accuracy(r)) {
        o << "<h2>Accuracy against size</h2>\n" << render_svg(accuracy_chart(r));
        o << "<p class=\"note\">One point per architecture: what its parameters buy after " << opt.accuracy_epochs
          << " epochs; the bar is the 95% interval of the mean over seeds.</p>\n";
    }
    o << "<footer>Generated by <code>soma bench</code>";
    if (!opt.source.empty()) o << " from <code>" << xml_escape(opt.source.string()) << "</code>";
    o << ". Also here: bench.csv, bench.json.</footer>\n" << html_page_end();
    return o.str();
}

BenchPaths write_bench_outputs(const BenchResult& r) {
    std::filesystem::create_directories(r.options.out);
    BenchPaths p{r.options.out / "bench.csv", r.options.out / "bench.json", r.options.out / "bench.html"};
    write_file_atomic(p.csv, bench_csv(r));
    write_file_atomic(p.json, bench_json(r));
    write_file_atomic(p.html, bench_html(r));
    return p;
}

}  // namespace soma
