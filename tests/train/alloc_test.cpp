// The steady-state training step allocates no heap memory. Every malloc in
// the process is counted (operator new included, as it calls malloc).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "data/batcher.h"
#include "train/session.h"
#include "train/threads.h"
#include "train/trainer.h"
#include "train_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOMA_COUNT_MALLOC 0
#else
#define SOMA_COUNT_MALLOC 1
#include <dlfcn.h>
#include <elf.h>
#include <execinfo.h>
#include <link.h>

// oneDNN 2.6 allocates inside dnnl_primitive_execute itself (about six
// mallocs per call, for its execution context's argument map); soma cannot
// avoid that, so an allocation whose call stack passes through that function
// is counted apart. Every other allocation in a step is soma's and must be 0.
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void* __libc_memalign(std::size_t, std::size_t);

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_soma{0}, g_inside_onednn_execute{0};
std::uintptr_t g_execute_lo = 0, g_execute_hi = 0;
thread_local bool t_in_hook = false;

void note_allocation() {
    if (!g_counting.load(std::memory_order_relaxed) || t_in_hook) return;
    t_in_hook = true;
    void* frames[48];
    const int n = backtrace(frames, 48);
    bool inside = false;
    for (int i = 0; i < n; ++i) {
        const auto a = reinterpret_cast<std::uintptr_t>(frames[i]);
        inside = inside || (a >= g_execute_lo && a < g_execute_hi);
    }
    (inside ? g_inside_onednn_execute : g_soma).fetch_add(1, std::memory_order_relaxed);
    t_in_hook = false;
}

void find_onednn_execute() {
    void* f = dlsym(RTLD_DEFAULT, "dnnl_primitive_execute");
    Dl_info info;
    ElfW(Sym)* sym = nullptr;
    if (f && dladdr1(f, &info, reinterpret_cast<void**>(&sym), RTLD_DL_SYMENT) && sym) {
        g_execute_lo = reinterpret_cast<std::uintptr_t>(info.dli_saddr);
        g_execute_hi = g_execute_lo + sym->st_size;
    }
    void* warm[4];
    backtrace(warm, 4);  // the first call loads the unwinder (and allocates)
}
}  // namespace

extern "C" void* malloc(std::size_t n) {
    note_allocation();
    return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
    note_allocation();
    return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
    note_allocation();
    return __libc_realloc(p, n);
}
extern "C" int posix_memalign(void** p, std::size_t align, std::size_t n) {
    note_allocation();
    *p = __libc_memalign(align, n);
    return *p ? 0 : 12;
}
#endif

namespace soma {
namespace {

TEST(Allocation, SteadyStateTrainingStepAllocatesNothing) {
#if !SOMA_COUNT_MALLOC
    GTEST_SKIP() << "malloc cannot be interposed under AddressSanitizer; the release build runs this test";
#else
    for (const std::string act : {"sigmoid", "relu"}) {
        for (int batch : {1, 32, 256}) {
            Dataset data = make_synthetic(1000, 10, 1);
            Experiment e = test::synthetic_experiment(act, {16, 16}, 1);
            e.training.batch_size = batch;
            apply_threads(1, e.model, data.features(), data.classes, batch);
            TrainingSession session(test::registry(), e.model, e.training, data.features(), data.classes, batch);
            Batcher batcher(data.train, data.features(), batch, 1, true);
            std::vector<float> x(static_cast<std::size_t>(batch) * data.features());
            std::vector<std::int32_t> labels(batch);
            auto run_epoch = [&](int epoch) {
                batcher.start_epoch(epoch);
                while (int b = batcher.next(x.data(), labels.data())) session.step(x.data(), labels.data(), b);
            };
            run_epoch(0);  // warm-up: primitives for the full and the last partial batch
            find_onednn_execute();
            ASSERT_NE(g_execute_hi, 0u) << "dnnl_primitive_execute not found";
            const long soma_before = g_soma.load(), onednn_before = g_inside_onednn_execute.load();
            g_counting = true;
            for (int i = 0; i < 50; ++i) {
                int b = batcher.next(x.data(), labels.data());
                if (b == 0) {
                    batcher.start_epoch(1);
                    b = batcher.next(x.data(), labels.data());
                }
                session.step(x.data(), labels.data(), b);
            }
            g_counting = false;
            EXPECT_EQ(g_soma.load() - soma_before, 0) << act << " batch " << batch;
            // Shows that the counter sees allocations at all (oneDNN's own).
            EXPECT_GT(g_inside_onednn_execute.load() - onednn_before, 0);
            std::printf("%s batch %d: soma %ld, inside oneDNN execute %.1f per step\n", act.c_str(), batch,
                        g_soma.load() - soma_before, (g_inside_onednn_execute.load() - onednn_before) / 50.0);
        }
    }
#endif
}

}  // namespace
}  // namespace soma
