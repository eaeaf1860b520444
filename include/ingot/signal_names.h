// Signal names as a user reads them (SIGTERM, SIGRTMIN+3), for every message that mentions a
// signal: numbers mean little to a reader and differ between architectures. Shared by the
// host and the guest kernel; header only and freestanding (no C library), as the kernel has
// no <signal.h> and no strsignal.
#pragma once

namespace ingot {

struct SignalName {
    char text[16]; // the longest is "SIGRTMIN+30" or "signal 4294967295" cut to fit
};

// x86-64 Linux numbering (signal(7)). 32 and 33 are taken by the C libraries; SIGRTMIN is 34
// to the program, as glibc's and musl's SIGRTMIN say.
inline SignalName signal_name(int signal) {
    constexpr const char* names[] = {
        nullptr,     "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
    constexpr int realtime_first = 34, realtime_last = 64;
    SignalName name{};
    unsigned length = 0;
    auto append = [&](const char* text) {
        while (*text && length + 1 < sizeof name.text)
            name.text[length++] = *text++;
    };
    auto append_number = [&](unsigned value) {
        char digits[10];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value);
        while (count && length + 1 < sizeof name.text)
            name.text[length++] = digits[--count];
    };
    if (signal > 0 && signal < static_cast<int>(sizeof names / sizeof names[0])) {
        append(names[signal]);
    } else if (signal == realtime_first) {
        append("SIGRTMIN");
    } else if (signal > realtime_first && signal < realtime_last) {
        append("SIGRTMIN+");
        append_number(static_cast<unsigned>(signal - realtime_first));
    } else if (signal == realtime_last) {
        append("SIGRTMAX");
    } else {
        append("signal ");
        append_number(static_cast<unsigned>(signal));
    }
    name.text[length] = 0;
    return name;
}

} // namespace ingot
