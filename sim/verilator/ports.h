// Verilator ports of any width from and to arrays of 32-bit words, and lane fields
// packed into such arrays (lane 0 in the LSBs, one whole field per step). Shared by
// the benches of the quant and logdot blocks.
#ifndef LOGQ_SIM_PORTS_H
#define LOGQ_SIM_PORTS_H

#include <cstdint>
#include <cstring>

#include "verilated.h"

namespace lq_ports {

inline void put(CData &p, const uint32_t *w) { p = (CData)w[0]; }
inline void put(SData &p, const uint32_t *w) { p = (SData)w[0]; }
inline void put(IData &p, const uint32_t *w) { p = w[0]; }
inline void put(QData &p, const uint32_t *w) { p = (QData)w[0] | ((QData)w[1] << 32); }
template <std::size_t K> inline void put(VlWide<K> &p, const uint32_t *w)
{
    for (std::size_t i = 0; i < K; i++) p[i] = w[i];
}
inline void get(const CData &p, uint32_t *w) { w[0] = p; }
inline void get(const SData &p, uint32_t *w) { w[0] = p; }
inline void get(const IData &p, uint32_t *w) { w[0] = p; }
inline void get(const QData &p, uint32_t *w)
{
    w[0] = (uint32_t)p;
    w[1] = (uint32_t)(p >> 32);
}
template <std::size_t K> inline void get(const VlWide<K> &p, uint32_t *w)
{
    for (std::size_t i = 0; i < K; i++) w[i] = p[i];
}

// n fields of `bits` (<= 32) bits into w[0 .. nw-1] (nw covers n * bits + 32 bits).
inline void pack(const uint32_t *f, int n, int bits, uint32_t *w, int nw)
{
    std::memset(w, 0, sizeof(uint32_t) * nw);
    for (int i = 0, pos = 0; i < n; i++, pos += bits) {
        uint64_t v = ((uint64_t)f[i] & ((1ull << bits) - 1)) << (pos % 32);
        w[pos / 32] |= (uint32_t)v;
        if (pos % 32 + bits > 32) w[pos / 32 + 1] |= (uint32_t)(v >> 32);
    }
}
inline uint32_t unpack(const uint32_t *w, int bits, int lane)
{
    int pos = lane * bits;
    uint64_t v = w[pos / 32] >> (pos % 32);
    if (pos % 32 + bits > 32) v |= (uint64_t)w[pos / 32 + 1] << (32 - pos % 32);
    return (uint32_t)(v & ((1ull << bits) - 1));
}

}  // namespace lq_ports

#endif
