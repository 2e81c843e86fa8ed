#include "toolkit/html_page.h"

#include "toolkit/format.h"

namespace soma {

namespace {

const char* const stylesheet = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; background: #f8f9fa;
       margin: 0; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; background: #ffffff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; border-bottom: 1px solid #dee2e6; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: #6c757d; margin: 0 0 14px; }
.headline { background: #e7f5ff; border-left: 5px solid #1f77b4; padding: 12px 16px; margin: 16px 0; font-size: 16px; }
.headline b { font-size: 17px; }
.note { color: #6c757d; font-size: 13px; margin: 4px 0 10px; }
.warn { background: #fff4e6; border-left: 5px solid #e8590c; padding: 8px 14px; margin: 12px 0; font-size: 14px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 5px 7px; border-bottom: 1px solid #e9ecef; text-align: left; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.winner td { background: #e7f5ff; font-weight: 600; }
tr.errrow td { border-bottom: 1px solid #e9ecef; padding-top: 0; }
table.ranked tr:has(+ tr.errrow) td { border-bottom: none; }
td.rankcell { position: relative; min-width: 120px; }
.bar { position: absolute; left: 0; top: 3px; bottom: 3px; background: #a5d8ff; opacity: 0.55; z-index: 0; }
.barval { position: relative; z-index: 1; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.chip { display: inline-block; border-radius: 9px; padding: 0 7px; font-size: 12px; margin: 1px 2px 1px 0; white-space: nowrap; }
.chip.ok { background: #d3f9d8; color: #2b8a3e; }
.chip.diverged { background: #ffe8cc; color: #d9480f; }
.chip.failed { background: #ffe3e3; color: #c92a2a; }
.chip.pending { background: #e9ecef; color: #495057; }
.err { color: #c92a2a; font-size: 12px; }
.sd { color: #868e96; font-size: 11px; font-weight: normal; }
a { color: #1864ab; }
code, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 12px; }
svg.chart, svg.confusion { display: block; margin: 6px 0 2px; max-width: 100%; height: auto; }
.figrow { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
.neurons { display: grid; grid-template-columns: repeat(8, 72px); gap: 6px; }
.neurons figure { margin: 0; text-align: center; font-size: 10px; color: #6c757d; }
.neurons img { width: 72px; height: 72px; image-rendering: pixelated; image-rendering: crisp-edges; display: block;
               border: 1px solid #343a40; }
.key { display: inline-block; width: 160px; height: 10px; vertical-align: middle; border: 1px solid #adb5bd;
       background: linear-gradient(to right, #ff3c32, #000000, #4696ff); margin: 0 6px; }
table.bench th { white-space: normal; vertical-align: bottom; }
table.bench td:first-child { white-space: nowrap; }
footer { color: #adb5bd; font-size: 12px; margin-top: 40px; }
)";

}  // namespace

std::string html_page_start(const std::string& title) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           xml_escape(title) + "</title>\n<style>" + stylesheet + "</style>\n</head>\n<body>\n<main>\n";
}

std::string html_page_end() { return "</main>\n</body>\n</html>\n"; }

}  // namespace soma
