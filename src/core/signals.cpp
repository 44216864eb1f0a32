#include "caseload/signals.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>

namespace caseload {

namespace {

// Fixed buffers: a signal handler may only call async-signal-safe functions
// (unlink, signal, raise), so it reads no std::string.
constexpr int kSlots = 4;
constexpr std::size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax] = {};
volatile std::sig_atomic_t g_used[kSlots] = {};
int g_installed = 0;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

extern "C" void remove_files_and_die(int signal_number) {
    for (int i = 0; i < kSlots; ++i)
        if (g_used[i]) ::unlink(g_paths[i]);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::string& path) {
    if (path.size() >= kPathMax) return;
    for (int i = 0; i < kSlots; ++i) {
        if (g_used[i]) continue;
        std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
        g_used[i] = 1;
        slot_ = i;
        break;
    }
    if (slot_ >= 0 && g_installed++ == 0)
        for (int s : kSignals) std::signal(s, remove_files_and_die);
}

RemoveOnSignal::~RemoveOnSignal() {
    release();
}

void RemoveOnSignal::release() {
    if (slot_ < 0) return;
    g_used[slot_] = 0;
    slot_ = -1;
    if (--g_installed == 0)
        for (int s : kSignals) std::signal(s, SIG_DFL);
}

}  // namespace caseload
