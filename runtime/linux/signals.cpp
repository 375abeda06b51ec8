#include "ward/linux/signals.hpp"

#include "ward/base/strings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <csignal>

namespace ward::linux {

namespace {

struct NamedSignal {
    const char* name; // without the "SIG" prefix
    int number;
};

// The first entry for a number is its canonical name; later ones are aliases.
constexpr std::array kSignals{
    NamedSignal{"HUP", SIGHUP},   NamedSignal{"INT", SIGINT},
    NamedSignal{"QUIT", SIGQUIT}, NamedSignal{"ILL", SIGILL},
    NamedSignal{"TRAP", SIGTRAP}, NamedSignal{"ABRT", SIGABRT},
    NamedSignal{"BUS", SIGBUS},   NamedSignal{"FPE", SIGFPE},
    NamedSignal{"KILL", SIGKILL}, NamedSignal{"USR1", SIGUSR1},
    NamedSignal{"SEGV", SIGSEGV}, NamedSignal{"USR2", SIGUSR2},
    NamedSignal{"PIPE", SIGPIPE}, NamedSignal{"ALRM", SIGALRM},
    NamedSignal{"TERM", SIGTERM}, NamedSignal{"STKFLT", SIGSTKFLT},
    NamedSignal{"CHLD", SIGCHLD}, NamedSignal{"CONT", SIGCONT},
    NamedSignal{"STOP", SIGSTOP}, NamedSignal{"TSTP", SIGTSTP},
    NamedSignal{"TTIN", SIGTTIN}, NamedSignal{"TTOU", SIGTTOU},
    NamedSignal{"URG", SIGURG},   NamedSignal{"XCPU", SIGXCPU},
    NamedSignal{"XFSZ", SIGXFSZ}, NamedSignal{"VTALRM", SIGVTALRM},
    NamedSignal{"PROF", SIGPROF}, NamedSignal{"WINCH", SIGWINCH},
    NamedSignal{"IO", SIGIO},     NamedSignal{"PWR", SIGPWR},
    NamedSignal{"SYS", SIGSYS},   NamedSignal{"IOT", SIGIOT},
    NamedSignal{"POLL", SIGPOLL}, NamedSignal{"CLD", SIGCHLD},
};

// Kernel signal numbers run 1..64; glibc keeps 32 and 33 for itself, so
// SIGRTMIN is 34 at run time.
constexpr int kMaxSignal = 64;

std::optional<int> parse_offset(std::string_view digits) {
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(uint8_t(c)); }))
        return std::nullopt;
    auto value = parse_int(digits);
    if (!value || *value > kMaxSignal)
        return std::nullopt;
    return static_cast<int>(*value);
}

// "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-1" (already upper-case, no "SIG").
std::optional<int> parse_realtime(std::string_view name) {
    int base;
    char sign;
    if (name.starts_with("RTMIN")) {
        base = SIGRTMIN;
        sign = '+';
    } else if (name.starts_with("RTMAX")) {
        base = SIGRTMAX;
        sign = '-';
    } else {
        return std::nullopt;
    }
    std::string_view rest = name.substr(5);
    if (rest.empty())
        return base;
    if (rest[0] != sign)
        return std::nullopt;
    auto offset = parse_offset(rest.substr(1));
    if (!offset)
        return std::nullopt;
    int signal = sign == '+' ? base + *offset : base - *offset;
    if (signal < SIGRTMIN || signal > SIGRTMAX)
        return std::nullopt;
    return signal;
}

} // namespace

std::optional<int> parse_signal(std::string_view text) {
    if (!text.empty() && std::isdigit(uint8_t(text[0]))) {
        auto number = parse_offset(text);
        if (!number || *number < 1)
            return std::nullopt;
        return number;
    }
    // Like runc: case does not matter and the "SIG" prefix is optional.
    std::string name(text);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::toupper(uint8_t(c))); });
    std::string_view bare = name;
    if (bare.starts_with("SIG"))
        bare.remove_prefix(3);
    for (const auto& entry : kSignals)
        if (bare == entry.name)
            return entry.number;
    return parse_realtime(bare);
}

std::string signal_name(int signal) {
    for (const auto& entry : kSignals)
        if (entry.number == signal)
            return std::string("SIG") + entry.name;
    const int rtmin = SIGRTMIN, rtmax = SIGRTMAX;
    if (signal >= rtmin && signal <= rtmax) {
        // Closer to the start counts up from RTMIN, as kill -l prints them.
        if (signal == rtmin)
            return "SIGRTMIN";
        if (signal == rtmax)
            return "SIGRTMAX";
        if (signal - rtmin <= (rtmax - rtmin) / 2)
            return "SIGRTMIN+" + std::to_string(signal - rtmin);
        return "SIGRTMAX-" + std::to_string(rtmax - signal);
    }
    return "signal " + std::to_string(signal);
}

} // namespace ward::linux
