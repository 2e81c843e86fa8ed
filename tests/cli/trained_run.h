// A test suite over one run trained from Config::toml (ctest runs each test
// in its own process; training is the slow part), in a folder removed at the
// end: the run folder is dir() / "run".
#pragma once

#include <gtest/gtest.h>

#include "cli_util.h"

namespace soma::test {

template <class Config>
class TrainedRunSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        write(dir_->path() / "run.toml", Config::toml);
        const Result r = soma("run run.toml --out run", dir_->path());
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static const fs::path& dir() { return dir_->path(); }
    static fs::path trained_run() { return dir_->path() / "run"; }

private:
    static inline TempDir* dir_ = nullptr;
};

}  // namespace soma::test
