// The frame of every HTML page soma writes (report.html, bench.html): one
// stylesheet for all of them, and nothing fetched from anywhere (no scripts,
// fonts or links), so a page opens the same offline and years later.
#pragma once

#include <string>

namespace soma {

// "<!DOCTYPE html>" up to and including "<main>", with the title (escaped here) and the stylesheet.
std::string html_page_start(const std::string& title);
// Closes what html_page_start opened.
std::string html_page_end();

}  // namespace soma
