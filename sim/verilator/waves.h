// Waveform dumping and clean interruption for the Verilator harnesses (docs/waves.md).
//
//   lq_waves::install_signals();         SIGINT/SIGTERM set lq_waves::interrupted
//   lq_waves::Dump dump("logacc_tb");
//   dump.open(ctx, top, path);           FST when built with --trace-fst (WAVES=1);
//                                        otherwise a note that +trace is ignored
//   dump.at(t);                          after every eval()
//   dump.close();                        also done by the destructor, on every exit
//
// +trace[=FILE]: lq_waves::trace_arg(ctx, "default.fst") copies the plusarg out at once
// (ctx->commandArgsPlusMatch returns a buffer that the next call overwrites).
#ifndef LQ_SIM_WAVES_H
#define LQ_SIM_WAVES_H

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "verilated.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
#endif

namespace lq_waves {

static volatile std::sig_atomic_t interrupted = 0;
static void on_signal(int) { interrupted = 1; }
static inline void install_signals()
{
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

// The FILE of +trace=FILE, `def` for a bare +trace, "" without it.
static inline std::string trace_arg(VerilatedContext *ctx, const char *def)
{
    const char *s = ctx->commandArgsPlusMatch("trace");
    if (!s || !*s || std::string(s).compare(0, 6, "+trace") != 0) return "";
    std::string arg = s;  // copy before any other commandArgsPlusMatch call
    if (arg == "+trace") return def;
    if (arg.compare(0, 7, "+trace=") == 0 && arg.size() > 7) return arg.substr(7);
    return "";  // +tracefoo: not ours
}

class Dump {
  public:
    explicit Dump(const char *who) : who_(who) {}
    ~Dump() { close(); }
    Dump(const Dump &) = delete;
    Dump &operator=(const Dump &) = delete;

    template <typename Top> void open(VerilatedContext *ctx, Top *top, const std::string &path)
    {
        if (path.empty()) return;
#if VM_TRACE_FST
        path_ = path;
        ctx->traceEverOn(true);
        tfp_.reset(new VerilatedFstC);
        top->trace(tfp_.get(), 99);
        tfp_->open(path_.c_str());
        std::printf("%s: tracing to %s\n", who_, path_.c_str());
        std::fflush(stdout);
#else
        (void)ctx;
        (void)top;
        std::printf("%s: +trace ignored: built without --trace-fst (WAVES=1)\n", who_);
#endif
    }
    bool on() const
    {
#if VM_TRACE_FST
        return (bool)tfp_;
#else
        return false;
#endif
    }
    void at(uint64_t t)
    {
#if VM_TRACE_FST
        if (tfp_) tfp_->dump(t);
#else
        (void)t;
#endif
    }
    void close()
    {
#if VM_TRACE_FST
        if (!tfp_) return;
        tfp_->close();
        tfp_.reset();
        std::printf("%s: waves closed: gtkwave %s\n", who_, path_.c_str());
        std::fflush(stdout);
#endif
    }

  private:
    const char *who_;
    std::string path_;
#if VM_TRACE_FST
    std::unique_ptr<VerilatedFstC> tfp_;
#endif
};

// The message and exit status of an interrupted run (after the dump is closed).
static inline int interrupted_exit(const char *who, long cycle)
{
    std::printf("%s: INTERRUPTED after %ld cycles; the dump is closed\n", who, cycle);
    std::fflush(stdout);
    return 130;
}

}  // namespace lq_waves

#endif
