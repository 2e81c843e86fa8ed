// The report's building blocks: statistics, PNG, SVG chart, formatting.
#include <gtest/gtest.h>
#include <zlib.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "report/aggregate.h"
#include "report/confusion.h"
#include "toolkit/format.h"
#include "report/model_shape.h"
#include "report/summary_table.h"
#include "report/neuron_images.h"
#include "toolkit/png.h"
#include "toolkit/svg_chart.h"
#include "util/error.h"

namespace soma {
namespace {

TEST(Stats, SampleStandardDeviationOverFiniteValues) {
    Stat s = stat_of({1.0, 2.0, 3.0, 4.0, NAN});
    EXPECT_EQ(s.n, 4);
    EXPECT_DOUBLE_EQ(s.mean, 2.5);
    EXPECT_DOUBLE_EQ(s.std, std::sqrt(5.0 / 3.0));
    Stat one = stat_of({0.7});
    EXPECT_EQ(one.std, 0.0);
    Stat none = stat_of({NAN, INFINITY});
    EXPECT_EQ(none.n, 0);
    EXPECT_TRUE(std::isnan(none.mean));
}

TEST(Png, EncodesAValidFile) {
    std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 0, 255};  // 2 x 1: red, blue
    std::string png = encode_png(2, 1, rgb);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
    // IEND's CRC is the well-known AE 42 60 82.
    EXPECT_EQ(png.substr(png.size() - 4), std::string("\xae\x42\x60\x82", 4));
    EXPECT_THROW(encode_png(3, 1, rgb), Error);
    EXPECT_EQ(base64("Man"), "TWFu");
    EXPECT_EQ(base64("Ma"), "TWE=");
    EXPECT_EQ(base64("M"), "TQ==");
    EXPECT_EQ(png_data_uri("M"), "data:image/png;base64,TQ==");
}

TEST(NeuronImages, BluePositiveRedNegativeNormalisedPerNeuron) {
    unsigned char c[3];
    weight_color(2.0, 2.0, c);
    EXPECT_GT(c[2], 200);
    EXPECT_LT(c[0], c[2]);
    weight_color(-1.0, 2.0, c);
    EXPECT_GT(c[0], 100);
    EXPECT_LT(c[2], c[0]);
    weight_color(0.0, 2.0, c);
    EXPECT_EQ(c[0] + c[1] + c[2], 0);
    SavedTensor t{"layer0.weights", {70, 784}, std::vector<float>(70 * 784, 0.5f)};
    LayerImages layer = first_layer_images({t});
    EXPECT_EQ(layer.units, 70);
    EXPECT_EQ(layer.side, 28);
    EXPECT_EQ(layer.images.size(), 64u);
    SavedTensor odd{"layer0.weights", {4, 20}, std::vector<float>(80, 1.f)};
    EXPECT_TRUE(first_layer_images({odd}).images.empty());
    EXPECT_NE(first_layer_images({odd}).note.find("not a square"), std::string::npos);
    EXPECT_FALSE(first_layer_images({}).note.empty());
}

TEST(SvgChart, AxesTicksLegendAndEscapedText) {
    LineChart c;
    c.id = "t";
    c.title = "A <b> & c";
    c.x.label = "epoch";
    c.y.label = "accuracy";
    c.y.percent = true;
    c.series.push_back({"one", "", {1, 2, 3}, {0.5, 0.8, 0.9}, {0.4, 0.7, 0.85}, {0.6, 0.9, 0.95}, true});
    c.series.push_back({"two \"q\"", "", {1, 2, 3}, {0.4, NAN, 0.7}, {}, {}, false});
    std::string svg = render_svg(c);
    EXPECT_EQ(svg.find("<svg xmlns"), std::string::npos);  // inline SVG in HTML5 needs none
    EXPECT_NE(svg.find("A &lt;b&gt; &amp; c"), std::string::npos);
    EXPECT_NE(svg.find("two &quot;q&quot;"), std::string::npos);
    EXPECT_NE(svg.find("<polygon"), std::string::npos);          // the band
    EXPECT_NE(svg.find(">80%</text>"), std::string::npos);       // a percent tick
    EXPECT_NE(svg.find(">epoch</text>"), std::string::npos);
    EXPECT_NE(svg.find("clip-path=\"url(#t-plot)\""), std::string::npos);
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    c.standalone = true;
    EXPECT_NE(render_svg(c).find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(palette_color(0), palette_color(1));
    EXPECT_NE(palette_color(0), palette_color(10));
    std::vector<double> ticks = nice_ticks(0, 1);
    ASSERT_EQ(ticks.size(), 6u);
    EXPECT_NEAR(ticks[3], 0.6, 1e-12);
    EXPECT_NEAR(ticks.back(), 1.0, 1e-12);
}

TEST(SvgChart, LogAxisUsesGivenTicks) {
    LineChart c;
    c.id = "log";
    c.x.log = true;
    c.x.ticks = {16, 64, 256};
    c.series.push_back({"relu", "", {16, 64, 256}, {0.9, 0.95, 0.97}, {}, {}, false});
    std::string svg = render_svg(c);
    for (const char* t : {">16</text>", ">64</text>", ">256</text>"}) EXPECT_NE(svg.find(t), std::string::npos) << t;
}

TEST(SvgChart, ErrorBarsAndWhereTheAxisStarts) {
    LineChart c;
    c.id = "bars";
    c.x.log = true;
    c.x.label = "parameters";
    c.x.ticks = log_ticks({13002, 101770});
    c.y.label = "accuracy";
    c.y.percent = true;
    c.y.say_start = true;
    ChartSeries s{"relu, 1 hidden layer", "", {13002, 101770}, {0.95, 0.97}, {0.94, 0.965}, {0.96, 0.975}};
    s.error_bars = true;
    c.series.push_back(s);
    const std::string svg = render_svg(c);
    EXPECT_EQ(svg.find("<polygon"), std::string::npos);  // bars, not a band
    std::size_t bars = 0;
    for (std::size_t p = svg.find("<path d=\"M"); p != std::string::npos; p = svg.find("<path d=\"M", p + 1)) ++bars;
    EXPECT_EQ(bars, 2u);
    // The y axis does not start at 0 and says where it does.
    EXPECT_NE(svg.find("accuracy (axis starts at 94%, not 0)"), std::string::npos) << svg;
    // Log ticks 1-2-5 around the values, with thousands grouped.
    EXPECT_EQ(c.x.ticks, (std::vector<double>{10000, 20000, 50000, 100000, 200000}));
    EXPECT_NE(svg.find(">20,000</text>"), std::string::npos);
    // Each point's tooltip carries its interval.
    EXPECT_NE(svg.find("95.00% (94.00% to 96.00%)"), std::string::npos);
    // An axis from 0 says nothing more.
    c.y.min = 0;
    EXPECT_EQ(render_svg(c).find("axis starts at"), std::string::npos);
}

TEST(Confusion, CountsAndLabels) {
    std::vector<std::vector<double>> m = {{50, 2}, {0, 48}};
    std::string svg = confusion_svg(m);
    EXPECT_NE(svg.find(">50</text>"), std::string::npos);
    EXPECT_NE(svg.find(">48</text>"), std::string::npos);
    EXPECT_NE(svg.find("true label"), std::string::npos);
    EXPECT_NE(svg.find("predicted label"), std::string::npos);
    EXPECT_NE(svg.find("96.2%"), std::string::npos);  // recall of class 0
}

TEST(Format, NumbersAndNames) {
    EXPECT_EQ(fmt_percent(0.97123), "97.12%");
    EXPECT_EQ(fmt_percent(NAN), "-");
    EXPECT_EQ(fmt_count(13002), "13,002");
    EXPECT_EQ(fmt_count(999), "999");
    EXPECT_EQ(fmt_exact(0.1), "0.1");
    EXPECT_EQ(fmt_exact(NAN), "");
    EXPECT_EQ(xml_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    EXPECT_EQ(short_axis_names({"model.activation", "training.seed"}),
              (std::vector<std::string>{"activation", "seed"}));
    EXPECT_EQ(short_axis_names({"model.activation_params.alpha", "training.optimizer.alpha"}),
              (std::vector<std::string>{"activation_params.alpha", "optimizer.alpha"}));
}

TEST(ModelShape, FromAssignmentsOrConfigToml) {
    EXPECT_EQ(toml_value_label("\"relu\""), "relu");
    EXPECT_EQ(toml_value_label("[16, 16]"), "16x16");
    EXPECT_EQ(toml_value_label("0.1"), "0.1");
    EXPECT_EQ(toml_value_label("not toml ["), "not toml [");
    ModelShape s = model_shape({{"model.hidden", "[16, 32]"}, {"model.activation", "\"tanh\""}}, "");
    EXPECT_TRUE(s.known);
    EXPECT_EQ(s.total_units(), 48);
    EXPECT_EQ(s.hidden_label(), "16x32");
    EXPECT_EQ(s.activation, "tanh");
    EXPECT_FALSE(model_shape({}, "/nonexistent/config.toml").known);

    const auto file = std::filesystem::temp_directory_path() / ("soma_report_shape_" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << "[model]\noutput_activation = \"\"\n\n[[model.layers]]\ntype = \"dense\"\nunits = 32\n"
                           "activation = \"relu\"\n\n[[model.layers]]\ntype = \"dense\"\nunits = 8\nactivation = \"tanh\"\n";
    ModelShape layers = model_shape({}, file);
    EXPECT_TRUE(layers.known);
    EXPECT_EQ(layers.hidden_label(), "32x8");
    EXPECT_EQ(layers.activation, "relu/tanh");
    // An axis overrides what config.toml says.
    EXPECT_EQ(model_shape({{"model.activation", "\"gelu\""}}, file).activation, "gelu");
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace soma
