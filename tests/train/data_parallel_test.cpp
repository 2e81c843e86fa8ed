// Data-parallel training in one process: the ranks are threads summing
// through shared memory (ThreadRanks), so the trainer's split of every batch,
// its gradient sums, split evaluation and parameter check are tested without
// MPI (and under the sanitizers); tests/distributed runs them over mpirun.
#include <gtest/gtest.h>

#include <barrier>
#include <cmath>
#include <thread>

#include "data/batcher.h"
#include "train/data_parallel.h"
#include "train/trainer.h"
#include "train_fixture.h"

namespace soma {
namespace {

// N threads as the ranks of one group: every sum adds the ranks' values in
// rank order, as a reduction over processes would (in some fixed order).
class ThreadRanks {
public:
    explicit ThreadRanks(int n) : n_(n), barrier_(n), values_(static_cast<std::size_t>(n)) {}

    class Rank : public RankGroup {
    public:
        Rank(ThreadRanks& ranks, int rank) : ranks_(ranks), rank_(rank) {}
        int rank() const override { return rank_; }
        int size() const override { return ranks_.n_; }
        void sum(float* values, std::size_t n) override { ranks_.sum(rank_, values, n); }
        void sum(double* values, std::size_t n) override { ranks_.sum(rank_, values, n); }
        bool same_everywhere(std::uint64_t value) override {
            std::uint64_t v[2] = {value, value}, min = value, max = value;
            ranks_.values_[static_cast<std::size_t>(rank_)] = v;
            ranks_.barrier_.arrive_and_wait();
            for (const void* p : ranks_.values_) {
                min = std::min(min, *static_cast<const std::uint64_t*>(p));
                max = std::max(max, *static_cast<const std::uint64_t*>(p));
            }
            ranks_.barrier_.arrive_and_wait();
            return min == max;
        }

    private:
        ThreadRanks& ranks_;
        int rank_;
    };

private:
    template <class T>
    void sum(int rank, T* values, std::size_t n) {
        values_[static_cast<std::size_t>(rank)] = values;
        barrier_.arrive_and_wait();
        std::vector<T> total(n, T(0));
        for (const void* p : values_)
            for (std::size_t i = 0; i < n; ++i) total[i] += static_cast<const T*>(p)[i];
        barrier_.arrive_and_wait();  // every rank has read every rank's values
        std::copy(total.begin(), total.end(), values);
    }

    int n_;
    std::barrier<> barrier_;
    std::vector<const void*> values_;
};

// The run trained by `ranks` threads; every rank's result.
std::vector<RunResult> train_on_threads(const Experiment& e, const Dataset& data, int ranks) {
    ThreadRanks group(ranks);
    std::vector<RunResult> results(static_cast<std::size_t>(ranks));
    std::vector<std::thread> threads;
    for (int r = 0; r < ranks; ++r)
        threads.emplace_back([&, r] {
            ThreadRanks::Rank rank(group, r);
            DataParallel parallel;
            parallel.group = &rank;
            results[static_cast<std::size_t>(r)] = train(e, data, test::registry(), nullptr, &parallel);
        });
    for (std::thread& t : threads) t.join();
    return results;
}

TEST(DataParallel, PartsOfABatchCoverItInOrderLargestFirst) {
    for (int rows : {0, 1, 7, 50, 256})
        for (int parts : {1, 2, 3, 4}) {
            int next = 0;
            for (int p = 0; p < parts; ++p) {
                const RowRange r = part_of_batch(rows, p, parts);
                EXPECT_EQ(r.first, next) << rows << " rows, part " << p << " of " << parts;
                EXPECT_LE(r.count, part_of_batch(rows, 0, parts).count);
                EXPECT_GE(r.count, part_of_batch(rows, 0, parts).count - 1);
                next += r.count;
            }
            EXPECT_EQ(next, rows);
        }
}

TEST(DataParallel, ThreadRanksTrainAsOneProcessDoes) {
    const Dataset data = make_synthetic(530, 170, 5);  // 530 = 10 batches of 50 and one of 30
    Experiment e = test::synthetic_experiment("relu", {24, 12}, 3);
    e.training.batch_size = 50;
    e.training.threads = 1;
    const RunResult one = train(e, data, test::registry());
    ASSERT_EQ(one.status, RunStatus::ok);
    for (int ranks : {1, 2, 3, 4}) {
        const std::vector<RunResult> results = train_on_threads(e, data, ranks);
        for (const RunResult& r : results) {
            ASSERT_EQ(r.status, RunStatus::ok);
            ASSERT_EQ(r.epochs.size(), one.epochs.size());
            EXPECT_EQ(r.ranks, ranks);
            for (std::size_t i = 0; i < r.epochs.size(); ++i) {
                const EpochMetrics &a = r.epochs[i], &b = one.epochs[i];
                EXPECT_NEAR(a.train_loss, b.train_loss, 1e-4) << ranks << " ranks, epoch " << i + 1;
                EXPECT_NEAR(a.train_accuracy, b.train_accuracy, 1e-9) << ranks << " ranks, epoch " << i + 1;
                EXPECT_NEAR(a.test_loss, b.test_loss, 1e-4) << ranks << " ranks, epoch " << i + 1;
                EXPECT_NEAR(a.test_accuracy, b.test_accuracy, 1.0 / 170) << ranks << " ranks, epoch " << i + 1;
            }
            EXPECT_EQ(r.confusion.size(), one.confusion.size());
            long total = 0;
            for (int c : r.confusion) total += c;
            EXPECT_EQ(total, 170);
        }
        // Every rank ends with the same metrics (and, checked inside, parameters).
        for (const RunResult& r : results) EXPECT_EQ(r.epochs.back().test_loss, results[0].epochs.back().test_loss);
    }
}

TEST(DataParallel, AStopAskedOnOneRankStopsEveryRankAfterTheSameStep) {
    const Dataset data = make_synthetic(400, 100, 5);
    Experiment e = test::synthetic_experiment("relu", {16}, 3);
    e.training.batch_size = 40;
    e.training.threads = 1;
    ThreadRanks group(2);
    std::atomic<int> stopped{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < 2; ++r)
        threads.emplace_back([&, r] {
            ThreadRanks::Rank rank(group, r);
            DataParallel parallel;
            parallel.group = &rank;
            int steps = 0;
            parallel.stop = [&, r] { return r == 1 && ++steps > 5; };
            try {
                train(e, data, test::registry(), nullptr, &parallel);
            } catch (const TrainingStopped&) {
                ++stopped;
            }
        });
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(stopped.load(), 2);
}

}  // namespace
}  // namespace soma
