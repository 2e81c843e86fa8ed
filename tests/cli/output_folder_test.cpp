// Output folders: which folders soma may write into (absent, empty, or
// marked as its own of the same kind) and the lock that keeps a second
// process out, in-process.
#include <gtest/gtest.h>

#include <unistd.h>

#include <functional>

#include "cli_util.h"
#include "train/output_folder.h"

namespace soma::test {
namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(OutputFolder, AbsentOrEmptyFoldersAreFree) {
    TempDir t;
    EXPECT_EQ(error_of([&] { check_output_folder(t.path() / "new", FolderKind::run); }), "");
    fs::create_directories(t.path() / "empty");
    EXPECT_EQ(error_of([&] { check_output_folder(t.path() / "empty", FolderKind::sweep); }), "");
}

TEST(OutputFolder, AnythingElseNeedsSomasMarkerOfTheSameKind) {
    TempDir t;
    const fs::path mine = t.path() / "mine";
    write(mine / "notes.txt", "my notes");
    EXPECT_EQ(error_of([&] { check_output_folder(mine, FolderKind::run); }),
              mine.string() + " is not empty and is not a soma output folder (it has no .soma marker); soma never "
                              "writes into a folder that may hold your files: choose a new or empty folder (--out DIR)");
    write(t.path() / "file", "x");
    EXPECT_EQ(error_of([&] { check_output_folder(t.path() / "file", FolderKind::run); }),
              (t.path() / "file").string() + " exists and is not a folder; choose another output folder (--out DIR)");
    EXPECT_EQ(error_of([&] { check_output_folder("/", FolderKind::sweep); }),
              "/: soma never writes into the file system root; choose a folder of its own (--out DIR)");
    EXPECT_NE(error_of([&] { check_output_folder(t.path() / ".." / ".." / ".." / ".." / ".." / "..", FolderKind::run); }),
              "");

    { FolderClaim claim(t.path() / "run", FolderKind::run); }
    write(t.path() / "run/metrics.csv", "");
    EXPECT_EQ(error_of([&] { check_output_folder(t.path() / "run", FolderKind::run); }), "");
    EXPECT_EQ(error_of([&] { check_output_folder(t.path() / "run", FolderKind::sweep); }),
              (t.path() / "run").string() +
                  " is a soma run folder; a sweep cannot write into it: choose another output folder (--out DIR)");
    // A marker that is a symlink (planted to borrow one) does not count.
    write(t.path() / "planted/notes.txt", "");
    fs::create_symlink(t.path() / "run/.soma", t.path() / "planted/.soma");
    EXPECT_NE(error_of([&] { check_output_folder(t.path() / "planted", FolderKind::run); }), "");
}

TEST(OutputFolder, ASecondClaimNamesTheFolderAndTheHolder) {
    TempDir t;
    const fs::path dir = t.path() / "out";
    {
        FolderClaim first(dir, FolderKind::run);
        EXPECT_EQ(read(dir / ".soma").substr(0, 16), "soma run folder\n");
        const std::string second = error_of([&] { FolderClaim again(dir, FolderKind::run); });
        EXPECT_EQ(second.rfind(dir.string() + ": another soma process is writing into this folder (pid " +
                                   std::to_string(::getpid()) + " on " + host_name() + ": test_cli",
                               0),
                  0u)
            << second;
        EXPECT_NE(second.find("); wait for it to end, or choose another output folder (--out DIR)"), std::string::npos)
            << second;
    }
    EXPECT_EQ(error_of([&] { FolderClaim again(dir, FolderKind::run); }), "");  // released with the first
}

TEST(OutputFolder, ClearKeepsTheMarkerAndTheLock) {
    TempDir t;
    FolderClaim claim(t.path() / "run", FolderKind::run);
    write(t.path() / "run/metrics.csv", "1");
    write(t.path() / "run/sub/x", "1");
    claim.clear();
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(t.path() / "run")) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{".lock", ".soma"}));
}

TEST(OutputFolder, APlantedLockSymlinkLeadsNowhere) {
    TempDir t;
    { FolderClaim claim(t.path() / "run", FolderKind::run); }
    write(t.path() / "precious", "keep me");
    fs::remove(t.path() / "run/.lock");
    fs::create_symlink(t.path() / "precious", t.path() / "run/.lock");
    EXPECT_NE(error_of([&] { FolderClaim claim(t.path() / "run", FolderKind::run); }), "");
    EXPECT_EQ(read(t.path() / "precious"), "keep me");
}

}  // namespace
}  // namespace soma::test
