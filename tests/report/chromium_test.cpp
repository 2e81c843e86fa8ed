// Renders report.html in headless Chromium (when installed): the page loads
// with no network, the screenshot is a real picture, and the DOM after
// parsing names every configuration and carries the verdict.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "fake_sweep.h"
#include "report/report.h"
#include "toolkit/format.h"
#include "toolkit/json.h"

namespace soma {
namespace {

namespace fs = std::filesystem;

const char* const chromium = "/usr/bin/chromium";

int run(const std::string& command) {
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string chromium_command(const fs::path& profile, const std::string& what, const fs::path& html) {
    return std::string("timeout 180 ") + chromium +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
           " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir='" +
           profile.string() + "' " + what + " 'file://" + html.string() + "'";
}

TEST(Chromium, RendersTheReport) {
    if (!fs::exists(chromium)) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
    test::TempDir dir("chromium");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path html = write_report(dir.path()).html;
    const fs::path shot = dir.path() / "screenshot.png";

    int code = run(chromium_command(dir.path() / "profile1", "--screenshot='" + shot.string() + "' --window-size=1200,3000", html) +
                   " > '" + (dir.path() / "shot.log").string() + "' 2>&1");
    EXPECT_EQ(code, 0) << test::read_text(dir.path() / "shot.log");
    ASSERT_TRUE(fs::exists(shot)) << test::read_text(dir.path() / "shot.log");
    const std::string png = test::read_text(shot);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_GT(png.size(), 50'000u) << "a near-empty screenshot";

    const fs::path dom = dir.path() / "dom.html";
    code = run(chromium_command(dir.path() / "profile2", "--dump-dom", html) + " > '" + dom.string() + "' 2> '" +
               (dir.path() / "dom.log").string() + "'");
    EXPECT_EQ(code, 0) << test::read_text(dir.path() / "dom.log");
    const std::string text = test::read_text(dom);
    EXPECT_NE(text.find("Sweep report: fake_mnist"), std::string::npos);
    for (const auto& r : runs) {
        EXPECT_NE(text.find(r.config_id), std::string::npos) << r.config_id;
        EXPECT_NE(text.find(r.id), std::string::npos) << r.id;
    }
    // The verdict as summary.json states it, and the intervals.
    const Json summary = read_json_file(dir.path() / "summary.json", 1 << 20);
    const std::string headline = summary.at("verdict").at("headline");
    EXPECT_NE(text.find(xml_escape(headline)), std::string::npos) << headline;
    EXPECT_NE(text.find("95% interval"), std::string::npos);
    EXPECT_NE(text.find("the chosen one"), std::string::npos);
    if (const char* keep = std::getenv("SOMA_REPORT_KEEP")) {
        fs::create_directories(keep);
        fs::copy_file(shot, fs::path(keep) / "screenshot.png", fs::copy_options::overwrite_existing);
        fs::copy_file(html, fs::path(keep) / "report.html", fs::copy_options::overwrite_existing);
    }
}

}  // namespace
}  // namespace soma
