// folder_name, folder_name_problem, terminal_safe and shell_quote: what each
// lets through, what it changes, and that the check and the sanitizer agree.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "util/quote.h"
#include "util/sanitize.h"

namespace soma {
namespace {

TEST(FolderName, KeepsTheSafeSetAndReplacesEverythingElse) {
    EXPECT_EQ(folder_name("activation=relu,hidden=16x16,seed=2"), "activation=relu,hidden=16x16,seed=2");
    EXPECT_EQ(folder_name("mnist_3b1b-v2.1"), "mnist_3b1b-v2.1");
    EXPECT_EQ(folder_name("a=b c/d,e.f-g_h:i"), "a=b_c_d,e.f-g_h_i");
    EXPECT_EQ(folder_name("../../escaped"), "_._.._escaped");
    EXPECT_EQ(folder_name("/srv/victim"), "_srv_victim");
    EXPECT_EQ(folder_name("."), "_");
    EXPECT_EQ(folder_name(".."), "_.");
    EXPECT_EQ(folder_name("-rf"), "_rf");
    EXPECT_EQ(folder_name(""), "_");
    EXPECT_EQ(folder_name("a\nb\rc\x1b[2Jd"), "a_b_c__2Jd");
    EXPECT_EQ(folder_name("r\xc3\xa9sum\xc3\xa9"), "r__sum__");  // each byte outside ASCII
}

TEST(FolderName, LongNamesStayWithinNameMaxAndDistinct) {
    const std::string a(300, 'a');
    std::string b = a;
    b.back() = 'b';
    const std::string fa = folder_name(a), fb = folder_name(b);
    EXPECT_EQ(fa.size(), 255u);
    EXPECT_EQ(fb.size(), 255u);
    EXPECT_NE(fa, fb);
    EXPECT_EQ(fa.substr(0, 246), a.substr(0, 246));
    EXPECT_EQ(fa[246], '-');
    EXPECT_EQ(folder_name(a), fa);  // stable
    EXPECT_EQ(folder_name(std::string(255, 'x')), std::string(255, 'x'));
}

TEST(FolderNameProblem, SaysWhatIsWrong) {
    EXPECT_EQ(folder_name_problem("sigmoid_vs_relu"), "");
    EXPECT_EQ(folder_name_problem("a.b-c=d,e"), "");
    EXPECT_EQ(folder_name_problem(""), "is empty");
    EXPECT_EQ(folder_name_problem("."), "is '.' (the folder itself or its parent)");
    EXPECT_EQ(folder_name_problem(".."), "is '..' (the folder itself or its parent)");
    EXPECT_EQ(folder_name_problem(".hidden"), "starts with '.' (a hidden folder)");
    EXPECT_EQ(folder_name_problem("-x"), "starts with '-' (it would read as an option)");
    EXPECT_EQ(folder_name_problem("../../escaped"), "starts with '.' (a hidden folder)");
    EXPECT_EQ(folder_name_problem("runs/../x"), "contains '/' (a name is one folder, not a path)");
    EXPECT_EQ(folder_name_problem("a\\b"), "contains '\\' (a name is one folder, not a path)");
    EXPECT_EQ(folder_name_problem("a\nb"), "contains the control character \\n");
    EXPECT_EQ(folder_name_problem("a\x1b[31m"), "contains the control character \\e");
    EXPECT_EQ(folder_name_problem("my experiment"), "contains ' '");
    EXPECT_EQ(folder_name_problem("caf\xc3\xa9"), "contains a character outside ASCII");
    EXPECT_EQ(folder_name_problem(std::string(256, 'a')), "is 256 bytes long (a folder name holds at most 255)");
}

TEST(FolderNameProblem, AgreesWithFolderName) {
    const std::vector<std::string> samples = {
        "", ".", "..", "...", "a", "_a", ".a", "-a", "a-", "a.", "a b", "a/b", "a\\b", "a\tb", "a\x7f",
        "a=1,b=2", "x\xff", std::string(255, 'z'), std::string(256, 'z'), "\xe2\x80\xae", "A-Z_0.9=,-"};
    for (const std::string& s : samples)
        EXPECT_EQ(folder_name_problem(s).empty(), folder_name(s) == s) << terminal_safe(s);
    for (const std::string& s : samples) EXPECT_EQ(folder_name_problem(folder_name(s)), "") << terminal_safe(s);
}

TEST(TerminalSafe, EscapesWhatDrivesATerminal) {
    EXPECT_EQ(terminal_safe("plain text, 100% (ok)"), "plain text, 100% (ok)");
    EXPECT_EQ(terminal_safe("a\x1b[2Jb"), "a\\e[2Jb");
    EXPECT_EQ(terminal_safe("title\x1b]0;owned\x07"), "title\\e]0;owned\\x07");
    EXPECT_EQ(terminal_safe("a\nb\rc\td\x7f"), "a\\nb\\rc\\td\\x7f");
    EXPECT_EQ(terminal_safe(std::string("a\0b", 3)), "a\\x00b");
    // C1 controls: as UTF-8 (U+009B, CSI) and as a raw byte.
    EXPECT_EQ(terminal_safe("a\xc2\x9b" "31mb"), "a\\u009b31mb");
    EXPECT_EQ(terminal_safe("a\x9b" "31mb"), "a\\x9b31mb");
    // Bidirectional overrides and isolates, line and paragraph separators.
    EXPECT_EQ(terminal_safe("x\xe2\x80\xaey"), "x\\u202ey");
    EXPECT_EQ(terminal_safe("x\xe2\x81\xa6y"), "x\\u2066y");
    EXPECT_EQ(terminal_safe("x\xe2\x80\xa8y"), "x\\u2028y");
}

TEST(TerminalSafe, KeepsUtf8AndEscapesWhatIsNotUtf8) {
    EXPECT_EQ(terminal_safe("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82"),
              "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82");
    EXPECT_EQ(terminal_safe("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
    EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_EQ(terminal_safe("\xe6\x97"), "\\xe6\\x97");          // cut short
    EXPECT_EQ(terminal_safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
}

TEST(TerminalSafe, KeepsNewlinesAndTabsInMessagesOnly) {
    EXPECT_EQ(terminal_safe("line 1\n\tline 2\r\x1b[K", true), "line 1\n\tline 2\\r\\e[K");
    EXPECT_EQ(terminal_safe("line 1\n\tline 2"), "line 1\\n\\tline 2");
}

TEST(ShellQuote, PastesBackToTheSameWord) {
    EXPECT_EQ(shell_quote("runs/a-b_c.d=1,2:3"), "runs/a-b_c.d=1,2:3");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("caf\xc3\xa9"), "'caf\xc3\xa9'");
    EXPECT_EQ(shell_quote("a\nb"), "$'a\\x0ab'");
    EXPECT_EQ(shell_quote("o\x1b[2J'\\"), "$'o\\x1b[2J\\'\\\\'");
    EXPECT_EQ(terminal_safe(shell_quote("x\x1b\x9b\r")), shell_quote("x\x1b\x9b\r"));
}

}  // namespace
}  // namespace soma
