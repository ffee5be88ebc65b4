// The run skeleton shared by the single-stream benches (logacc_tb.cpp, logdot_tb.cpp,
// quant_tb.cpp): a top with clk, rst, s_valid/s_ready in and m_valid/m_ready out,
// clocked in half cycles (dump time 2 * cycle on the falling, 2 * cycle + 1 on the
// rising edge), stalls in phases, and the end of a run: wait for the outputs still
// due, then a few idle cycles in which nothing more may come out.
#ifndef LOGQ_SIM_HARNESS_H
#define LOGQ_SIM_HARNESS_H

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "waves.h"

namespace lq_harness {

template <typename Top> inline void fall(Top *top, lq_waves::Dump &dump, long cycle)
{
    top->clk = 0;
    top->eval();
    dump.at(2 * (uint64_t)cycle);
}
template <typename Top> inline void rise(Top *top, lq_waves::Dump &dump, long &cycle)
{
    top->clk = 1;
    top->eval();
    dump.at(2 * (uint64_t)cycle + 1);
    cycle++;
}
template <typename Top> inline void clock(Top *top, lq_waves::Dump &dump, long &cycle, int n)
{
    for (int i = 0; i < n; i++) {
        fall(top, dump, cycle);
        rise(top, dump, cycle);
    }
}

// Reset: 3 cycles with rst high and neither valid nor ready.
template <typename Top> inline void reset(Top *top, lq_waves::Dump &dump, long &cycle)
{
    top->clk = 0;
    top->rst = 1;
    top->s_valid = 0;
    top->m_ready = 0;
    clock(top, dump, cycle, 3);
    top->rst = 0;
}

// The stall phases (percent of cycles with s_valid, m_ready offered): full rate,
// light, heavy, input-starved and output-stalled.
struct Phases {
    int pv = 100, pr = 100;
    void pick(int ph) // ph in 0..4
    {
        static const int pvs[] = {100, 90, 50, 20, 100};
        static const int prs[] = {100, 100, 50, 90, 20};
        pv = pvs[ph];
        pr = prs[ph];
    }
};

// Every input sent: true when the run is over, that is no output is still due
// (`waiting`) or `limit` cycles passed without them (a MISMATCH naming `what`).
// m_ready stays high from here on.
inline bool drained(size_t waiting, long &idle, long limit, long cycle, const char *what,
                    long &errors, int &pr)
{
    if (waiting == 0)
        return true;
    pr = 100;
    if (++idle > limit) {
        printf("MISMATCH cycle %ld: %zu %s(s) never came out\n", cycle, waiting, what);
        errors++;
        return true;
    }
    return false;
}

// 2 * latency + 4 idle cycles with m_ready high: an output then is a MISMATCH.
template <typename Top>
inline void expect_quiet(Top *top, lq_waves::Dump &dump, long &cycle, int latency,
                         const char *what, long &errors, long maxerr)
{
    top->s_valid = 0;
    top->m_ready = 1;
    for (int i = 0; i < 2 * latency + 4 && errors < maxerr && !lq_waves::interrupted; i++) {
        fall(top, dump, cycle);
        if (top->m_valid) {
            printf("MISMATCH cycle %ld: an extra %s\n", cycle, what);
            errors++;
        }
        rise(top, dump, cycle);
    }
}

}  // namespace lq_harness

#endif
