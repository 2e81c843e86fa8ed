// folder_name, folder_name_problem and terminal_safe (sanitize.h).
#include "util/sanitize.h"

#include <cstdint>
#include <cstdio>

namespace soma {

namespace {

constexpr std::size_t kMaxFolderName = 255;  // NAME_MAX on Linux file systems

bool folder_char(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '=' || c == ',' || c == '-';
}

std::string hex(std::uint64_t v, int digits) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
    return buf;
}

// FNV-1a: stable across runs and builds, which a folder name must be.
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    return h;
}

// The length of the UTF-8 sequence at s[i] and its code point, or 0 when the
// bytes there are not well-formed UTF-8 (overlong forms and surrogates included).
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& code) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) n = 2, code = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) n = 3, code = c & 0x0f, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, code = c & 0x07, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const unsigned char b = byte(i + k);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) return 0;
        code = (code << 6) | (b & 0x3f);
    }
    return n;
}

// Code points above U+007F that a terminal acts on or that reorder the text around them.
bool unsafe_code_point(char32_t c) {
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x2028 || c == 0x2029;
}

}  // namespace

const char* const kFolderNameRule =
    "ASCII letters, digits and . _ - = , (not starting with . or -), at most 255 bytes";

std::string folder_name(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (!folder_char(static_cast<unsigned char>(c))) c = '_';
    if (out.empty()) return "_";
    if (out.front() == '.' || out.front() == '-') out.front() = '_';
    if (out.size() > kMaxFolderName) out = out.substr(0, kMaxFolderName - 9) + "-" + hex(fnv1a(text) >> 32, 8);
    return out;
}

std::string folder_name_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > kMaxFolderName)
        return "is " + std::to_string(name.size()) + " bytes long (a folder name holds at most 255)";
    if (name == "." || name == "..") return "is '" + std::string(name) + "' (the folder itself or its parent)";
    if (name.front() == '.') return "starts with '.' (a hidden folder)";
    if (name.front() == '-') return "starts with '-' (it would read as an option)";
    for (unsigned char c : name) {
        if (folder_char(c)) continue;
        if (c == '/' || c == '\\') return std::string("contains '") + static_cast<char>(c) + "' (a name is one folder, not a path)";
        if (c < 0x20 || c == 0x7f) return "contains the control character " + terminal_safe(std::string(1, static_cast<char>(c)));
        if (c >= 0x80) return "contains a character outside ASCII";
        return std::string("contains '") + static_cast<char>(c) + "'";
    }
    return "";
}

std::string terminal_safe(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
            else if (keep_newlines && (c == '\n' || c == '\t')) out += static_cast<char>(c);
            else if (c == '\n') out += "\\n";
            else if (c == '\r') out += "\\r";
            else if (c == '\t') out += "\\t";
            else if (c == 0x1b) out += "\\e";
            else out += "\\x" + hex(c, 2);
            continue;
        }
        char32_t code = 0;
        const std::size_t n = utf8_sequence(text, i, code);
        if (n == 0) {
            out += "\\x" + hex(c, 2);
            ++i;
        } else if (unsafe_code_point(code)) {
            out += "\\u" + hex(code, 4);
            i += n;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace soma
