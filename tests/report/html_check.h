// A small HTML well-formedness checker for the report tests: every opened
// non-void element is closed, in order; attribute values are quoted; text
// has no stray '<' and every '&' starts a character reference. Elements
// inside <svg> may close themselves ("<rect/>"). Returns "" when the page is
// well formed, else what is wrong and where.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace soma::test {

inline std::string check_html(const std::string& h) {
    static const std::vector<std::string> void_elements = {"area", "base", "br", "col", "embed", "hr", "img",
                                                           "input", "link", "meta", "source", "track", "wbr"};
    auto where = [&](std::size_t pos) {
        std::size_t line = 1 + static_cast<std::size_t>(std::count(h.begin(), h.begin() + static_cast<long>(pos), '\n'));
        return " at line " + std::to_string(line) + ": " + h.substr(pos, 60);
    };
    auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_'; };
    auto check_text = [&](std::size_t from, std::size_t to) -> std::string {
        for (std::size_t i = from; i < to; ++i) {
            if (h[i] == '>') return "stray '>' in text" + where(i);
            if (h[i] != '&') continue;
            std::size_t semi = h.find(';', i);
            if (semi == std::string::npos || semi > to || semi - i < 2 || semi - i > 10)
                return "'&' that is not a character reference" + where(i);
            for (std::size_t k = i + 1; k < semi; ++k)
                if (!std::isalnum(static_cast<unsigned char>(h[k])) && h[k] != '#')
                    return "'&' that is not a character reference" + where(i);
        }
        return "";
    };

    std::vector<std::string> open;
    std::size_t pos = 0;
    if (h.rfind("<!DOCTYPE html>", 0) != 0) return "does not start with <!DOCTYPE html>";
    pos = h.find('>') + 1;
    while (pos < h.size()) {
        std::size_t lt = h.find('<', pos);
        if (lt == std::string::npos) lt = h.size();
        if (auto e = check_text(pos, lt); !e.empty()) return e;
        if (lt == h.size()) break;
        if (h.compare(lt, 4, "<!--") == 0) {
            std::size_t end = h.find("-->", lt);
            if (end == std::string::npos) return "unclosed comment" + where(lt);
            pos = end + 3;
            continue;
        }
        const bool closing = h[lt + 1] == '/';
        std::size_t p = lt + (closing ? 2 : 1);
        std::size_t name_start = p;
        while (p < h.size() && is_name(h[p])) ++p;
        std::string name = h.substr(name_start, p - name_start);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name.empty()) return "'<' that does not start a tag" + where(lt);
        if (closing) {
            while (p < h.size() && std::isspace(static_cast<unsigned char>(h[p]))) ++p;
            if (p >= h.size() || h[p] != '>') return "malformed end tag" + where(lt);
            if (open.empty() || open.back() != name)
                return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">" + where(lt);
            open.pop_back();
            pos = p + 1;
            continue;
        }
        // Attributes: name="value" or name='value'.
        bool self_closing = false;
        for (;;) {
            while (p < h.size() && std::isspace(static_cast<unsigned char>(h[p]))) ++p;
            if (p >= h.size()) return "unterminated tag" + where(lt);
            if (h[p] == '>') { ++p; break; }
            if (h.compare(p, 2, "/>") == 0) { self_closing = true; p += 2; break; }
            std::size_t a = p;
            while (p < h.size() && is_name(h[p])) ++p;
            if (p == a) return "bad character in tag" + where(p);
            if (h[p] != '=') return "attribute without a quoted value" + where(a);
            ++p;
            if (h[p] != '"' && h[p] != '\'') return "unquoted attribute value" + where(a);
            char q = h[p];
            std::size_t end = h.find(q, p + 1);
            if (end == std::string::npos) return "unterminated attribute value" + where(a);
            if (h.find('<', p + 1) < end) return "'<' inside an attribute value" + where(a);
            if (auto e = check_text(p + 1, end); !e.empty()) return "in attribute: " + e;
            p = end + 1;
        }
        const bool in_svg = std::find(open.begin(), open.end(), "svg") != open.end() || name == "svg";
        if (self_closing && !in_svg && std::find(void_elements.begin(), void_elements.end(), name) == void_elements.end())
            return "<" + name + "/> outside svg" + where(lt);
        if (name == "style" || name == "script") {  // raw text up to the end tag
            std::size_t end = h.find("</" + name, p);
            if (end == std::string::npos) return "unclosed <" + name + ">" + where(lt);
            pos = end;
            open.push_back(name);
            continue;
        }
        if (!self_closing && std::find(void_elements.begin(), void_elements.end(), name) == void_elements.end())
            open.push_back(name);
        pos = p;
    }
    if (!open.empty()) return "<" + open.back() + "> is never closed";
    return "";
}

}  // namespace soma::test
