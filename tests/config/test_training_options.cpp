// Learning-rate schedules, early stopping and gradient clipping in the file.
#include "config_test_util.h"

namespace soma::test {

TEST_F(ConfigTest, ScheduleEarlyStoppingAndClippingAreRead) {
    write("exp.toml",
        "[data]\nvalidation = 0.1\n[training]\nclip_norm = 5.0\n"
        "[training.schedule]\nname = \"cosine\"\nwarmup_epochs = 1.5\nmin_factor = 0.1\n"
        "[training.early_stopping]\npatience = 3\nmin_delta = 0.001\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.training.clip_norm, 5.0);
    EXPECT_EQ(e.training.schedule.name, Schedule::cosine);
    EXPECT_EQ(e.training.schedule.warmup_epochs, 1.5);
    EXPECT_EQ(e.training.schedule.min_factor, 0.1);
    EXPECT_EQ(e.training.early_stopping.patience, 3);
    EXPECT_EQ(e.training.early_stopping.min_delta, 0.001);
    // The resolved file reads back to the same settings.
    write("back.toml", to_toml(e));
    EXPECT_EQ(load("back.toml"), e);
}

TEST_F(ConfigTest, UnknownScheduleNameSuggestsTheClosest) {
    const ConfigError e = error_of("[training.schedule]\nname = \"cosin\"\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 8);
    EXPECT_NE(e.reason.find("did you mean 'cosine'"), std::string::npos) << e.reason;
}

TEST_F(ConfigTest, GammaOutOfRangeNamesItsPosition) {
    const ConfigError e = error_of("[training.schedule]\nname = \"step\"\ngamma = 1.5\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.reason, "training.schedule.gamma: expected a number > 0.0 and <= 1.0, got 1.5");
}

TEST_F(ConfigTest, EarlyStoppingNeedsAValidationSplit) {
    const ConfigError e = error_of("[training.early_stopping]\npatience = 2\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_NE(e.reason.find("set data.validation"), std::string::npos) << e.reason;
}

TEST_F(ConfigTest, UnknownKeyInTheSchedule) {
    const ConfigError e = error_of("[training.schedule]\nwarmup = 2\n");
    EXPECT_EQ(e.reason, "unknown key 'warmup' in [training.schedule] (did you mean 'warmup_epochs'?)");
}

}  // namespace soma::test
