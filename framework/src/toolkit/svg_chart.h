// A line chart as inline SVG: lines with optional shaded bands or error bars
// (e.g. 95% intervals), axes with ticks and labels, a title and a legend. Self-contained
// (no scripts, fonts or external references); values outside the axis
// ranges (fixed, or from the series that set them) are clipped to the plot.
// Reusable by any report.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace soma {

struct ChartSeries {
    std::string name;
    std::string color;            // CSS colour; "" = palette_color(index)
    std::vector<double> x, y;     // the line; non-finite points break it
    std::vector<double> lo, hi;   // a band around it, same length as x (empty: none)
    bool emphasis = false;        // drawn thicker, on top
    bool dashed = false;          // thin and dashed (e.g. a single diverged run)
    bool sets_range = true;       // false: left out of the automatic axis ranges (clipped instead)
    bool error_bars = false;      // lo..hi drawn as a bar at each point instead of a band
};

struct ChartAxis {
    std::string label;
    bool log = false;                      // log10 scale (x > 0 only)
    bool percent = false;                  // values are fractions, ticks read "90%"
    bool integer = false;                  // ticks on whole numbers only (epochs)
    std::vector<double> ticks;             // explicit ticks (else chosen)
    std::vector<std::string> categories;   // x only: names at x = 0, 1, ...
    double min = std::numeric_limits<double>::quiet_NaN();  // fixed range (else from data)
    double max = std::numeric_limits<double>::quiet_NaN();
    bool say_start = false;                // the label says where the axis starts when that is not 0
};

struct LineChart {
    std::string id;      // unique within the page (clip path ids)
    std::string title;
    ChartAxis x, y;
    std::vector<ChartSeries> series;
    int width = 1020, height = 400;
    std::string legend_title;
    bool standalone = false;  // an .svg file of its own (adds the xmlns); inline in HTML5 without
};

// A distinct colour per index (ten, then repeating darker).
std::string palette_color(std::size_t index);

std::string render_svg(const LineChart& chart);

// Tick values for [lo, hi]: about `count` "nice" steps (1, 2, 2.5, 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

// Ticks for a log axis: the 1-2-5 values from the one at or below the
// smallest positive value to the one at or above the largest, so there are
// always at least two (none without a positive value).
std::vector<double> log_ticks(const std::vector<double>& values);

}  // namespace soma
